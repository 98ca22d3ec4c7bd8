"""docmgr's own manual: the pages of docs/, shipped as package data in ``docmgr/help/``.

``docmgr help <topic>`` prints one; ``export-sqlite`` stores them all in its ``README`` table.
A topic is a page's file name without ``.md`` (``getting-started``, ``cli``, …).
"""

from __future__ import annotations

from pathlib import Path

# package data sits next to the package (importlib.resources would cost imports at start-up)
HELP_DIR = Path(__file__).resolve().parent.parent / "help"


def topics() -> list[str]:
    """Every topic, sorted."""
    return sorted(p.stem for p in HELP_DIR.glob("*.md"))


def title(topic: str) -> str:
    """The first ``# `` heading of a page ('' when it has none)."""
    for line in page(topic).splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def page(topic: str) -> str:
    """The text of one page; KeyError when there is no such topic."""
    name = topic.strip().removesuffix(".md")
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise KeyError(topic)
    path = HELP_DIR / f"{name}.md"
    if not path.is_file():
        raise KeyError(topic)
    return path.read_text(encoding="utf-8")


def pages() -> dict[str, str]:
    """File name -> text of every page."""
    return {f"{t}.md": page(t) for t in topics()}
