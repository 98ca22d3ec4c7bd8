"""The Jinja2 environment of the UI and the site: autoescaping on, undefined names fail."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def when(value: str) -> str:
    """An ISO 8601 instant as ``YYYY-MM-DD HH:MM`` (as written, no zone conversion)."""
    if not value:
        return ""
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return at.strftime("%Y-%m-%d %H:%M")


def day(value: str) -> str:
    return when(value)[:10]


_STATUS_CLASSES = {
    "active": "info",
    "review": "warn",
    "complete": "ok",
    "draft": "muted",
    "archived": "muted",
}


def status_class(value: str) -> str:
    """Badge colour of a ticket or document status."""
    return _STATUS_CLASSES.get(value.strip().lower(), "muted")


_VERIFY = {
    "ok": ("ok", "verified"),
    "unreachable": ("warn", "unreachable"),
    "missing": ("err", "missing"),
    "pending": ("info", "pending"),
    "na": ("muted", "N/A"),
    "none": ("muted", "no commit"),
    "unknown": ("muted", "not checked"),
}


def verify_badge(status: str) -> tuple[str, str]:
    """(badge colour, label) of a ``diary verify`` status."""
    return _VERIFY.get(status, ("muted", status))


_SEVERITY = {"error": "err", "warning": "warn", "info": "info", "ok": "ok"}


def severity_class(value: str) -> str:
    return _SEVERITY.get(value, "muted")


@lru_cache(maxsize=1)
def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        when=when,
        day=day,
        status_class=status_class,
        severity_class=severity_class,
    )
    env.globals.update(verify_badge=verify_badge)
    return env


def render_page(name: str, **context: Any) -> str:
    """Render one template with the given context (``links`` is always required)."""
    return environment().get_template(name).render(**context)


def markup(html: str) -> Any:
    """Mark HTML produced by the sanitising Markdown renderer as safe for templates."""
    from markupsafe import Markup

    return Markup(html)
