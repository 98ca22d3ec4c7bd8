"""The Go tool's HTTP API under ``/api/v1`` (spec §9): same paths, parameters, JSON keys,
cursors, error envelope ``{"error": {"code", "message", "details"}}`` and status codes.

Each endpoint parses its parameters, calls one function of views.py in a worker thread
and writes JSON. Library errors map to API codes in ``error_payload``; a write passes the
guard's Origin check and the body size limit before anything else happens."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from docmgr.errors import (
    DocmgrError,
    DocNotFound,
    FrontMatterError,
    IndexBusy,
    RequestRefused,
    RootNotFound,
    TaskNotFound,
    TicketAmbiguous,
    TicketNotFound,
    UnsafePath,
    UsageProblem,
    spell,
)
from docmgr.seams.clock import format_rfc3339
from docmgr.web import views
from docmgr.web.guard import Guard
from docmgr.web.state import MAX_BODY_BYTES, WebState

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import BaseRoute

Json = dict[str, Any]
Params = Mapping[str, str]
Handler = Callable[[WebState, Params, Json], Any]

log = logging.getLogger("docmgr.web")


# ---------------------------------------------------------------------------- parameters

_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off"}


def qstr(params: Params, name: str) -> str:
    return (params.get(name) or "").strip()


def qbool(params: Params, name: str, default: bool) -> bool:
    """Booleans as the Go tool reads them: 1/true/t/yes/y/on and 0/false/f/no/n/off."""
    value = qstr(params, name).lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return default


def qint(params: Params, name: str, default: int, maximum: int = 1000) -> int:
    """An int parameter; missing, unparsable or ≤ 0 → default; capped at ``maximum``."""
    try:
        value = int(qstr(params, name))
    except ValueError:
        return default
    if value <= 0:
        return default
    return min(value, maximum)


def qcsv(params: Params, name: str) -> list[str]:
    return [part.strip() for part in qstr(params, name).split(",") if part.strip()]


# ---------------------------------------------------------------------------- errors


def error_payload(exc: BaseException) -> tuple[int, Json]:
    """Map an exception to (HTTP status, error envelope)."""
    status, code, message, details = 500, "internal", "internal error", None
    if isinstance(exc, RequestRefused):
        status, code, message, details = exc.status, exc.code, spell(exc.message), exc.details
    elif isinstance(exc, TicketNotFound):
        status, code, message = 404, "not_found", "ticket not found"
        details = {"field": "ticket", "reason": spell(exc.message)}
    elif isinstance(exc, TicketAmbiguous):
        status, code, message = 400, "ambiguous", "ticket is ambiguous"
        details = {"field": "ticket", "reason": spell(exc.message)}
    elif isinstance(exc, TaskNotFound):
        status, code, message = 400, "invalid_argument", spell(exc.message)
        details = {"field": "refs", "tasks": spell(exc.hint)}
    elif isinstance(exc, FrontMatterError):
        status, code, message = 422, "invalid_frontmatter", str(exc)
    elif isinstance(exc, (RootNotFound, IndexBusy)):
        status, code, message = 503, "index_not_ready", f"index not ready: {exc}"
    elif isinstance(exc, UnsafePath):
        status, code, message = 403, "forbidden", spell(exc.message)
    elif isinstance(exc, DocNotFound):
        status, code, message = 404, "not_found", spell(exc.message)
    elif isinstance(exc, UsageProblem):
        status, code, message = 400, "invalid_argument", spell(exc.message)
    elif isinstance(exc, DocmgrError):
        message = str(exc)
    else:
        log.exception("unexpected error", exc_info=exc)
    return status, {"error": {"code": code, "message": message, "details": details}}


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
    """JSON like Go's encoder with HTML escaping off: UTF-8, one trailing newline."""
    from starlette.responses import Response

    body = json.dumps(payload, ensure_ascii=False) + "\n"
    return Response(body, status, headers=dict(headers or {}), media_type="application/json")


def error_response(exc: BaseException, headers: Mapping[str, str] | None = None) -> Response:
    status, payload = error_payload(exc)
    return json_response(status, payload, headers)


# ---------------------------------------------------------------------------- the endpoints


def _healthz(state: WebState, params: Params, body: Json) -> Json:
    return {"ok": True}


def _status(state: WebState, params: Params, body: Json) -> Json:
    return views.workspace_status(state, state.snapshot())


def _summary(state: WebState, params: Params, body: Json) -> Json:
    return views.workspace_summary(state, state.snapshot())


def _tickets(state: WebState, params: Params, body: Json) -> Json:
    query = views.TicketQuery(
        q=qstr(params, "q"),
        status=qstr(params, "status"),
        ticket=qstr(params, "ticket"),
        topics=qcsv(params, "topics"),
        owners=qcsv(params, "owners"),
        intent=qstr(params, "intent"),
        order_by=qstr(params, "orderBy") or "last_updated",
        reverse=qbool(params, "reverse", False),
        include_archived=qbool(params, "includeArchived", True),
        include_stats=qbool(params, "includeStats", False),
        page_size=qint(params, "pageSize", 200),
        cursor=params.get("cursor") or "",
    )
    if query.order_by not in ("last_updated", "ticket", "title"):
        raise views.refuse(
            400, "invalid_argument", "invalid orderBy", field="orderBy", value=query.order_by
        )
    views.decode_cursor(query.cursor)
    items, _ = views.ticket_list(state.snapshot(), query)
    page, next_cursor = views.paginate(items, query.cursor, query.page_size)
    return {"query": query.echo(), "total": len(items), "results": page, "nextCursor": next_cursor}


