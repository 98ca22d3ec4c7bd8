"""Where a page links to: server routes (``/ticket/ID``) or files of the static site.

Templates and the Markdown renderer ask a ``Links`` object for every URL, so the same
templates serve the live UI and the static site (relative links only, which is what makes
the site work from ``file://`` and from any sub-path on GitHub Pages)."""

from __future__ import annotations

import posixpath
import re
import zlib
from typing import Protocol
from urllib.parse import quote, urlencode


class Links(Protocol):
    """The URL of every page and asset, from the page being rendered."""

    site: bool

    def home(self) -> str: ...
    def tickets(self) -> str: ...
    def ticket(self, ticket_id: str, fragment: str = "") -> str: ...
    def doc(self, rel: str, fragment: str = "") -> str: ...
    def file(self, root: str, rel: str) -> str | None: ...
    def raw(self, root: str, rel: str) -> str | None: ...
    def search(self) -> str: ...
    def health(self) -> str: ...
    def static(self, name: str) -> str: ...


def _fragment(fragment: str) -> str:
    return "#" + quote(fragment, safe="-_.~") if fragment else ""


class ServerLinks:
    """Links of the live UI served by ``docmgr api serve``."""

    site = False

    def home(self) -> str:
        return "/"

    def tickets(self) -> str:
        return "/tickets"

    def ticket(self, ticket_id: str, fragment: str = "") -> str:
        return "/ticket/" + quote(ticket_id, safe="") + _fragment(fragment)

    def doc(self, rel: str, fragment: str = "") -> str:
        return "/doc?" + urlencode({"path": rel}) + _fragment(fragment)

    def file(self, root: str, rel: str) -> str | None:
        return "/file?" + urlencode({"root": root, "path": rel})

    def raw(self, root: str, rel: str) -> str | None:
        return "/api/v1/files/raw?" + urlencode({"root": root, "path": rel})

    def search(self) -> str:
        return "/search"

    def health(self) -> str:
        return "/health"

    def static(self, name: str) -> str:
        return "/static/" + quote(name)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def ticket_file(ticket_id: str) -> str:
    """The site file of a ticket: its id made file-name safe (a checksum keeps it unique)."""
    safe = _UNSAFE.sub("_", ticket_id) or "_"
    if safe != ticket_id or safe.startswith("."):
        safe = f"{safe.lstrip('.')}-{zlib.crc32(ticket_id.encode()):08x}"
    return f"ticket/{safe}.html"


def doc_file(rel: str) -> str:
    """The site file of a document: ``doc/<rel without .md>.html``."""
    stem = rel[:-3] if rel.lower().endswith(".md") else rel
    return f"doc/{stem}.html"


def asset_file(root: str, rel: str) -> str:
    return f"files/{root}/{rel}"


class SiteLinks:
    """Relative links between the files of the static site, from the page ``page``.

    Files of the docs root that pages link to (images, scripts) are collected in
    ``assets`` so the build can copy them; files outside the docs root get no link.
    """

    site = True

    def __init__(self, page: str, assets: set[str] | None = None) -> None:
        self.page = page
        self.assets = assets if assets is not None else set()

    def _to(self, target: str, fragment: str = "") -> str:
        here = posixpath.dirname(self.page)
        rel = posixpath.relpath(target, here or ".")
        return quote(rel, safe="/-_.~") + _fragment(fragment)

    def home(self) -> str:
        return self._to("index.html")

    def tickets(self) -> str:
        return self._to("tickets.html")

    def ticket(self, ticket_id: str, fragment: str = "") -> str:
        return self._to(ticket_file(ticket_id), fragment)

    def doc(self, rel: str, fragment: str = "") -> str:
        return self._to(doc_file(rel), fragment)

    def file(self, root: str, rel: str) -> str | None:
        return self.raw(root, rel)

    def raw(self, root: str, rel: str) -> str | None:
        if root != "docs":
            return None
        self.assets.add(rel)
        return self._to(asset_file(root, rel))

    def search(self) -> str:
        return self._to("search.html")

    def health(self) -> str:
        return self._to("health.html")

    def static(self, name: str) -> str:
        return self._to(f"static/{name}")
