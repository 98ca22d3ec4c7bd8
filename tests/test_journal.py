"""The transaction seam: multi-file operations are all-or-nothing, even across kill -9.

Real files and real subprocesses; crashes come from the DOCMGR_FAULT_INJECT hooks (the
process calls os._exit(70), which skips every cleanup, like kill -9) and from SIGKILL.
Apply-time failures are real errors that happen even when the tests run as root: a file
name too long for atomic_write's temp file (ENAMETOOLONG) and a file size limit (EFBIG).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docmgr.errors import DocmgrError, JournalStuck
from docmgr.model import JOURNAL_DIR
from docmgr.seams.journal import Transaction, recover
from docmgr.store.ignore import Matcher
from docmgr.store.workspace import walk_markdown

LABEL = "ticket rename VM-1 -> VM-2"
T1 = "2026/01/05/VM-1--vm"
T2 = "2026/01/05/VM-2--vm"

# The old tree: path -> content (None: an empty folder).
OLD: dict[str, str | None] = {
    f"{T1}/index.md": "---\nTicket: VM-1\nDocType: index\n---\n# VM-1\n",
    f"{T1}/design.md": "---\nTicket: VM-1\n---\ndesign\r\nwith CRLF\r\n",
    f"{T1}/reference/01-notes.md": "---\nTicket: VM-1\n---\nnotes\n",
    f"{T1}/stale.md": "stale\n",
    f"{T1}/empty": None,
    "other.md": "see VM-1\n",
    "vocabulary.yaml": "topics: []\n",
}

# A ticket-rename-like operation: rewrites inside the old folder *before* renaming it,
# rewrites under the new name *after*, a new folder, a move into it, a removal, an rmdir.
OPS: list[list[str]] = [
    ["write", f"{T1}/index.md", "---\nTicket: VM-2\nDocType: index\n---\n# VM-2\n"],
    ["write", f"{T1}/design.md", "---\nTicket: VM-2\n---\ndesign\r\nwith CRLF\r\n"],
    ["rename", T1, T2],
    ["write", f"{T2}/reference/01-notes.md", "---\nTicket: VM-2\n---\nnotes\n"],
    ["mkdir", f"{T2}/archive"],
    ["rename", f"{T2}/design.md", f"{T2}/archive/design.md"],
    ["remove", f"{T2}/stale.md"],
    ["rmdir", f"{T2}/empty"],
    ["write", "other.md", "see VM-2\n"],
    ["write", f"{T2}/changelog.md", "# Changelog\n\nrenamed\n"],
]

# Runs one transaction in a child process. argv: root, ops (JSON), mode.
# mode "fsize:N" sets a file size limit of N bytes after staging (so applying fails with
# EFBIG), "wait" prints "staged" and waits for a line on stdin before committing, and
# "recover" / "recover-fsize:N" only run recover(root) and print its lines.
DRIVER = textwrap.dedent("""
    import json, resource, signal, sys
    from pathlib import Path
    from docmgr.errors import DocmgrError
    from docmgr.seams.journal import Transaction, recover

    root, ops, mode = Path(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]

    def limit(text):
        size = int(text.rpartition(":")[2])
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    try:
        if mode.startswith("recover"):
            if mode.startswith("recover-fsize:"):
                limit(mode)
            print("\\n".join(recover(root)))
            sys.exit(0)
        with Transaction(root, "ticket rename VM-1 -> VM-2") as tx:
            for name, *args in ops:
                getattr(tx, name)(*args)
            if mode.startswith("fsize:"):
                limit(mode)
            if mode == "wait":
                print("staged", flush=True)
                sys.stdin.readline()
    except DocmgrError as exc:
        print(type(exc).__name__, exc, file=sys.stderr)
        sys.exit(3)
""")


# -- helpers ------------------------------------------------------------------------------


def build(root: Path, spec: dict[str, str | None]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in spec.items():
        target = root / rel
        if content is None:
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode())
    return root


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under root, except the journal."""
    out: dict[str, bytes | None] = {}
    for current, dirs, files in os.walk(root):
        rel = Path(current).relative_to(root).as_posix()
        if rel == ".":
            dirs[:] = [d for d in dirs if d != JOURNAL_DIR]
        for name in dirs:
            out[Path(rel, name).as_posix()] = None
        for name in files:
            out[Path(rel, name).as_posix()] = (Path(current) / name).read_bytes()
    return {k.removeprefix("./"): v for k, v in out.items()}


