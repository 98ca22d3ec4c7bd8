"""Markdown to safe HTML for the UI and the site (markdown-it-py + mdit-py-plugins).

CommonMark plus GFM tables, strikethrough and task lists; headings get GitHub's anchors
(so a diary's step index links work); a leading YAML front matter block is dropped.
Sanitised by construction: raw HTML is never passed through (HTML comments vanish, any
other tag is shown as escaped text),
links keep only http(s)/mailto schemes or point inside the workspace, and relative links
and images are rewritten to the UI's routes (a ``.md`` file → its doc page, other files →
the file viewer or the raw bytes); anything that leaves the workspace loses its link."""

from __future__ import annotations

import html
import os
import posixpath
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from docmgr.formats.diary import github_anchor
from docmgr.seams.paths import is_inside

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token
    from markdown_it.utils import OptionsDict

    from docmgr.web.links import Links


_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _raw_html_block(
    _renderer: Any, tokens: Sequence[Token], idx: int, _options: OptionsDict, _env: dict[str, Any]
) -> str:
    text = _COMMENT.sub("", tokens[idx].content)
    return f'<p class="raw-html">{html.escape(text.strip())}</p>\n' if text.strip() else ""


# the task-list plugin's disabled checkboxes (exactly these strings) are the only tags let out
_CHECKBOXES = frozenset(
    {
        '<input class="task-list-item-checkbox" disabled="disabled" type="checkbox">',
        '<input class="task-list-item-checkbox" checked="checked" disabled="disabled" '
        'type="checkbox">',
    }
)


def _raw_html_inline(
    _renderer: Any, tokens: Sequence[Token], idx: int, _options: OptionsDict, _env: dict[str, Any]
) -> str:
    content = tokens[idx].content
    if content in _CHECKBOXES:
        return content
    return html.escape(_COMMENT.sub("", content))


class LinkContext:
    """What a relative link in one document is relative to, and where links point."""

    def __init__(self, links: Links, *, doc_rel: str, docs_root: Path, repo_root: Path) -> None:
        self.links = links
        self.doc_rel = doc_rel
        self.docs_root = Path(os.path.abspath(docs_root))
        self.repo_root = Path(os.path.abspath(repo_root))

    def rewrite(self, url: str, *, image: bool) -> str | None:
        """The URL to write into the page, or None to drop the link (unsafe or outside)."""
        url = url.strip()
        if not url:
            return None
        if url.startswith("#"):
            return url
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            if image:  # pages load nothing from outside (offline, no tracking pixels)
                return None
            return url if parts.scheme.lower() in _SAFE_SCHEMES else None
        raw_path = unquote(parts.path)
        if "\x00" in raw_path:
            return None
        if raw_path.startswith("/"):  # repository-absolute, as on GitHub
            target = Path(os.path.normpath(self.repo_root / raw_path.lstrip("/")))
        else:
            base = self.docs_root / posixpath.dirname(self.doc_rel)
            target = Path(os.path.normpath(base / (raw_path or posixpath.basename(self.doc_rel))))
        if is_inside(self.docs_root, target):
            rel = Path(os.path.relpath(target, self.docs_root)).as_posix()
            if rel == ".":
                return None
            if not image and rel.lower().endswith(".md"):
                return self.links.doc(rel, parts.fragment)
            return self.links.raw("docs", rel) if image else self.links.file("docs", rel)
        if is_inside(self.repo_root, target):
            rel = Path(os.path.relpath(target, self.repo_root)).as_posix()
            if rel == ".":
                return None
            return self.links.raw("repo", rel) if image else self.links.file("repo", rel)
        return None


def _rewrite_links(state: StateCore) -> None:
    context = state.env.get("links")
    if not isinstance(context, LinkContext):
        return
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        for child in token.children:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                new = context.rewrite(href, image=False)
                if new is None:
                    child.attrs.pop("href", None)
                    child.attrSet("class", "dead-link")
                    child.attrSet("title", "link leaves the workspace: not followed")
                else:
                    child.attrSet("href", new)
                    if urlsplit(new).scheme in ("http", "https"):
                        child.attrSet("rel", "noopener noreferrer")
            elif child.type == "image":
                src = str(child.attrGet("src") or "")
                new = context.rewrite(src, image=True)
                if new is None:
                    alt = "".join(c.content for c in child.children or [])
                    child.type, child.tag, child.nesting = "text", "", 0
                    child.attrs, child.children = {}, None
                    child.content = f"[image: {alt or src}]"
                else:
                    child.attrSet("src", new)
                    child.attrSet("loading", "lazy")


@lru_cache(maxsize=2)
def _parser(anchors: bool) -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin
    from mdit_py_plugins.tasklists import tasklists_plugin

    # html=True only so that raw HTML arrives as its own tokens: the two rules below drop
    # comments and escape everything else, so no tag of the source reaches the page
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.add_render_rule("html_block", _raw_html_block)
    md.add_render_rule("html_inline", _raw_html_inline)
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(tasklists_plugin)
    if anchors:
        md.use(anchors_plugin, min_level=1, max_level=6, slug_func=github_anchor)
    md.core.ruler.push("docmgr_links", _rewrite_links)
    return md


def render(text: str, context: LinkContext | None = None, *, anchors: bool = True) -> str:
    """Render Markdown to sanitised HTML; links are rewritten through ``context``."""
    env: dict[str, Any] = {"links": context} if context is not None else {}
    return str(_parser(anchors).render(text, env))
