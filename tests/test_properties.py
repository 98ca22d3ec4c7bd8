"""Property tests: front matter round-trips, edits touch nothing else, ids never escape the root."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docmgr.errors import DocmgrError, UnsafePath
from docmgr.formats import front_matter as fm
from docmgr.model import RelatedFile
from docmgr.seams import paths

# any single-line text, including YAML's trouble makers (no line breaks of any kind)
line_text = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs"], blacklist_characters="\n\r\x85\u2028\u2029"
    ),
    max_size=40,
)
risky = st.sampled_from(
    [
        "no",
        "on",
        "yes",
        "null",
        "~",
        "2024-01-01",
        "1e3",
        "0x1F",
        ": x",
        "a: b",
        "#c",
        "- d",
        "'q'",
        '"dq"',
        "{{T}}",
        "x #y",
        "@at",
        "*a",
        "&b",
        "!t",
        "|",
        ">",
        "%",
        "?",
        "[x]",
        "{y}",
        " lead",
        "trail ",
        "\ttab",
        "é",
    ]
)
value = st.one_of(line_text, risky)
multi = st.lists(st.one_of(line_text, risky), min_size=2, max_size=3).map("\n".join)
stamps = st.datetimes(
    min_value=datetime(1970, 1, 2),
    max_value=datetime(2200, 1, 1),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))]
    ),
)
items = st.lists(value.filter(lambda v: v != ""), max_size=3)
related = st.lists(
    st.builds(RelatedFile, value.filter(lambda v: v.strip() != ""), st.one_of(value, multi)),
    max_size=3,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=value,
    summary=st.one_of(value, multi),
    topics=items,
    owners=items,
    files=related,
    when=stamps,
)
def test_render_then_read_round_trips(
    title: str,
    summary: str,
    topics: list[str],
    owners: list[str],
    files: list[RelatedFile],
    when: datetime,
) -> None:
    values = {
        "Title": title,
        "Ticket": "T-1",
        "Topics": topics,
        "Owners": owners,
        "RelatedFiles": files,
        "Summary": summary,
        "LastUpdated": when,
    }
    meta, parts = fm.read(fm.new_document(values, "body\n"))
    assert meta.title == title
    assert meta.summary == summary
    assert meta.topics == topics
    assert meta.owners == owners
    assert meta.related_files == [RelatedFile(f.path, f.note) for f in files]
    assert meta.last_updated == when


@settings(max_examples=200)
@given(old=value, new=st.one_of(value, multi), body=st.text(max_size=60), crlf=st.booleans())
def test_update_touches_only_the_asked_key(old: str, new: str, body: str, crlf: bool) -> None:
    head = f"---\nTitle: keep me\n# comment\nSummary: {fm.scalar(old)}\nCustom: x\n---\n"
    text = head + body
    if crlf:
        text = text.replace("\n", "\r\n")
    out = fm.update_fields(text, {"Summary": new})
    meta, parts = fm.read(out)
    assert meta.summary == new
    assert meta.title == "keep me" and meta.extra == {"Custom": "x"}
    original = fm.split(text)
    assert original is not None
    assert out[parts.body_start :] == text[original.body_start :]
    nl = "\r\n" if crlf else "\n"
    assert out.startswith(f"---{nl}Title: keep me{nl}# comment{nl}Summary:")
    assert fm.update_fields(out, {"Summary": new}) == out


@settings(max_examples=300)
@given(st.text(max_size=30))
def test_no_ticket_id_escapes_the_root(
    tmp_path_factory: pytest.TempPathFactory, ticket: str
) -> None:
    root = Path("/virtual/root")
    try:
        paths.validate_ticket_id(ticket)
        rel = paths.render_path_template(
            paths.DEFAULT_PATH_TEMPLATE,
            ticket=ticket,
            title="t",
            slug=paths.ticket_slug(ticket, "t"),
            when=datetime(2026, 2, 8, tzinfo=UTC),
        )
        target = paths.resolve_inside(root, rel)
    except (UnsafePath, DocmgrError):
        return
    assert paths.is_inside(root, target) and target != root
    assert target.name.startswith(ticket + "--")


@settings(max_examples=300)
@given(st.text(max_size=30), st.text(max_size=30))
def test_templates_with_title_never_escape(template: str, title: str) -> None:
    try:
        rel = paths.render_path_template(
            template + "{{TITLE}}",
            ticket="A-1",
            title=title,
            slug="s",
            when=datetime(2026, 2, 8, tzinfo=UTC),
        )
    except DocmgrError:
        return
    assert paths.is_inside(Path("/r"), paths.resolve_inside(Path("/r"), rel))


@given(st.text(max_size=40))
def test_slugs_are_clean(text: str) -> None:
    slug = paths.slugify(text)
    assert slug and set(slug) <= set(string.ascii_lowercase + string.digits + "-")
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug
    assert paths.validate_segment(paths.doc_slug(text), what="slug")


@settings(max_examples=200)
@given(
    present=st.lists(st.sampled_from(fm.FIELD_ORDER), unique=True, min_size=1),
    missing=st.sampled_from(fm.FIELD_ORDER),
    value=value,
)
def test_inserted_key_lands_after_its_predecessor(
    present: list[str], missing: str, value: str
) -> None:
    present = [k for k in present if k != missing]
    header = "".join(f"{k}: x{n}\n" for n, k in enumerate(present))
    text = f"---\n{header}---\nbody\n"
    out = fm.update_fields(text, {missing: value})
    lines = out.split("---\n")[1].splitlines()
    keys = [line.split(":", 1)[0] for line in lines if not line.startswith(" ")]
    assert keys == [*present[: keys.index(missing)], missing, *present[keys.index(missing) :]]
    earlier = [k for k in fm.FIELD_ORDER[: fm.FIELD_ORDER.index(missing)] if k in present]
    if earlier:  # right after the nearest key that precedes it in docmgr's order
        assert keys.index(missing) == keys.index(earlier[-1]) + 1
    else:  # every present key comes later in docmgr's order: it goes first
        assert keys[0] == missing
    assert out.endswith("---\nbody\n")
    assert fm.read(out)[0].extra == {}
