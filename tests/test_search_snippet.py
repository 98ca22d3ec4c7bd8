"""What a search hit shows: the body around the query's words, cut between words."""

from __future__ import annotations

import re

from docmgr.reports import snippet
from docmgr.reports.search import fts_expression


def _show(body: str, query: str) -> str:
    match, _literals = fts_expression(query)
    return snippet.of(body.encode(), snippet.patterns(match))


def _cut(body: str, expression: str) -> str:
    return snippet.cut(body.encode(), snippet.patterns(expression))


def _words(count: int, stem: str) -> str:
    return " ".join(f"{stem}{n}" for n in range(count))


def test_a_word_is_found_whole_and_in_either_case() -> None:
    body = "The longest run.\nIt took Long enough.\n"
    assert _show(body, "long") == body.strip()
    assert _cut(body, '"long"') != ""
    assert _cut("the longest run", '"long"') == ""
    assert _cut("the longest run", '"long"*') == "the longest run"


def test_the_window_is_about_100_bytes_either_side_and_never_cuts_a_word() -> None:
    body = f"{_words(40, 'head')} needle {_words(40, 'tail')}\n"
    shown = _show(body, "needle")
    assert shown.startswith("...head") and shown.endswith("...")
    before, after = shown[3:-3].split(" needle ")
    assert 90 <= len(before) <= 100 and 90 <= len(after) <= 100
    assert set(before.split()) <= set(_words(40, "head").split())
    assert set(after.split()) <= set(_words(40, "tail").split())


def test_the_window_with_the_most_different_words_wins() -> None:
    body = f"alpha {_words(80, 'x')} beta {_words(80, 'y')} alpha beta {_words(80, 'z')}"
    shown = _show(body, "alpha beta")
    assert "alpha beta" in shown and "x0 " not in shown
    first_alpha = _show(f"alpha {_words(80, 'x')} alpha", "alpha")
    assert first_alpha.startswith("alpha x0")  # the earliest of equals


def test_phrases_and_punctuated_words_match_across_separators_only() -> None:
    assert "cache-miss" in _show(f"{_words(30, 'w')} a cache-miss here", '"cache miss"')
    assert _show(f"{_words(30, 'w')} cache hit miss", '"cache miss"').startswith("w0")
    assert "api.go" in _show(f"{_words(30, 'w')} see api.go now", "api.go")


def test_non_ascii_neighbours_decide_by_the_character() -> None:
    assert _cut("a naïve plan", '"ve"') == ""
    assert _cut("éte", '"te"') == ""
    shown = _cut("ein Plan—longer—als gedacht", '"longer"')
    assert shown == "ein Plan—longer—als gedacht"


def test_multibyte_text_is_never_cut_inside_a_character() -> None:
    body = "語" * 200 + " target " + "🙂" * 200
    shown = _show(body, "target")
    assert "target" in shown and "\ufffd" not in shown
    assert shown.startswith("...") and shown.endswith("...")


def test_without_the_words_in_the_body_the_head_is_shown() -> None:
    body = "\n" + "x" * 150
    assert _show(body, "elsewhere") == "x" * 100 + "..."
    assert _show("\nshort body\n", "elsewhere") == "short body\n"
    assert _show("", "anything") == ""


def test_an_experts_expression_gives_its_words() -> None:
    found = snippet.patterns('title:foo OR {body}: "bar baz" AND qux* NOT NEAR(a b)')
    body = "x foo y bar, baz z quxes w"
    assert {m.group().decode() for p in found for m in p.finditer(body.encode())} >= {
        "foo",
        "bar, baz",
        "quxes",
    }


def test_newlines_stay() -> None:
    body = "first line\nneedle on the second\nthird\n"
    assert _show(body, "needle") == body.strip()


def test_the_body_starts_where_the_front_matter_ends() -> None:
    from docmgr.formats.delimiters import body_offset, split

    for text in (
        "---\nTitle: x\n---\nbody\n",
        "---\r\nTitle: x\r\n---\r\nbody\r\n",
        "---  \nTitle: é\n --- \nbody",
        "---\nTitle: x\n---",
        "---\nTitle: x\n---\u00a0\nbody\n",  # what str.strip() calls whitespace
        "no front matter\n---\n",
        "---\nunclosed\n",
        "---\nA: ----\nB: x --- y\n---\nbody\n",
        "---\n---\n",
        "---\n---",
    ):
        parts = split(text)
        data = text.encode()
        want = None if parts is None else len(text[: parts.body_start].encode())
        assert body_offset(data) == want, text