def apply_plain(root: Path, ops: list[list[str]]) -> None:
    """The oracle: the same ops done directly, without any journal."""
    for name, *args in ops:
        if name == "write":
            (root / args[0]).write_bytes(args[1].encode())
        elif name == "rename":
            os.rename(root / args[0], root / args[1])
        elif name == "mkdir":
            os.mkdir(root / args[0])
        elif name == "remove":
            os.unlink(root / args[0])
        else:
            os.rmdir(root / args[0])


def expected(
    tmp_path: Path, ops: list[list[str]], spec: dict[str, str | None] = OLD
) -> dict[str, bytes | None]:
    ref = build(tmp_path / f"oracle-{len(ops)}-{len(os.listdir(tmp_path))}", spec)
    apply_plain(ref, ops)
    return tree(ref)


def stage(tx: Transaction, ops: list[list[str]]) -> None:
    for name, *args in ops:
        getattr(tx, name)(*args)


def drive(
    root: Path, ops: list[list[str]], mode: str = "", fault: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    env.pop("DOCMGR_FAULT_INJECT", None)
    if fault:
        env["DOCMGR_FAULT_INJECT"] = fault
    return subprocess.run(
        [sys.executable, "-c", DRIVER, str(root), json.dumps(ops), mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def popen_driver(root: Path, ops: list[list[str]], mode: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    env.pop("DOCMGR_FAULT_INJECT", None)
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(root), json.dumps(ops), mode],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def journals(root: Path) -> list[str]:
    folder = root / JOURNAL_DIR
    return sorted(os.listdir(folder)) if folder.is_dir() else []


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return build(tmp_path / "ttmp", OLD)


FINISHED = f"finished an interrupted '{LABEL}' ({len(OPS)} changes)"
TOO_LONG = "n" * 250 + ".md"  # fine as a name, too long for atomic_write's temp file name


# -- in-process behaviour -----------------------------------------------------------------


def test_recover_without_journal_is_a_no_op(root: Path, tmp_path: Path) -> None:
    before = tree(root)
    assert recover(root) == []
    assert tree(root) == before
    assert not (root / JOURNAL_DIR).exists()
    assert recover(tmp_path / "missing") == []


def test_successful_commit_applies_every_op_in_order(root: Path, tmp_path: Path) -> None:
    with Transaction(root, LABEL) as tx:
        stage(tx, OPS)
        assert len(tx) == len(OPS)
        assert tree(root) == expected(tmp_path, [])  # staging wrote nothing to the targets
    assert tree(root) == expected(tmp_path, OPS)
    assert not (root / JOURNAL_DIR).exists()
    assert recover(root) == []


@pytest.mark.parametrize("rewrite_first", [True, False])
def test_folder_rename_with_rewrites_inside_in_either_order(
    root: Path, tmp_path: Path, rewrite_first: bool
) -> None:
    new_index = "---\nTicket: VM-2\n---\n"
    with Transaction(root, LABEL) as tx:
        if rewrite_first:
            tx.write(root / T1 / "index.md", new_index)
            tx.rename(root / T1, root / T2)
        else:
            tx.rename(root / T1, root / T2)
            tx.write(root / T2 / "index.md", new_index)
        assert tx.read_text(root / T2 / "index.md") == new_index
        assert not tx.exists(root / T1)
        assert tx.read_text(f"{T2}/design.md") == OLD[f"{T1}/design.md"]
    assert (root / T2 / "index.md").read_text() == new_index
    assert not (root / T1).exists()
    assert (root / T2 / "design.md").read_bytes() == str(OLD[f"{T1}/design.md"]).encode()


def test_exception_inside_the_block_changes_nothing(root: Path) -> None:
    before = tree(root)
    with pytest.raises(RuntimeError, match="changed my mind"):
        with Transaction(root, LABEL) as tx:
            stage(tx, OPS)
            raise RuntimeError("changed my mind")
    assert tree(root) == before
    assert not (root / JOURNAL_DIR).exists()


def test_abort_and_empty_transaction_change_nothing(root: Path) -> None:
    before = tree(root)
    with Transaction(root, LABEL) as tx:
        stage(tx, OPS)
        tx.abort()
    with Transaction(root, "nothing"):
        pass
    assert tree(root) == before
    assert not (root / JOURNAL_DIR).exists()
    with pytest.raises(RuntimeError):
        tx.write("other.md", "late")


@pytest.mark.parametrize(
    ("op", "message"),
    [
        (["write", "../outside.md", "x"], "not inside the docs root"),
        (["write", "/etc/docmgr-never.md", "x"], "not inside the docs root"),
        (["write", ".", "x"], "not inside the docs root"),
        (["write", f"{JOURNAL_DIR}/x", "x"], "journal"),
        (["write", "link-out/x.md", "x"], "symlink"),
        (["write", "link-out/sub/x.md", "x"], "goes through a symlink"),
        (["rename", "link-out/sub/f.md", "inside.md"], "goes through a symlink"),
        (["write", "link-file.md", "x"], "symlink"),
        (["write", T1, "x"], "is a dir"),
        (["write", "no/such/folder/x.md", "x"], "does not exist"),
        (["write", "other.md/x.md", "x"], "is a file"),
        (["rename", "missing.md", "x.md"], "does not exist"),
        (["rename", "other.md", "vocabulary.yaml"], "already exists"),
        (["rename", T1, f"{T1}/sub"], "inside itself"),
        (["mkdir", T1], "already there"),
        (["remove", T1], "is a dir"),
        (["remove", "missing.md"], "does not exist"),
        (["rmdir", T1], "not empty"),
        (["rmdir", "other.md"], "is a file"),
    ],
)
def test_staging_refuses_bad_ops_and_changes_nothing(
    root: Path, tmp_path: Path, op: list[str], message: str
) -> None:
    (tmp_path / "outside" / "sub").mkdir(parents=True)
    (tmp_path / "outside" / "sub" / "f.md").write_text("outside\n")
    (root / "link-out").symlink_to(tmp_path / "outside")
    (root / "link-file.md").symlink_to(root / "other.md")
    before = tree(root)
    with pytest.raises(DocmgrError, match=message):
        with Transaction(root, LABEL) as tx:
            tx.write("vocabulary.yaml", "topics: [a]\n")
            stage(tx, [op])
    assert tree(root) == before
    assert tree(tmp_path / "outside") == {"sub": None, "sub/f.md": b"outside\n"}
    assert not (root / JOURNAL_DIR).exists()


def test_staging_sees_earlier_ops(root: Path) -> None:
    """Validation runs against the tree as the earlier ops will leave it."""
    with Transaction(root, LABEL) as tx:
        tx.mkdir("new")
        tx.write("new/a.md", "a")
        tx.rename("new", "newer")
        with pytest.raises(DocmgrError, match="not empty"):
            tx.rmdir("newer")
        tx.remove("newer/a.md")
        tx.rmdir("newer")  # empty now
        assert not tx.exists("newer")
        tx.remove(f"{T1}/stale.md")
        with pytest.raises(DocmgrError, match="does not exist"):
            tx.remove(f"{T1}/stale.md")
        tx.rmdir(f"{T1}/empty")
        tx.mkdir(f"{T1}/empty")  # recreated: legal
        tx.write("other.md", "one")
        tx.write("other.md", "two")
        assert tx.read_bytes("other.md") == b"two"
        tx.rename("other.md", "moved.md")
        with pytest.raises(DocmgrError, match="does not exist"):
            tx.read_text("other.md")
    assert (root / "moved.md").read_text() == "two"
    assert not (root / "other.md").exists() and not (root / "new").exists()
    assert not (root / T1 / "stale.md").exists() and (root / T1 / "empty").is_dir()


def test_change_by_someone_else_while_staging_aborts_the_commit(root: Path) -> None:
    with pytest.raises(DocmgrError, match="changed while it was being prepared"):
        with Transaction(root, LABEL) as tx:
            stage(tx, OPS)
            (root / "other.md").write_text("edited by someone else, longer\n")
    assert (root / "other.md").read_text() == "edited by someone else, longer\n"
    assert (root / T1 / "index.md").read_text() == OLD[f"{T1}/index.md"]
    assert not (root / JOURNAL_DIR).exists()


def test_failure_while_applying_rolls_back_to_identical_bytes_and_modes(root: Path) -> None:
    os.chmod(root / "other.md", 0o600)
    os.chmod(root / T1 / "stale.md", 0o640)
    before = tree(root)
    modes = {rel: stat.S_IMODE(os.lstat(root / rel).st_mode) for rel in before}
    ops = [*OPS, ["write", f"{T2}/{TOO_LONG}", "fails with ENAMETOOLONG"]]
    with pytest.raises(DocmgrError) as caught:
        with Transaction(root, LABEL) as tx:
            stage(tx, ops)
    message = str(caught.value)
    assert LABEL in message and TOO_LONG in message and "rolled back" in message
    assert tree(root) == before
    assert {rel: stat.S_IMODE(os.lstat(root / rel).st_mode) for rel in before} == modes
    assert not (root / JOURNAL_DIR).exists()
    assert recover(root) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_rolls_back(root: Path) -> None:
    (root / "locked").mkdir()
    (root / "locked" / "doc.md").write_text("old\n")
    before = tree(root)
    os.chmod(root / "locked", 0o555)
    try:
        with pytest.raises(DocmgrError, match="locked/doc.md"):
            with Transaction(root, LABEL) as tx:
                stage(tx, OPS)
                tx.write("locked/doc.md", "new\n")
    finally:
        os.chmod(root / "locked", 0o755)
    assert tree(root) == before


def test_a_live_transaction_in_this_process_is_not_recovered(root: Path, tmp_path: Path) -> None:
    with Transaction(root, LABEL) as tx:
        stage(tx, OPS)
        assert len(journals(root)) == 1
        assert recover(root) == []
        assert len(journals(root)) == 1
    assert tree(root) == expected(tmp_path, OPS)


def test_journal_is_invisible_to_the_document_walk(root: Path) -> None:
    with Transaction(root, LABEL) as tx:
        stage(tx, OPS)
        (txdir,) = journals(root)
        names = os.listdir(root / JOURNAL_DIR / txdir)
        assert not [n for n in names if n.lower().endswith(".md")]
        walked = [rel for _p, rel, _st, _c in walk_markdown(root, Matcher.for_root(root))]
        assert walked and not [rel for rel in walked if JOURNAL_DIR in rel]


def test_manifest_without_owner_is_cleaned_up(root: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    orphan = root / JOURNAL_DIR / f"20260101T000000-{dead.stdout.strip()}-deadbeef"
    orphan.mkdir(parents=True)
    (orphan / "data").write_bytes(b"junk")
    creating = root / JOURNAL_DIR / f"20260101T000000-{os.getppid()}-cafecafe"
    creating.mkdir()  # its (live) creator may be about to lock it: left alone
    assert recover(root) == []
    assert journals(root) == [creating.name]


# -- crashes (subprocesses) ---------------------------------------------------------------


def test_crash_before_commit_is_discarded(root: Path) -> None:
    before = tree(root)
    crashed = drive(root, OPS, fault="txn-before-commit")
    assert crashed.returncode == 70, crashed.stderr
    assert tree(root) == before
    assert len(journals(root)) == 1
    assert recover(root) == [
        f"discarded an unfinished '{LABEL}' (it was never committed; nothing had changed)"
    ]
    assert tree(root) == before
    assert not (root / JOURNAL_DIR).exists()


def test_sigkill_while_staging_is_discarded(root: Path) -> None:
    before = tree(root)
    proc = popen_driver(root, OPS, "wait")
    assert proc.stdout is not None and proc.stdout.readline() == "staged\n"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert [line.startswith("discarded") for line in recover(root)] == [True]
    assert tree(root) == before
    assert not (root / JOURNAL_DIR).exists()


def test_running_transaction_of_another_process_is_left_alone(root: Path, tmp_path: Path) -> None:
    proc = popen_driver(root, OPS, "wait")
    assert proc.stdout is not None and proc.stdout.readline() == "staged\n"
    (txdir,) = journals(root)
    assert recover(root) == []
    assert journals(root) == [txdir]
    _out, err = proc.communicate("go\n", timeout=60)
    assert proc.returncode == 0, err
    assert tree(root) == expected(tmp_path, OPS)
    assert not (root / JOURNAL_DIR).exists()


def test_committed_journal_format(root: Path) -> None:
    crashed = drive(root, OPS, fault="txn-after-op:0")
    assert crashed.returncode == 70, crashed.stderr
    (txdir,) = journals(root)
    folder = root / JOURNAL_DIR / txdir
    assert sorted(os.listdir(folder)) == [".gitignore", "data", "manifest.json", "progress"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format"] == 1 and manifest["label"] == LABEL
    assert manifest["state"] == "committed" and manifest["txid"] == txdir
    assert isinstance(manifest["pid"], int) and manifest["created"].endswith("+00:00")
    assert [(op["op"], op["path"], op.get("to")) for op in manifest["ops"]] == [
        (name, args[0], args[1] if name == "rename" else None) for name, *args in OPS
    ]
    data = (folder / "data").read_bytes()
    first = manifest["ops"][0]
    assert data[first["data"][0] : sum(first["data"])] == OPS[0][2].encode()
    assert data[first["pre"][0] : sum(first["pre"])] == str(OLD[f"{T1}/index.md"]).encode()
    assert manifest["ops"][9]["pre"] is None  # changelog.md did not exist
    assert (folder / "progress").read_bytes() == b""
    assert recover(root) == [FINISHED]


def test_failure_while_applying_in_a_subprocess_efbig(root: Path, tmp_path: Path) -> None:
    before = tree(root)
    ops = [*OPS[:8], ["write", "big.md", "x" * 10_000], *OPS[8:]]
    result = drive(root, ops, mode="fsize:4096")
    assert result.returncode == 3, result.stderr
    assert "DocmgrError" in result.stderr and "big.md" in result.stderr and LABEL in result.stderr
    assert tree(root) == before
    assert not (root / JOURNAL_DIR).exists()


def test_rollback_that_fails_keeps_the_journal_and_recover_finishes_it(root: Path) -> None:
    (root / "other.md").write_text("y" * 6000)  # restoring this pre-image will hit EFBIG too
    before = tree(root)
    ops = [*OPS, ["write", "big.md", "x" * 10_000]]
    result = drive(root, ops, mode="fsize:4096")
    assert result.returncode == 3, result.stderr
    assert "JournalStuck" in result.stderr and "undoing it failed too" in result.stderr
    assert tree(root) != before and len(journals(root)) == 1
    lines = recover(root)
    assert len(lines) == 1 and lines[0].startswith(f"rolled back an interrupted '{LABEL}'")
    assert "big.md" in lines[0]
    assert tree(root) == before
    assert not (root / JOURNAL_DIR).exists()


def test_recover_that_cannot_finish_or_undo_raises_and_keeps_the_journal(root: Path) -> None:
    (root / "other.md").write_text("y" * 6000)  # restoring this pre-image will hit EFBIG
    before = tree(root)
    ops = [*OPS, ["write", "big.md", "x" * 10_000]]
    crashed = drive(root, ops, fault=f"txn-after-op:{len(OPS)}")
    assert crashed.returncode == 70, crashed.stderr
    stuck = drive(root, [], mode="recover-fsize:4096")
    assert stuck.returncode == 3 and "JournalStuck" in stuck.stderr, stuck.stderr
    (txdir,) = journals(root)
    manifest = json.loads((root / JOURNAL_DIR / txdir / "manifest.json").read_text())
    assert manifest["state"] == "rolling-back" and "big.md" in manifest["error"]
    os.rename(root / "other.md", root / "moved-away")
    (root / "other.md").mkdir()  # a folder in the way: the rollback cannot restore the file
    with pytest.raises(JournalStuck, match="is kept"):
        recover(root)
    assert journals(root) == [txdir]
    os.rmdir(root / "other.md")
    os.rename(root / "moved-away", root / "other.md")
    assert [line.startswith("rolled back") for line in recover(root)] == [True]
    assert tree(root) == before
    assert not (root / JOURNAL_DIR).exists()


@pytest.mark.slow
def test_kill_after_every_op_then_recover_finishes(tmp_path: Path) -> None:
    old = expected(tmp_path, [])
    new = expected(tmp_path, OPS)
    for n in range(len(OPS) + 1):
        root = build(tmp_path / f"kill-{n}", OLD)
        crashed = drive(root, OPS, fault=f"txn-after-op:{n}")
        assert crashed.returncode == 70, (n, crashed.stderr)
        assert tree(root) == expected(tmp_path, OPS[:n]), n  # exactly the first n ops
        assert len(journals(root)) == 1
        assert recover(root) == [FINISHED], n
        assert tree(root) == new, n
        assert not (root / JOURNAL_DIR).exists()
        assert recover(root) == []
    root = build(tmp_path / "before-cleanup", OLD)
    assert drive(root, OPS, fault="txn-before-cleanup").returncode == 70
    assert recover(root) == [FINISHED]
    assert tree(root) == new
    assert old != new


@pytest.mark.slow
def test_kill_during_recovery_then_recover_again_finishes(tmp_path: Path) -> None:
    new = expected(tmp_path, OPS)
    for first, second in [(0, 1), (2, 3), (2, 9), (5, 10)]:
        root = build(tmp_path / f"twice-{first}-{second}", OLD)
        assert drive(root, OPS, fault=f"txn-after-op:{first}").returncode == 70
        again = drive(root, [], mode="recover", fault=f"txn-after-op:{second}")
        assert again.returncode == 70, again.stderr
        assert tree(root) == expected(tmp_path, OPS[:second])
        assert recover(root) == [FINISHED]
        assert tree(root) == new


@pytest.mark.slow
def test_kill_during_rollback_then_recover_completes_the_rollback(tmp_path: Path) -> None:
    old = expected(tmp_path, [])
    ops = [*OPS[:8], ["write", "big.md", "x" * 10_000], *OPS[8:]]
    for n in range(8):  # ops 0..7 applied, op 8 fails; killed when n ops remain applied
        root = build(tmp_path / f"undo-{n}", OLD)
        crashed = drive(root, ops, mode="fsize:4096", fault=f"txn-after-undo:{n}")
        assert crashed.returncode == 70, (n, crashed.stderr)
        lines = recover(root)
        assert len(lines) == 1 and lines[0].startswith(f"rolled back an interrupted '{LABEL}'")
        assert tree(root) == old, n
        assert not (root / JOURNAL_DIR).exists()


@pytest.mark.slow
def test_recovery_that_cannot_finish_rolls_back(tmp_path: Path) -> None:
    old = expected(tmp_path, [])
    ops = [*OPS[:8], ["write", "big.md", "x" * 10_000], *OPS[8:]]
    # n=9: the big write itself was applied, then the crash came before it was recorded;
    # redoing it fails, so the rollback must undo it too (it may or may not have happened)
    for n in (0, 3, 8, 9):
        root = build(tmp_path / f"cannot-finish-{n}", OLD)
        assert drive(root, ops, fault=f"txn-after-op:{n}").returncode == 70
        result = drive(root, [], mode="recover-fsize:4096")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"rolled back an interrupted '{LABEL}': finishing it")
        assert "big.md" in result.stdout
        assert tree(root) == old, n
        assert not (root / JOURNAL_DIR).exists()


@pytest.mark.slow
def test_concurrent_recovers_finish_the_journal_exactly_once(root: Path, tmp_path: Path) -> None:
    assert drive(root, OPS, fault="txn-after-op:4").returncode == 70
    procs = [popen_driver(root, [], "recover") for _ in range(4)]
    outputs = [proc.communicate(timeout=60) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0, 0], outputs
    lines = [line for out, _err in outputs for line in out.splitlines() if line]
    assert lines == [FINISHED]
    assert tree(root) == expected(tmp_path, OPS)
    assert not (root / JOURNAL_DIR).exists()
