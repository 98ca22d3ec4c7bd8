"""The web UI's HTML routes: overview, tickets, one ticket, one document, files, search, health.

Pages are rendered on the server (pages.py) with a little plain JavaScript for task and
changelog writes, which go through the JSON API (and so through its Origin check)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from docmgr.web import pages, views
from docmgr.web.api import error_payload
from docmgr.web.guard import Guard
from docmgr.web.links import ServerLinks
from docmgr.web.render import STATIC
from docmgr.web.state import WebState

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import BaseRoute

PageFn = Callable[["Request"], str]

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def error_page(state: WebState, exc: BaseException) -> tuple[int, str]:
    status, payload = error_payload(exc)
    message = str(payload["error"]["message"])
    details = payload["error"].get("details") or {}
    if isinstance(details, dict) and details.get("reason"):
        message = str(details["reason"])
    return status, pages.error(state, ServerLinks(), status, message)


def _page(state: WebState, guard: Guard, render: PageFn) -> Callable[[Request], object]:
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import HTMLResponse

    async def endpoint(request: Request) -> Response:
        try:
            guard.check_host(request.headers)
            html = await run_in_threadpool(render, request)
            status = 200
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error page
            status, html = await run_in_threadpool(error_page, state, exc)
        return HTMLResponse(html, status, headers=SECURITY_HEADERS)

    return endpoint


def routes(state: WebState, guard: Guard) -> list[BaseRoute]:
    from starlette.responses import RedirectResponse
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    links = ServerLinks()

    def home(request: Request) -> str:
        return pages.home(state, state.snapshot(), links)

    def tickets(request: Request) -> str:
        q = request.query_params
        filters = pages.TicketFilters(
            status=q.get("status", ""),
            topic=q.get("topic", ""),
            owner=q.get("owner", ""),
            q=q.get("q", ""),
            order=q.get("order", "last_updated"),
        )
        return pages.tickets(state, state.snapshot(), links, filters)

    def ticket(request: Request) -> str:
        return pages.ticket(state, state.snapshot(), links, str(request.path_params["ref"]))

    def doc(request: Request) -> str:
        return pages.doc(state, state.snapshot(), links, request.query_params.get("path", ""))

    def file(request: Request) -> str:
        q = request.query_params
        return pages.file(state, links, q.get("root", "repo"), q.get("path", ""))

    def search(request: Request) -> str:
        q = request.query_params
        return pages.search(
            state, state.snapshot(), links, q=q.get("q", ""), mode=q.get("mode", "docs")
        )

    def health(request: Request) -> str:
        ref = request.query_params.get("ticket", "")
        return pages.health(state, state.snapshot(), links, ref)

    def redirect(target: str) -> Callable[[Request], object]:
        async def go(request: Request) -> Response:
            return RedirectResponse(target, 308)

        return go

    def not_found(request: Request) -> str:
        raise views.refuse(404, "not_found", f"no page at {request.url.path}")

    return [
        Route("/", _page(state, guard, home)),
        Route("/tickets", _page(state, guard, tickets)),
        Route("/ticket/{ref:path}", _page(state, guard, ticket)),
        Route("/doc", _page(state, guard, doc)),
        Route("/file", _page(state, guard, file)),
        Route("/search", _page(state, guard, search)),
        Route("/health", _page(state, guard, health)),
        Route("/workspace", redirect("/")),
        Route("/workspace/tickets", redirect("/tickets")),
        Route("/workspace/health", redirect("/health")),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
        Route("/{rest:path}", _page(state, guard, not_found)),
    ]