def test_the_body_offset_agrees_with_the_decoded_split_on_random_texts() -> None:
    """Seeded: lines made of delimiter-like pieces, whitespace Python strips, and UTF-8."""
    import random

    from docmgr.formats.delimiters import body_offset, split

    pieces = ["---", "----", "--", " ", "\t", "\u00a0", "\u2003", "é", "x", ":", "\r"]
    rng = random.Random(10)
    for _ in range(3000):
        lines = [
            "".join(rng.choices(pieces, k=rng.randint(0, 3))) for _ in range(rng.randint(1, 6))
        ]
        if rng.random() < 0.7:
            lines[0] = rng.choice(["---", "--- ", "---\r"])
        text = "\n".join(lines) + rng.choice(["", "\n"])
        parts = split(text)
        want = None if parts is None else len(text[: parts.body_start].encode())
        assert body_offset(text.encode()) == want, repr(text)


# The snippet as it was cut from a copy of the body (``data[start:]``), lower-cased, with every
# hit of every term weighed: the oracle for the version that copies nothing and stops early.
def _copied_cut(raw: bytes, terms: list[re.Pattern[bytes]]) -> str:
    if not terms or not raw:
        return ""
    low = raw.lower()
    hits: list[tuple[int, int, int]] = []
    for kind, term in enumerate(terms):
        count = 0
        for match in term.finditer(low):
            start, end = match.span()
            if snippet._word_before(low, start) or snippet._word_from(low, end):
                continue
            hits.append((start, end, kind))
            count += 1
            if count == snippet._HITS_PER_TERM:
                break
    if not hits:
        return ""
    hits.sort()
    best = (0, 0, 0)
    for at, (start, end, _kind) in enumerate(hits):
        kinds: set[int] = set()
        last = end
        for other_start, other_end, other_kind in hits[at:]:
            if other_start - start > snippet._SPAN:
                break
            kinds.add(other_kind)
            last = max(last, other_end)
        if len(kinds) > best[0]:
            best = (len(kinds), start, last)
    _count, first, last = best
    lo = max(0, first - snippet.CONTEXT_BYTES)
    hi = min(len(raw), last + snippet.CONTEXT_BYTES)
    if lo > 0 and raw[lo - 1] in snippet._WORD_BYTES:
        while lo < first and raw[lo] in snippet._WORD_BYTES:
            lo += 1
    if hi < len(raw) and raw[hi] in snippet._WORD_BYTES:
        while hi > last and raw[hi - 1] in snippet._WORD_BYTES:
            hi -= 1
    text = raw[lo:hi].decode("utf-8", "replace").strip()
    return ("..." if raw[:lo].strip() else "") + text + ("..." if raw[hi:].strip() else "")


def _copied_of(raw: bytes, terms: list[re.Pattern[bytes]]) -> str:
    shown = _copied_cut(raw, terms)
    if shown:
        return shown
    head = raw.lstrip(b"\r\n")
    if len(head) <= snippet.CONTEXT_BYTES:
        return head.decode("utf-8", "replace")
    return head[: snippet.CONTEXT_BYTES].decode("utf-8", errors="ignore") + "..."


def test_the_snippet_of_a_whole_file_equals_the_snippet_of_its_copied_body() -> None:
    """Seeded: random bodies behind random front matter, one to three terms (words, phrases,
    prefixes), hits packed close together and far apart; whitespace of every kind at the
    edges. The body is never copied, and a one-term scan stops a window after its first hit:
    neither may change a snippet."""
    import random

    words = ["needle", "Needle", "NEEDLES", "hay", "stack", "hay-stack", "é", "naïve", "🙂"]
    gaps = [" ", "\n", "\r\n", "\t", "\x0b", "\x0c", ", ", " -- ", "\u00a0", "x" * 150]
    queries = ["needle", "hay", "needle hay", '"hay stack"', "need*", "needle stack hay", "é"]
    rng = random.Random(11)
    for _ in range(3000):
        parts = rng.choices(words + gaps, k=rng.randint(0, 60))
        body = "".join(parts).encode()
        header = rng.choice(
            [b"", b"---\nTitle: needle hay\n---\n", b"---\nA: x\n---\r\n", b"hay", "é".encode()]
        )  # the last two: ``start`` right after a word (``of`` takes any start)
        data = header + body
        terms = snippet.patterns(fts_expression(rng.choice(queries))[0])
        assert snippet.of(data, terms, len(header)) == _copied_of(body, terms), (data, terms)