def _facets(state: WebState, params: Params, body: Json) -> Json:
    return views.workspace_facets(state.snapshot(), qbool(params, "includeArchived", True))


def _recent(state: WebState, params: Params, body: Json) -> Json:
    return views.workspace_recent(
        state.snapshot(),
        qint(params, "ticketsLimit", 20),
        qint(params, "docsLimit", 20),
        qbool(params, "includeArchived", True),
    )


def _topics(state: WebState, params: Params, body: Json) -> Json:
    return views.workspace_topics(state.snapshot(), qbool(params, "includeArchived", True))


def _topic(state: WebState, params: Params, body: Json) -> Json:
    return views.workspace_topic(
        state.snapshot(),
        qstr(params, "topic"),
        qbool(params, "includeArchived", True),
        qint(params, "docsLimit", 20),
    )


def _doctor(state: WebState, params: Params, body: Json) -> Json:
    return views.workspace_doctor(
        state.snapshot(), qstr(params, "ticket"), qint(params, "staleAfter", 30, 1_000_000)
    )


def _refresh(state: WebState, params: Params, body: Json) -> Json:
    snap = state.snapshot()
    return {
        "refreshed": True,
        "indexedAt": format_rfc3339(snap.at),
        "docsIndexed": len(snap.docs),
        "ftsAvailable": True,
    }


def _search_docs(state: WebState, params: Params, body: Json) -> Json:
    search = views.DocSearch(
        query=qstr(params, "query"),
        ticket=qstr(params, "ticket"),
        topics=qcsv(params, "topics"),
        doc_type=qstr(params, "docType"),
        status=qstr(params, "status"),
        file=qstr(params, "file"),
        dir=qstr(params, "dir"),
        external_source=qstr(params, "externalSource"),
        since=qstr(params, "since"),
        until=qstr(params, "until"),
        created_since=qstr(params, "createdSince"),
        updated_since=qstr(params, "updatedSince"),
        order_by=qstr(params, "orderBy") or "path",
        reverse=qbool(params, "reverse", False),
        include_archived=qbool(params, "includeArchived", True),
        include_scripts=qbool(params, "includeScripts", True),
        include_control_docs=qbool(params, "includeControlDocs", True),
        include_diagnostics=qbool(params, "includeDiagnostics", True),
        include_errors=qbool(params, "includeErrors", False),
        page_size=qint(params, "pageSize", 200),
        cursor=params.get("cursor") or "",
    )
    views.decode_cursor(search.cursor)
    views.prepare_doc_search(search)  # bad filters are 400 even before the index is read
    return views.search_docs(state.snapshot(), search)


def _search_files(state: WebState, params: Params, body: Json) -> Json:
    return views.search_files(
        state.snapshot(),
        ticket=qstr(params, "ticket"),
        topics=qcsv(params, "topics"),
        query=qstr(params, "query"),
        limit=qint(params, "limit", 200),
    )


def _docs_get(state: WebState, params: Params, body: Json) -> Json:
    return views.read_doc(state, state.snapshot(), params.get("path") or "").json


def _docs_meta(state: WebState, params: Params, body: Json) -> Json:
    return views.doc_meta(state, state.snapshot(), body)


def _docs_relate(state: WebState, params: Params, body: Json) -> Json:
    return views.doc_relate(state, state.snapshot(), body)


def _files_get(state: WebState, params: Params, body: Json) -> Json:
    return views.file_get(state, qstr(params, "root"), params.get("path") or "")


def _files_raw(state: WebState, params: Params, body: Json) -> Response:
    from starlette.responses import Response

    data, kind = views.file_raw(state, qstr(params, "root"), params.get("path") or "")
    return Response(
        data,
        media_type=kind,
        headers={
            "X-Content-Type-Options": "nosniff",
            # served bytes never run as part of this origin (an .html or .svg in the repo)
            "Content-Security-Policy": "sandbox; default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'",
        },
    )


def _tickets_get(state: WebState, params: Params, body: Json) -> Json:
    return views.ticket_get(state.snapshot(), qstr(params, "ticket"))


def _tickets_docs(state: WebState, params: Params, body: Json) -> Json:
    return views.ticket_docs(
        state.snapshot(),
        qstr(params, "ticket"),
        order_by=qstr(params, "orderBy") or "path",
        include_archived=qbool(params, "includeArchived", True),
        include_scripts=qbool(params, "includeScripts", True),
        include_control_docs=qbool(params, "includeControlDocs", True),
        page_size=qint(params, "pageSize", 200),
        cursor=params.get("cursor") or "",
    )


