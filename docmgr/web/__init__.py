"""The auditor's view: ``docmgr api serve`` (the Go tool's HTTP API and a web UI) and
``docmgr site build`` (the same pages as a static site).

This package sits above ops/ and reports/: it reads through the library (ticket lookup, the
shared index, doctor, diary verify, search) and writes through ops/ (same locks as the CLI).
Starlette, uvicorn, Jinja2 and markdown-it-py are imported inside functions only, so no
other verb pays for them."""
