"""Who may talk to the server: Host checks against DNS rebinding, Origin checks on writes.

A browser page from another site can make a browser send requests to a local server. Two
rules keep such pages from reading or changing the docs:

* on a server bound to a loopback address, the ``Host`` header must name a loopback host
  (a rebinding attack reaches us under the attacker's host name) — else 403;
* a write (POST) whose ``Origin`` is neither the server's own nor ``--cors-origin`` is
  refused with 403 before anything is read or written (``Origin: null`` too). Requests
  without ``Origin`` come from programs, not from pages, and are allowed."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from docmgr.errors import RequestRefused

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """True for localhost names and loopback addresses (127.0.0.0/8, ::1)."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """The name part of a ``Host`` header (``[::1]:8787`` → ``::1``)."""
    value = host_header.strip()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


@dataclass(frozen=True, slots=True)
class Guard:
    """The request policy of one server."""

    cors_origin: str = ""
    loopback_only: bool = True  # the server listens on loopback: Host must say so too

    def check_host(self, headers: Mapping[str, str]) -> None:
        if not self.loopback_only:
            return
        host = headers.get("host", "")
        if not host or not is_loopback(host_name(host)):
            raise RequestRefused(
                403,
                "forbidden",
                "request for an unexpected host refused",
                {"field": "Host", "value": host},
            )

    def own_origin(self, scheme: str, headers: Mapping[str, str]) -> str:
        return f"{scheme}://{headers.get('host', '')}".lower()

    def check_write(self, scheme: str, headers: Mapping[str, str]) -> None:
        origin = headers.get("origin")
        if origin is None:
            if headers.get("sec-fetch-site", "") in ("cross-site", "same-site"):
                raise RequestRefused(403, "forbidden", "cross-origin write refused")
            return
        allowed = {self.own_origin(scheme, headers)}
        if self.cors_origin:
            allowed.add(self.cors_origin.rstrip("/").lower())
        if origin.strip().rstrip("/").lower() not in allowed:
            raise RequestRefused(
                403, "forbidden", "cross-origin write refused", {"field": "Origin", "value": origin}
            )