def _tickets_tasks(state: WebState, params: Params, body: Json) -> Json:
    return views.ticket_tasks(state.snapshot(), qstr(params, "ticket"))


def _tasks_check(state: WebState, params: Params, body: Json) -> Json:
    return views.tasks_check(state, state.snapshot(), body)


def _tasks_add(state: WebState, params: Params, body: Json) -> Json:
    return views.tasks_add(state, state.snapshot(), body)


def _graph(state: WebState, params: Params, body: Json) -> Json:
    return views.ticket_graph(
        state.snapshot(),
        qstr(params, "ticket"),
        direction=qstr(params, "direction") or "TD",
        include_archived=qbool(params, "includeArchived", False),
        include_scripts=qbool(params, "includeScripts", False),
        include_control_docs=qbool(params, "includeControlDocs", True),
    )


def _changelog_get(state: WebState, params: Params, body: Json) -> Json:
    return views.ticket_changelog(state.snapshot(), qstr(params, "ticket"))


def _changelog_post(state: WebState, params: Params, body: Json) -> Json:
    return views.changelog_add(state, state.snapshot(), body)


ENDPOINTS: dict[str, dict[str, Handler]] = {
    "/healthz": {"GET": _healthz},
    "/workspace/status": {"GET": _status},
    "/workspace/summary": {"GET": _summary},
    "/workspace/tickets": {"GET": _tickets},
    "/workspace/facets": {"GET": _facets},
    "/workspace/recent": {"GET": _recent},
    "/workspace/topics": {"GET": _topics},
    "/workspace/topics/get": {"GET": _topic},
    "/workspace/doctor": {"GET": _doctor},
    "/index/refresh": {"POST": _refresh},
    "/search/docs": {"GET": _search_docs},
    "/search/files": {"GET": _search_files},
    "/docs/get": {"GET": _docs_get},
    "/docs/meta": {"POST": _docs_meta},
    "/docs/relate": {"POST": _docs_relate},
    "/files/get": {"GET": _files_get},
    "/files/raw": {"GET": _files_raw},
    "/tickets/get": {"GET": _tickets_get},
    "/tickets/docs": {"GET": _tickets_docs},
    "/tickets/tasks": {"GET": _tickets_tasks},
    "/tickets/tasks/check": {"POST": _tasks_check},
    "/tickets/tasks/add": {"POST": _tasks_add},
    "/tickets/graph": {"GET": _graph},
    "/tickets/changelog": {"GET": _changelog_get, "POST": _changelog_post},
}


ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


async def read_json(request: Request) -> Json:
    """The JSON object of a request body, at most MAX_BODY_BYTES (413 beyond, 400 if bad)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise views.refuse(413, "too_large", f"request body over {MAX_BODY_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise views.refuse(413, "too_large", f"request body over {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        return {}  # no body (POST /index/refresh): missing fields are reported by the endpoint
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise views.refuse(400, "invalid_argument", "invalid json body") from None
    if not isinstance(data, dict):
        raise views.refuse(400, "invalid_argument", "invalid json body")
    return data


def cors_headers(guard: Guard) -> dict[str, str]:
    if not guard.cors_origin:
        return {}
    return {
        "Access-Control-Allow-Origin": guard.cors_origin,
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Authorization",
    }


def _endpoint(
    state: WebState, guard: Guard, methods: dict[str, Handler]
) -> Callable[[Request], Any]:
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    async def endpoint(request: Request) -> Response:
        headers = cors_headers(guard)
        try:
            guard.check_host(request.headers)
            if request.method == "OPTIONS" and guard.cors_origin:
                return Response(status_code=204, headers=headers)
            method = "GET" if request.method == "HEAD" else request.method
            handler = methods.get(method)
            if handler is None:
                raise views.refuse(405, "method_not_allowed", "method not allowed")
            body: Json = {}
            if method == "POST":
                guard.check_write(request.url.scheme, request.headers)
                body = await read_json(request)
            result = await run_in_threadpool(handler, state, request.query_params, body)
        except Exception as exc:  # noqa: BLE001 - every failure becomes the JSON envelope
            return error_response(exc, headers)
        if isinstance(result, Response):
            result.headers.update(headers)
            return result
        return json_response(200, result, headers)

    return endpoint


def routes(state: WebState, guard: Guard) -> list[BaseRoute]:
    """Every ``/api/v1`` route, plus a JSON 404 for unknown API paths."""
    from starlette.routing import Route

    out: list[BaseRoute] = [
        Route("/api/v1" + path, _endpoint(state, guard, methods), methods=ALL_METHODS)
        for path, methods in ENDPOINTS.items()
    ]

    async def unknown(request: Request) -> Response:
        headers = cors_headers(guard)
        try:
            guard.check_host(request.headers)
        except RequestRefused as exc:
            return error_response(exc, headers)
        return error_response(views.refuse(404, "not_found", "no such endpoint"), headers)

    out.append(Route("/api/{rest:path}", unknown, methods=ALL_METHODS))
    return out
