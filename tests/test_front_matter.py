"""Front matter: the quoting pre-pass, reading real variants, Go-style writing, lossless edits."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from textwrap import dedent

import pytest

from docmgr.errors import FrontMatterError
from docmgr.formats import front_matter as fm
from docmgr.model import RelatedFile
from docmgr.seams import clock

EST = timezone(timedelta(hours=-5))


def doc(header: str, body: str = "\nBody line\n") -> str:
    return "---\n" + dedent(header).lstrip("\n") + "---\n" + body


# --------------------------------------------------------------------------- pre-pass (§3.2, §13.4)


@pytest.mark.parametrize("value", ["simple", "Hello world", "a:b", "x - y", "100%"])
def test_plain_values_do_not_need_quoting(value: str) -> None:
    assert not fm.needs_quoting(value)


@pytest.mark.parametrize(
    "value",
    [
        "with: colon",
        "ends:",
        "@start",
        "hash # inline",
        "tab\tchar",
        "template {{x}}",
        "close }}",
        "`tick",
        "#x",
        "&a",
        "*b",
        "!c",
        "|d",
        ">e",
        "%f",
        "?g",
    ],
)
def test_risky_values_need_quoting(value: str) -> None:
    assert fm.needs_quoting(value)


def test_prepass_quotes_risky_value_and_leaves_plain_one() -> None:
    text = "Summary: needs: quoting\nTitle: Hello\n"
    assert fm.quote_prepass(text) == "Summary: 'needs: quoting'\nTitle: Hello\n"


def test_prepass_doubles_single_quotes() -> None:
    assert fm.quote_prepass("Summary: it's: fine\n") == "Summary: 'it''s: fine'\n"


@pytest.mark.parametrize(
    "line",
    [
        "Summary: 'already: quoted'\n",
        'Summary: "already: quoted"\n',
        "Topics: [a, b]\n",
        "Extra: {a: b}\n",
        "Summary: |\n",
        "Summary: >\n",
        "# comment: with colon\n",
        "    - item: with colon\n",
        "    - Path: a.go\n",
        "Summary:\n",
        "\n",
    ],
)
def test_prepass_leaves_styled_comment_list_and_empty_lines(line: str) -> None:
    assert fm.quote_prepass(line) == line


def test_prepass_processes_nested_note_lines_but_not_dash_path_lines() -> None:
    text = "RelatedFiles:\n    - Path: a.go: x\n      Note: why: because\n"
    assert (
        fm.quote_prepass(text) == "RelatedFiles:\n    - Path: a.go: x\n      Note: 'why: because'\n"
    )


def test_prepass_quotes_value_with_trailing_comment_like_go() -> None:
    # docmgr's pre-pass treats " #" as risky, so a trailing comment becomes part of the value
    meta, _ = fm.read("---\nStatus: draft   # note\n---\n")
    assert meta.status == "draft   # note"


def test_prepass_keeps_crlf() -> None:
    assert fm.quote_prepass("Summary: a: b\r\n") == "Summary: 'a: b'\r\n"


def test_risky_summary_reads_as_string() -> None:
    meta, _ = fm.read(doc('Title: T\nSummary: needs: quoting\nOwners: ["@bob"]\n'))
    assert meta.summary == "needs: quoting"
    assert meta.owners == ["@bob"]


# --------------------------------------------------------------------------- splitting


def test_split_finds_body_after_closing_delimiter() -> None:
    text = "---\nTitle: A\n---\nBody line\n"
    parts = fm.split(text)
    assert parts is not None
    assert parts.yaml == "Title: A\n"
    assert text[parts.body_start :] == "Body line\n"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no front matter\n",
        "\n---\nTitle: A\n---\n",
        "\ufeff---\nTitle: A\n---\n",
        "---\nTitle: A\n",
    ],
)
def test_missing_delimiters_are_an_error(text: str) -> None:
    assert fm.split(text) is None
    with pytest.raises(FrontMatterError, match="frontmatter delimiters '---' not found"):
        fm.read(text, path="x.md")


def _split_by_lines(text: str) -> tuple[str, int, int, int, int] | None:
    """The closing delimiter found line by line: the rule ``split`` implements faster."""
    lines = text.split("\n")
    if len(lines) < 2 or lines[0].strip() != "---":
        return None
    pos = len(lines[0]) + 1
    for line in lines[1:]:
        if line.strip() == "---":
            end = pos + len(line)
            body = end + 1 if end < len(text) else end
            return text[len(lines[0]) + 1 : pos], len(lines[0]) + 1, pos, body, 2
        pos += len(line) + 1
    return None


def test_split_agrees_with_a_line_by_line_reading() -> None:
    import random

    pieces = ["-", "--", "---", "----", "\n", " ", "\t", "\r", "\x85", "\u2028", "\xa0"]
    pieces += ["\u3000", "a", "A: b", "x---", "--- y", "---\n"]
    rng = random.Random(10)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.7:
            text = "---\n" + text
        got = fm.split(text)
        assert (None if got is None else tuple(got)) == _split_by_lines(text), repr(text)


def test_delimiters_may_carry_trailing_spaces() -> None:
    meta, parts = fm.read("---  \nTitle: A\n---   \nbody")
    assert meta.title == "A"
    assert parts.body_start == len("---  \nTitle: A\n---   \n")


# --------------------------------------------------------------------------- reading variants


def test_reads_valid_file() -> None:
    text = doc("""
        Title: Path Normalization
        Ticket: MEN-4242
        Status: active
        Topics:
            - chat
            - backend
        DocType: design-doc
        Intent: long-term
        Owners: []
        RelatedFiles:
            - Path: repo://a.go
              Note: Registers routes
        ExternalSources: []
        Summary: ""
        LastUpdated: 2026-07-06T11:37:04.6584684-04:00
        WhatFor: ""
        WhenToUse: ""
    """)
    meta, parts = fm.read(text)
    assert (meta.title, meta.ticket, meta.doc_type, meta.status) == (
        "Path Normalization",
        "MEN-4242",
        "design-doc",
        "active",
    )
    assert meta.topics == ["chat", "backend"]
    assert meta.related_files == [RelatedFile("repo://a.go", "Registers routes")]
    assert meta.last_updated == datetime(
        2026, 7, 6, 11, 37, 4, 658468, tzinfo=timezone(timedelta(hours=-4))
    )
    assert meta.problems == []
    assert text[parts.body_start :] == "\nBody line\n"


def test_reads_older_key_order_and_missing_keys() -> None:
    meta, _ = fm.read(doc("LastUpdated: 2025-11-18\nDocType: index\nTicket: OLD-1\nTitle: Old\n"))
    assert (meta.title, meta.ticket, meta.doc_type) == ("Old", "OLD-1", "index")
    assert meta.topics == [] and meta.owners == [] and meta.summary == "" and meta.status == ""


def test_reads_lower_case_keys_and_prefers_canonical_ones() -> None:
    meta, _ = fm.read(doc("title: lower\nticket: T-1\ndoctype: reference\ntopics: [a]\n"))
    assert (meta.title, meta.ticket, meta.doc_type, meta.topics) == (
        "lower",
        "T-1",
        "reference",
        ["a"],
    )
    meta, _ = fm.read(doc("title: lower\nTitle: Upper\n"))
    assert meta.title == "Upper"


def test_unknown_keys_are_kept_in_extra() -> None:
    meta, _ = fm.read(doc("Title: A\nCustom: value\n"))
    assert meta.extra == {"Custom": "value"}


@pytest.mark.parametrize(
    "raw",
    ["no", "on", "yes", "off", "true", "null", "~", "2024-01-01", "0x10", "1e3", "12:30", "3.14"],
)
def test_values_that_look_typed_stay_strings(raw: str) -> None:
    meta, _ = fm.read(doc(f"Title: {raw}\nTicket: {raw}\nStatus: {raw}\nSummary: {raw}\n"))
    assert (meta.title, meta.ticket, meta.status, meta.summary) == (raw, raw, raw, raw)


def test_bare_date_reads_as_utc_midnight() -> None:
    meta, _ = fm.read(doc("Title: A\nLastUpdated: 2025-11-18\n"))
    assert meta.last_updated == datetime(2025, 11, 18, tzinfo=UTC)
    assert meta.last_updated_raw == "2025-11-18"


@pytest.mark.parametrize("digits", range(1, 10))
def test_one_to_nine_fraction_digits(digits: int) -> None:
    frac = "123456789"[:digits]
    meta, _ = fm.read(doc(f"Title: A\nLastUpdated: 2026-07-06T11:37:04.{frac}-04:00\n"))
    assert meta.last_updated is not None
    assert meta.last_updated.microsecond == int(frac[:6].ljust(6, "0"))
    assert meta.last_updated.utcoffset() == timedelta(hours=-4)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-07-06T11:37:04Z",
        "2026-07-06T11:37:04+00:00",
        "2026-07-06 11:37:04",
        "2026-07-06t11:37:04z",
    ],
)
def test_timestamp_forms(raw: str) -> None:
    assert clock.parse_last_updated(raw) == datetime(2026, 7, 6, 11, 37, 4, tzinfo=UTC)


def test_timestamps_in_the_common_shape_read_as_the_rule_reads_them() -> None:
    """``fromisoformat`` answers for the shape docmgr writes: the same instant, offset and
    text as the timestamp rule, for fields in and out of range (random, seeded)."""
    import random

    rng = random.Random(20261203)

    def field(width: int, top: int) -> str:
        return str(rng.choice([0, 1, top - 1, top, top + 1, rng.randrange(10**width)])).zfill(
            width
        )[-width:]

    for _ in range(20000):
        text = (
            f"{field(4, 9999)}-{field(2, 12)}-{field(2, 31)}T{field(2, 24)}:{field(2, 60)}:"
            f"{field(2, 60)}"
            + rng.choice(["", "." + "".join(rng.choices("0123456789", k=rng.randint(1, 10)))])
            + rng.choice(["Z", "z", "", f"{rng.choice('+-')}{field(2, 24)}:{field(2, 60)}"])
        )
        if rng.random() < 0.1:
            text = " " + text + "\n"
        got, want = clock.parse_last_updated(text), clock._by_rule(text.strip())
        assert (got, str(got), got and got.utcoffset()) == (
            want,
            str(want),
            want and want.utcoffset(),
        ), text


def test_bad_last_updated_is_a_problem_not_a_crash() -> None:
    meta, _ = fm.read(doc("Title: A\nLastUpdated: yesterday\n"))
    assert meta.last_updated is None
    assert meta.problems == ["LastUpdated 'yesterday' is not a timestamp"]


def test_scalar_topics_is_a_problem_but_readable() -> None:
    meta, _ = fm.read(doc("Title: A\nTopics: chat\n"))
    assert meta.topics == ["chat"]
    assert meta.problems == ["Topics should be a list, found a single value"]


def test_related_files_legacy_forms() -> None:
    meta, _ = fm.read(
        doc("""
        Title: A
        RelatedFiles:
            - backend/api/user.go
            - ""
            - path: lower.go
              note: lower note
            - Note: no path
    """)
    )
    assert meta.related_files == [
        RelatedFile("backend/api/user.go"),
        RelatedFile("lower.go", "lower note"),
    ]
    meta, _ = fm.read(doc("Title: A\nRelatedFiles: not-a-list\n"))
    assert meta.related_files == []


def test_related_entries_read_case_blind_as_one_lowering_of_their_keys() -> None:
    """Entries keyed exactly Path/Note skip the lowering: every mix reads as a lowering would."""
    rng = random.Random(7)
    keys: list[object] = ["Path", "Note", "path", "note", "PATH", "nOtE", "Other", 1, None]
    values: list[object] = ["a.go", "", "why", None, 3, ["x"]]

    def reference(item: dict[object, object]) -> list[RelatedFile]:
        lowered = {str(k).lower(): v for k, v in item.items()}
        path = fm._as_str(lowered.get("path"))
        return [RelatedFile(path, fm._as_str(lowered.get("note")))] if path else []

    for _ in range(5000):
        item = {rng.choice(keys): rng.choice(values) for _ in range(rng.randint(0, 4))}
        assert fm._as_related([item]) == reference(item), item


def test_syntax_error_carries_line_problem_and_snippet() -> None:
    text = doc("Title: A\nTopics: [chat\nStatus: active\n")
    with pytest.raises(FrontMatterError) as info:
        fm.read(text, path="x/doc.md")
    err = info.value
    assert err.path == "x/doc.md"
    assert err.line >= 2
    assert err.problem
    assert "Topics: [chat" in err.snippet
    assert str(err).startswith(f"x/doc.md:{err.line} ")


def test_mapping_values_error_is_friendly() -> None:
    with pytest.raises(FrontMatterError) as info:
        fm.read(doc("Title: A\n  bad: indent: x\nb\n"), path="d.md")
    assert info.value.line >= 2


@pytest.mark.parametrize("header", ["", "- a\n- b\n", "just text\n"])
def test_empty_or_non_mapping_header_is_an_error(header: str) -> None:
    with pytest.raises(FrontMatterError):
        fm.read("---\n" + header + "---\n")


def test_as_json_uses_spec_names() -> None:
    meta, _ = fm.read(doc("Title: A\nDocType: index\nLastUpdated: 2025-11-18\n"))
    assert list(meta.as_json()) == [
        "title",
        "ticket",
        "status",
        "topics",
        "docType",
        "intent",
        "owners",
        "relatedFiles",
        "externalSources",
        "summary",
        "lastUpdated",
        "whatFor",
        "whenToUse",
    ]
    assert meta.as_json()["lastUpdated"] == "2025-11-18"


# --------------------------------------------------------------------------- writing (§3.3)


def test_colon_summary_is_single_quoted_and_reparses() -> None:
    line = fm.render_value("Summary", "colon: here")
    assert line == "Summary: 'colon: here'\n"
    meta, _ = fm.read("---\n" + line + "---\n")
    assert meta.summary == "colon: here"


@pytest.mark.parametrize(
    ("value", "rendered"),
    [
        ("", '""'),
        ("plain text", "plain text"),
        ("no", '"no"'),
        ("on", '"on"'),
        ("y", '"y"'),
        ("true", '"true"'),
        ("null", '"null"'),
        ("123", '"123"'),
        ("1.5", '"1.5"'),
        ("2024-01-01", '"2024-01-01"'),
        ("it's", "it's"),
        ("#hash", "'#hash'"),
        ("- dash", "'- dash'"),
        ("a #b", "'a #b'"),
        (" lead", "' lead'"),
        ("{{x}}", "'{{x}}'"),
        ('say "hi"', 'say "hi"'),
        ("tab\there", '"tab\\there"'),
    ],
)
def test_scalar_quoting(value: str, rendered: str) -> None:
    assert fm.scalar(value) == rendered
    meta, _ = fm.read(f"---\nSummary: {rendered}\n---\n")
    assert meta.summary == value


def test_lists_empty_and_four_space_indented() -> None:
    assert fm.render_value("Topics", []) == "Topics: []\n"
    assert fm.render_value("Topics", ["chat", "no"]) == 'Topics:\n    - chat\n    - "no"\n'


def test_related_files_path_and_note() -> None:
    rendered = fm.render_value(
        "RelatedFiles", [RelatedFile("repo://a.go", "Registers API routes"), RelatedFile("b.go")]
    )
    assert rendered == (
        "RelatedFiles:\n    - Path: repo://a.go\n      Note: Registers API routes\n"
        "    - Path: b.go\n"
    )


def test_multi_line_note_is_a_literal_block() -> None:
    rendered = fm.render_value("RelatedFiles", [RelatedFile("x.go", "Step 2 fix\nStep 7 path")])
    assert rendered == (
        "RelatedFiles:\n    - Path: x.go\n      Note: |-\n        Step 2 fix\n        Step 7 path\n"
    )
    meta, _ = fm.read("---\n" + rendered + "---\n")
    assert meta.related_files == [RelatedFile("x.go", "Step 2 fix\nStep 7 path")]


def test_last_updated_rfc3339() -> None:
    at = datetime(2026, 7, 6, 11, 37, 4, 658468, tzinfo=timezone(timedelta(hours=-4)))
    assert fm.render_value("LastUpdated", at) == "LastUpdated: 2026-07-06T11:37:04.658468-04:00\n"
    assert fm.render_value("LastUpdated", at.replace(microsecond=0, tzinfo=UTC)) == (
        "LastUpdated: 2026-07-06T11:37:04Z\n"
    )


def test_new_document_has_every_key_in_order_and_one_blank_line() -> None:
    values = {
        "WhenToUse": "",
        "Title": "T: x",
        "Ticket": "A-1",
        "Status": "active",
        "Topics": ["chat"],
        "DocType": "index",
        "Intent": "long-term",
        "Owners": [],
        "RelatedFiles": [],
        "ExternalSources": [],
        "Summary": "",
        "LastUpdated": datetime(2026, 2, 8, 10, 47, tzinfo=EST),
        "WhatFor": "",
    }
    text = fm.new_document(values, "# T\n")
    assert text == dedent("""\
        ---
        Title: 'T: x'
        Ticket: A-1
        Status: active
        Topics:
            - chat
        DocType: index
        Intent: long-term
        Owners: []
        RelatedFiles: []
        ExternalSources: []
        Summary: ""
        LastUpdated: 2026-02-08T10:47:00-05:00
        WhatFor: ""
        WhenToUse: ""
        ---

        # T
        """)


# --------------------------------------------------------------------------- lossless edits

ODD = dedent("""\
    ---
    # a comment that must survive
    Title: "Quoted title"
    Ticket: OLD-1
    Custom: {keep: me}
    Topics: [a, b]
    Status: draft
    # a comment between keys
    Summary: >
        folded
        text
    LastUpdated: 2025-11-18
    ---



    Body keeps   its spacing
    ---
    not front matter
    """)


def test_update_changes_only_the_asked_key() -> None:
    out = fm.update_fields(ODD, {"Status": "active"})
    assert out == ODD.replace("Status: draft\n", "Status: active\n")


def test_update_multi_line_value_replaces_all_its_lines() -> None:
    out = fm.update_fields(ODD, {"Summary": "short"})
    assert out == ODD.replace("Summary: >\n    folded\n    text\n", "Summary: short\n")


def test_update_list_key() -> None:
    out = fm.update_fields(ODD, {"Topics": ["x"]})
    assert out == ODD.replace("Topics: [a, b]\n", "Topics:\n    - x\n")


def test_update_with_same_values_is_byte_identical() -> None:
    same = {
        "Title": "Quoted title",
        "Ticket": "OLD-1",
        "Topics": ["a", "b"],
        "Status": "draft",
        "Summary": "folded text\n",
        "LastUpdated": datetime(2025, 11, 18, tzinfo=UTC),
    }
    assert fm.update_fields(ODD, same) == ODD


def test_update_lower_case_key_keeps_its_spelling() -> None:
    text = doc("title: old\nticket: T-1\n")
    assert fm.update_fields(text, {"Title": "new"}) == doc("title: new\nticket: T-1\n")


def test_update_inserts_missing_key_in_canonical_order() -> None:
    text = doc("Title: A\nTicket: T-1\nDocType: index\nSummary: s\nCustom: c\n")
    out = fm.update_fields(text, {"Status": "active", "Owners": ["me"], "WhenToUse": "w"})
    assert out == doc(
        "Title: A\nTicket: T-1\nStatus: active\nDocType: index\nOwners:\n"
        "    - me\nSummary: s\nWhenToUse: w\nCustom: c\n"
    )


def test_update_inserts_before_first_later_key_when_no_earlier_key() -> None:
    text = doc("Ticket: T-1\nDocType: index\n")
    assert fm.update_fields(text, {"Title": "A"}) == doc("Title: A\nTicket: T-1\nDocType: index\n")


def test_update_keeps_crlf() -> None:
    text = doc("Title: A\nStatus: draft\n# c\nX: y\n", "\nBody\n").replace("\n", "\r\n")
    out = fm.update_fields(text, {"Status": "active", "Topics": ["t"]})
    assert out == doc(
        "Title: A\nStatus: active\nTopics:\n    - t\n# c\nX: y\n", "\nBody\n"
    ).replace("\n", "\r\n")


def test_repeated_edits_do_not_add_blank_lines() -> None:
    text = fm.new_document({"Title": "A", "Summary": ""}, "# Body\n")
    for n in range(5):
        text = fm.update_fields(text, {"Summary": f"edit {n}"})
    assert text == "---\nTitle: A\nSummary: edit 4\n---\n\n# Body\n"


def test_update_without_front_matter_is_an_error() -> None:
    with pytest.raises(FrontMatterError):
        fm.update_fields("# no header\n", {"Title": "x"})


def test_indented_header_falls_back_to_ruamel_and_keeps_body() -> None:
    text = "---\n  Title: A\n  Status: draft\n---\n\nBody\n"
    out = fm.update_fields(text, {"Status": "active"})
    meta, parts = fm.read(out)
    assert (meta.title, meta.status) == ("A", "active")
    assert out[parts.body_start :] == "\nBody\n"


def test_update_related_files_round_trips() -> None:
    text = doc("Title: A\nRelatedFiles: []\nSummary: s\n")
    files = [RelatedFile("a.go", "why: because"), RelatedFile("b.go", "one\ntwo")]
    out = fm.update_fields(text, {"RelatedFiles": files})
    meta, _ = fm.read(out)
    assert meta.related_files == files
    assert "Summary: s\n" in out and out.endswith("---\n\nBody line\n")


@pytest.mark.parametrize(
    "value", ["\n", "\nleading", " indented\nnext", "a\n\x1fb", "x: y: z\nq", "a\n   \nb"]
)
def test_multi_line_values_that_a_block_cannot_hold_are_double_quoted(value: str) -> None:
    rendered = fm.render_value("Summary", value)
    assert rendered.startswith('Summary: "')
    assert fm.read("---\n" + rendered + "---\n")[0].summary == value


def test_multi_line_value_keeps_trailing_newlines() -> None:
    for value in ("a\nb\n", "a\nb\n\n"):
        rendered = fm.render_value("Summary", value)
        assert rendered.startswith("Summary: |")
        assert fm.read("---\n" + rendered + "---\n")[0].summary == value


def test_read_text_refuses_non_utf8_with_a_docmgr_error(tmp_path: Path) -> None:
    from docmgr.errors import DocmgrError
    from docmgr.seams.fsio import read_text

    path = tmp_path / "latin1.md"
    path.write_bytes(b"---\nTitle: caf\xe9\n---\n")
    with pytest.raises(DocmgrError, match="is not UTF-8 text"):
        read_text(path)
    (tmp_path / "crlf.md").write_bytes(b"a\r\nb\n")
    assert read_text(tmp_path / "crlf.md") == "a\r\nb\n"


def test_update_quoted_key_and_value_on_next_line() -> None:
    text = doc('"Title": A\nSummary:\n    on the next line\nStatus: draft\n')
    out = fm.update_fields(text, {"Title": "B", "Summary": "short"})
    assert out == doc('"Title": B\nSummary: short\nStatus: draft\n')


def test_update_keeps_blank_lines_between_keys() -> None:
    text = doc("Title: A\n\nStatus: draft\n\n\nSummary: s\n")
    out = fm.update_fields(text, {"Status": "active"})
    assert out == doc("Title: A\n\nStatus: active\n\n\nSummary: s\n")


@pytest.mark.parametrize(
    "line",
    [
        "LastUpdated: 2026-01-02T03:04:05Z",
        "LastUpdated: '2026-01-02T03:04:05+00:00'",
        'LastUpdated: "2026-01-02T04:04:05+01:00"',
        "lastupdated: 2026-01-02T03:04:05Z",
    ],
)
def test_last_updated_kept_or_moved_whichever_way_it_is_read(line: str) -> None:
    """The YAML-free check for a moving timestamp agrees with the YAML reading."""
    text = f"---\nTitle: T\n{line}\n---\nbody\n"
    same = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert fm.update_fields(text, {"LastUpdated": same}) == text
    later = fm.update_fields(text, {"LastUpdated": same + timedelta(minutes=1)})
    assert later != text
    assert later.startswith("---\nTitle: T\n")
    assert later.endswith("---\nbody\n")
    assert "2026-01-02T03:05:05" in later


def test_the_unsafe_characters_are_every_code_point_outside_the_safe_ranges() -> None:
    """The simple reader's guard lists the gaps between the safe ranges (it compiles ten
    times faster than ``[^...]`` of them): the two classes agree on every code point."""
    every = "".join(map(chr, range(0x110000)))
    expected = re.findall(f"[^{fm.SAFE_RANGES}]", every)
    assert len(expected) > 2000  # control characters, spaces, surrogates, ...
    assert fm._UNSAFE_CHAR.findall(every) == expected
