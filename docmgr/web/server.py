"""``docmgr api serve``: the ASGI app (Starlette) and the server that runs it (uvicorn).

The app is built from a WebState (the workspace) and a Guard (Host/Origin policy). The
server binds its socket itself, so the caller learns the real port (``--addr host:0``)
before the first request, and stops gracefully on SIGINT/SIGTERM, returning normally so
the command exits 0 (uvicorn would re-raise the signal after shutting down)."""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from docmgr.web import api, ui
from docmgr.web.guard import Guard, is_loopback
from docmgr.web.state import WebState

if TYPE_CHECKING:
    from starlette.applications import Starlette


GRACEFUL_SECONDS = 5


def create_app(state: WebState, guard: Guard) -> Starlette:
    """The whole application: ``/api/v1`` first, then the UI pages."""
    from starlette.applications import Starlette

    return Starlette(routes=[*api.routes(state, guard), *ui.routes(state, guard)])


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on (host, port); port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(
    state: WebState,
    *,
    host: str,
    port: int,
    cors_origin: str = "",
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM; ``ready`` gets the URL once the socket listens."""
    import uvicorn

    guard = Guard(cors_origin=cors_origin, loopback_only=is_loopback(host))
    sock = bind(host, port)
    real_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    config = uvicorn.Config(
        create_app(state, guard),
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        lifespan="off",
        server_header=False,
    )

    class _Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield
                return

            def stop(signum: int, frame: Any) -> None:
                if self.should_exit and signum == signal.SIGINT:
                    self.force_exit = True
                self.should_exit = True

            previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    server = _Server(config)
    if ready is not None:
        ready(f"http://{shown}:{real_port}")
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
