"""Skills, write side: export a plan as an Agent Skills folder and ``.skill`` zip; import one.

Export resolves the plan's sources, writes them and ``SKILL.md`` into ``<out-dir>/<name>/``
and optionally zips that folder (entries ``<name>/…``). Import reads a folder or a zip holding
one ``SKILL.md`` and turns it into a plan under ``skills/<name>/`` (spec §11.4–11.5). A zip is
never trusted: absolute names, ``..``, symlinks and oversized contents are refused before
anything is written.
"""

from __future__ import annotations

import os
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from docmgr.errors import DocmgrError, Param, SkillPlanError, UnsafeArchive
from docmgr.formats import skill_plan
from docmgr.formats.skill_plan import Plan, Source
from docmgr.seams import paths
from docmgr.seams.fsio import atomic_write
from docmgr.store import lookup
from docmgr.store import skills as skill_store
from docmgr.store.skills import Skill
from docmgr.store.workspace import Workspace

SKILL_MD = "SKILL.md"
MAX_ENTRIES = 10_000
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Exported:
    skill_dir: Path
    package: Path | None


def _require_empty(folder: Path, force: bool, message: str) -> None:
    if folder.exists() and not folder.is_dir():
        raise DocmgrError(f"path exists and is not a directory: {folder}", "pick another place")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise DocmgrError(f"{message}: {folder}", ("pass ", Param("force"), " to write into it"))


def export(
    ws: Workspace, skill: Skill, *, out_dir: str = "", output_skill: str = "", force: bool = False
) -> Exported:
    """Write the expanded skill folder (and the ``.skill`` zip when ``output_skill`` is set)."""
    plan = skill.plan
    name = plan.dir_name
    if out_dir:
        base = Path(os.path.abspath(ws.cwd / out_dir))
    else:
        base = Path(tempfile.mkdtemp(prefix="docmgr-skill-"))
    paths.validate_segment(name, what="skill name")
    folder = base / name
    _require_empty(folder, force, "skill directory is not empty")
    package = Path(os.path.abspath(ws.cwd / output_skill)) if output_skill else None
    if package is not None and package.exists() and not force:
        raise DocmgrError(
            f"output file already exists: {package}", ("pass ", Param("force"), " to replace it")
        )
    resolution = skill_store.resolve(ws, skill)  # may run binaries: before writing anything
    folder.mkdir(parents=True, exist_ok=True)
    outputs: list[str] = []
    for item in resolution.files:
        target = paths.resolve_inside(folder, item.output)
        target.parent.mkdir(parents=True, exist_ok=True)
        paths.resolve_inside(folder, item.output)  # the folders just made must not be links
        atomic_write(target, item.content)
        outputs.append(item.output)
    text = skill_plan.render_skill_md(plan, appended=resolution.appended, outputs=outputs)
    skill_plan.validate_skill_md(skill_plan.parse_skill_md(text))
    atomic_write(folder / SKILL_MD, text)
    if package is not None:
        write_package(folder, package)
    return Exported(folder, package)


def write_package(folder: Path, package: Path) -> None:
    """Zip ``folder`` as ``<folder name>/…`` entries (deflate) into ``package``, atomically."""
    package.parent.mkdir(parents=True, exist_ok=True)
    tmp = package.with_name(f".{package.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for current, dirs, files in os.walk(folder):
                dirs.sort()
                for file_name in sorted(files):
                    path = Path(current) / file_name
                    if path.is_symlink():
                        continue
                    arc = PurePosixPath(folder.name, path.relative_to(folder).as_posix())
                    archive.write(path, str(arc))
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, package)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --- import -----------------------------------------------------------------------------


def _safe_member(name: str) -> PurePosixPath:
    """The relative path a zip entry may be extracted to; UnsafeArchive otherwise."""
    if "\x00" in name or "\\" in name:
        raise UnsafeArchive(f"zip entry has an unsafe name: {name!r}")
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchive(f"zip entry has an absolute path: {name}")
    if any(part == ".." for part in path.parts):
        raise UnsafeArchive(f"zip entry escapes the target directory: {name}")
    return path


