"""The real ``docmgr api serve`` process: start, answer, stop on SIGTERM/SIGINT with exit 0,
and web writes racing CLI writes on the same tasks.md (all of them land)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import threading
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import pytest
from webkit import T1, Built, build_in, copy_built, docmgr_env, running_server

from docmgr.formats import tasks as tasks_format


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_in(tmp_path_factory.mktemp("web-server"))


def get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=30) as res:
        return json.loads(res.read())  # type: ignore[no-any-return]


def post_json(url: str, body: Mapping[str, object], origin: str | None = None) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    if origin:
        request.add_header("Origin", origin)
    with urllib.request.urlopen(request, timeout=60) as res:
        return int(res.status)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_answers_and_stops_gracefully(built: Built, sig: signal.Signals) -> None:
    with running_server(built.cwd) as (url, proc):
        assert url.startswith("http://127.0.0.1:")
        status = get_json(url + "/api/v1/workspace/status")
        assert status["root"] == str(built.root)
        with urllib.request.urlopen(url + "/", timeout=30) as res:
            page = res.read().decode()
            assert "Audit trail for widgets" in page
            assert res.headers["Content-Security-Policy"].startswith("default-src 'self'")
        proc.send_signal(sig)
        assert proc.wait(timeout=30) == 0
        assert proc.stderr is not None
        err = proc.stderr.read()
        assert "docmgr api serve: http://127.0.0.1:" in err
        assert "Traceback" not in err


def test_serve_refuses_a_bad_address_and_a_missing_root(built: Built, tmp_path: Path) -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "docmgr", "api", "serve", "--addr", "nowhere"],
        cwd=built.cwd,
        env=docmgr_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "--addr" in bad.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "docmgr", "api", "serve", "--root", str(tmp_path / "none")],
        cwd=built.cwd,
        env=docmgr_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: failed to build index on startup: root directory")


def test_a_non_loopback_address_is_announced(built: Built) -> None:
    with running_server(built.cwd, "--addr", "0.0.0.0:0") as (url, proc):
        # the later --addr wins; the server says it is reachable from the network
        assert url.startswith("http://0.0.0.0:")
        port = url.rsplit(":", 1)[1]
        assert get_json(f"http://127.0.0.1:{port}/api/v1/healthz") == {"ok": True}
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert proc.stderr is not None
        assert "Warning: listening on 0.0.0.0, not on 127.0.0.1" in proc.stderr.read()


CLI_WRITER = textwrap.dedent("""
    import sys
    from docmgr.cli import cli

    root, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for n in range(count):
        cli.main(["task", "add", "--root", root, "--ticket", "WEB-1", "--text", f"cli {who}-{n}"],
                 prog_name="docmgr", standalone_mode=False)
""")


@pytest.mark.slow
def test_web_and_cli_writes_at_the_same_moment_all_land(built: Built, tmp_path: Path) -> None:
    copy = copy_built(built, tmp_path)
    driver = tmp_path / "writer.py"
    driver.write_text(CLI_WRITER)
    web_threads, cli_procs, each = 4, 3, 10
    with running_server(copy.cwd) as (url, _proc):
        start = threading.Barrier(web_threads + 1)
        failures: list[BaseException] = []

        def web_writer(who: int) -> None:
            start.wait()
            try:
                for n in range(each):
                    body = {"ticket": "WEB-1", "text": f"web {who}-{n}"}
                    assert post_json(url + "/api/v1/tickets/tasks/add", body, origin=url) == 200
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

        threads = [threading.Thread(target=web_writer, args=(w,)) for w in range(web_threads)]
        for thread in threads:
            thread.start()
        procs = [
            subprocess.Popen(
                [sys.executable, str(driver), str(copy.root), str(w), str(each)],
                cwd=copy.cwd,
                env=docmgr_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for w in range(cli_procs)
        ]
        start.wait()  # the web writers start as the CLI writers do
        for thread in threads:
            thread.join(timeout=300)
        for proc in procs:
            _out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
        assert not failures, failures
        listed = get_json(url + f"/api/v1/tickets/tasks?ticket={T1}")
    texts = [t.text for t in tasks_format.parse((copy.t1_dir / "tasks.md").read_text())]
    expected = {f"web {w}-{n}" for w in range(web_threads) for n in range(each)}
    expected |= {f"cli {w}-{n}" for w in range(cli_procs) for n in range(each)}
    assert expected <= set(texts)
    assert len(texts) == len(set(texts)) == len(expected) + 3  # plus the three first tasks
    assert listed["stats"] == {"total": len(texts), "done": 0}
