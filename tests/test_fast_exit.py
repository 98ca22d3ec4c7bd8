"""The end of a ``docmgr`` process: no interpreter teardown, nothing the user sees lost.

Each test runs a real process: ``finish`` ends it with ``os._exit``, which a test inside
pytest's own process could not survive.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE = str(Path(__file__).resolve().parents[1])
# buffered standard streams, as in a user's shell (PYTHONUNBUFFERED would hide a lost flush)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"} | {"PYTHONPATH": SOURCE}


def _docmgr_env(tmp_path: Path) -> dict[str, str]:
    return {**ENV, "DOCMGR_CONFIG": "", "DOCMGR_CACHE_DIR": str(tmp_path / "cache")}


def _python(code: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload,no-any-return]
        [sys.executable, "-c", code], env=ENV, capture_output=True, text=True, **kwargs
    )


def _docmgr(tmp_path: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload,no-any-return]
        [sys.executable, "-m", "docmgr", *args],
        cwd=tmp_path,
        env=_docmgr_env(tmp_path),
        capture_output=True,
        text=True,
        **kwargs,
    )


@pytest.mark.parametrize(("code", "status"), [("None", 0), ("0", 0), ("3", 3), ("-1", 255)])
def test_the_exit_status_is_the_code(code: str, status: int) -> None:
    done = _python(f"from docmgr.cli.fast_exit import finish\nfinish({code})")
    assert (done.returncode, done.stderr) == (status, "")


def test_buffered_output_and_exit_hooks_are_kept() -> None:
    done = _python(
        "import atexit, sys\n"
        "from docmgr.cli.fast_exit import finish\n"
        "atexit.register(lambda: print('hook ran'))\n"
        "sys.stdout.write('x' * 200_000)\n"  # more than any buffer: flushed in parts and at the end
        "sys.stderr.write('to stderr')\n"
        "finish(4)\n"
    )
    assert done.returncode == 4
    assert done.stdout == "x" * 200_000 + "hook ran\n"
    assert done.stderr == "to stderr"


def test_a_message_code_exits_as_python_does() -> None:
    done = _python("from docmgr.cli.fast_exit import finish\nfinish('went wrong')")
    assert (done.returncode, done.stderr.strip()) == (1, "went wrong")


def test_a_running_thread_is_waited_for(tmp_path: Path) -> None:
    """Python's own exit joins non-daemon threads; ``finish`` leaves such a process to it."""
    marker = tmp_path / "thread-done"
    code = (
        "import sys, threading\n"
        "from docmgr.cli.fast_exit import finish\n"
        "def work():\n"
        "    sys.stdin.read()\n"
        f"    open({str(marker)!r}, 'w').close()\n"
        "threading.Thread(target=work).start()\n"
        "print('ready', flush=True)\n"
        "finish(0)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code],
        env=ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline() == "ready\n"  # finish is being called now
        try:
            proc.stdin.write("go")
            proc.stdin.close()
        except BrokenPipeError:
            pass  # the process is gone already: the thread was cut off (the assert says so)
        assert proc.wait(timeout=60) == 0
    assert marker.exists()


def test_a_profiler_gets_its_report(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-m", "docmgr", "--version"],
        env=ENV,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "function calls" in done.stdout


def test_docmgr_exit_statuses_are_kept(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert _docmgr(tmp_path, "init").returncode == 0
    assert (
        _docmgr(tmp_path, "ticket", "create", "--ticket", "FX-1", "--title", "Fast").returncode == 0
    )
    listed = _docmgr(tmp_path, "ticket", "list", "--output", "json")
    assert (listed.returncode, listed.stderr) == (0, "")
    assert '"FX-1"' in listed.stdout
    missing = _docmgr(tmp_path, "ticket", "show", "--ticket", "NOPE-9")
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: ")
    usage = _docmgr(tmp_path, "ticket", "list", "--output", "nope")
    assert usage.returncode == 2
    assert "Traceback" not in usage.stderr


def test_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    """``docmgr … | head -c 1``: the reader leaves early; no traceback, no 'Exception ignored'."""
    (tmp_path / ".git").mkdir()
    assert _docmgr(tmp_path, "init").returncode == 0
    for n in range(40):
        made = _docmgr(tmp_path, "ticket", "create", "--ticket", f"FX-{n}", "--title", "A" * 200)
        assert made.returncode == 0, made.stderr
    with subprocess.Popen(
        [sys.executable, "-m", "docmgr", "ticket", "list", "--output", "json"],
        cwd=tmp_path,
        env=_docmgr_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.read(1) == b"["
        proc.stdout.close()
        err = proc.stderr.read().decode()
        status = proc.wait(timeout=60)
    assert status in (0, 1)
    assert "Traceback" not in err and "Exception ignored" not in err