def extract_package(package: Path, target: Path) -> None:
    """Extract a ``.skill`` zip into ``target`` after checking every entry (names, types, sizes)."""
    try:
        archive = zipfile.ZipFile(package)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeArchive(f"not a readable .skill (zip) file: {package}: {exc}") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ENTRIES:
            raise UnsafeArchive(f"zip has too many entries ({len(members)} > {MAX_ENTRIES})")
        for info in members:
            _safe_member(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise UnsafeArchive(f"zip entry is a symlink: {info.filename}")
            if info.file_size > MAX_FILE_BYTES:
                raise UnsafeArchive(f"zip entry is too large: {info.filename}")
        total = 0
        for info in members:
            rel = _safe_member(info.filename)
            if info.is_dir() or not rel.parts:
                continue
            dest = paths.resolve_inside(target, str(rel))
            dest.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            with archive.open(info) as src, open(dest, "wb") as out:
                while chunk := src.read(1 << 16):
                    written += len(chunk)
                    total += len(chunk)
                    if written > MAX_FILE_BYTES or total > MAX_TOTAL_BYTES:
                        raise UnsafeArchive(f"zip expands beyond the size limit at {info.filename}")
                    out.write(chunk)


def _find_skill_md(folder: Path) -> Path:
    found = [
        Path(current) / f
        for current, _dirs, files in os.walk(folder)
        for f in files
        if f == SKILL_MD
    ]
    if not found:
        raise SkillPlanError(f"no {SKILL_MD} found in {folder}")
    if len(found) > 1:
        raise SkillPlanError(f"expected exactly one {SKILL_MD}, found {len(found)}")
    return found[0]


def _metadata_text(metadata: dict[str, object], key: str) -> str:
    value = metadata.get(key)
    return value.strip() if isinstance(value, str) else ""


def _metadata_topics(metadata: dict[str, object]) -> list[str]:
    value = metadata.get("topics")
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return []


def import_skill(
    ws: Workspace,
    source: str,
    *,
    ticket: str = "",
    topics: list[str] | None = None,
    title: str = "",
    what_for: str = "",
    when_to_use: str = "",
    force: bool = False,
) -> Path:
    """Turn a skill folder or ``.skill`` zip into ``<skills>/<name>/skill.yaml``; return it."""
    skills_dir = (
        lookup.resolve_ticket(ws, ticket).dir / "skills" if ticket else ws.require_root() / "skills"
    )
    given = Path(os.path.abspath(ws.cwd / source))
    if not given.exists():
        raise DocmgrError(f"input does not exist: {given}", "pass a skill folder or a .skill file")
    with tempfile.TemporaryDirectory(prefix="docmgr-skill-import-") as scratch:
        if given.is_dir():
            skill_md = given / SKILL_MD
            if not skill_md.is_file():
                raise SkillPlanError(f"no {SKILL_MD} in {given}")
        else:
            extract_package(given, Path(scratch))
            skill_md = _find_skill_md(Path(scratch))
        return _import_folder(
            ws,
            skill_md,
            skills_dir=skills_dir,
            topics=topics or [],
            title=title,
            what_for=what_for,
            when_to_use=when_to_use,
            force=force,
        )


def _import_folder(
    ws: Workspace,
    skill_md: Path,
    *,
    skills_dir: Path,
    topics: list[str],
    title: str,
    what_for: str,
    when_to_use: str,
    force: bool,
) -> Path:
    folder = skill_md.parent
    if skill_md.is_symlink():
        raise UnsafeArchive(f"{SKILL_MD} is a symlink: {skill_md}")
    parsed = skill_plan.parse_skill_md(skill_md.read_text(encoding="utf-8", errors="replace"))
    skill_plan.validate_skill_md(parsed)
    meta = parsed.metadata
    shown = title or _metadata_text(meta, "title") or parsed.title or parsed.name
    references = _references(folder)
    plan_dir = paths.resolve_inside(skills_dir.parent, f"skills/{parsed.name}")
    _require_empty(plan_dir, force, "plan directory is not empty")
    plan_dir.mkdir(parents=True, exist_ok=True)
    body = skill_plan.strip_index(parsed.body.lstrip("\n"), references)
    atomic_write(plan_dir / skill_plan.BODY_FILE, body)
    sources = [
        Source(
            type="file", path=_source_ref(ws, plan_dir / skill_plan.BODY_FILE), append_to_body=True
        )
    ]
    for rel in references:
        dest = paths.resolve_inside(plan_dir, rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(dest, (folder / rel).read_bytes())
        sources.append(Source(type="file", path=_source_ref(ws, dest), output=rel))
    plan = Plan(
        name=parsed.name,
        title=shown if shown != parsed.name else "",
        description=parsed.description,
        what_for=what_for or _metadata_text(meta, "what_for") or parsed.description,
        when_to_use=when_to_use
        or _metadata_text(meta, "when_to_use")
        or f"Use when working with {shown}.",
        topics=tuple(topics or _metadata_topics(meta) or ["imported-skill"]),
        license=parsed.license,
        compatibility=_metadata_text(meta, "compatibility"),
        sources=tuple(sources),
    )
    skill_plan.validate(plan)
    target = plan_dir / skill_store.PLAN_FILE
    atomic_write(target, skill_plan.dump(plan))
    return target


def _references(folder: Path) -> list[str]:
    """The files under ``references/`` (slash paths relative to the skill folder), sorted."""
    base = folder / "references"
    if not base.is_dir() or base.is_symlink():
        return []
    found: list[str] = []
    for current, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not (Path(current) / d).is_symlink())
        for name in sorted(files):
            path = Path(current) / name
            if path.is_symlink():
                raise UnsafeArchive(f"refusing a symlink in the skill folder: {path}")
            found.append(path.relative_to(folder).as_posix())
    return found


def _source_ref(ws: Workspace, path: Path) -> str:
    """A plan's ``path`` for a file: repository-relative when possible, else absolute."""
    repo = Path(os.path.abspath(ws.repo_root))
    try:
        return path.relative_to(repo).as_posix()
    except ValueError:
        return path.as_posix()
