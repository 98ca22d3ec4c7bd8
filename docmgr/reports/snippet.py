"""The snippet a search hit shows: the body around the query's words, cut between words.

The Go tool shows 100 bytes either side of the first place the *whole* query string occurs
in the body (else the body's first 100 bytes). This keeps its size and byte basis but looks
for the query's own words and phrases, the way the index matched them: a word is found only
as a whole word (``long`` is not found inside ``longer``; ``long*`` is), a phrase or a word
holding punctuation (``"cache miss"``, ``api.go``) as its words with only separators
between them, ASCII letters in either case. Where several words occur, the window holding
the most different ones wins (the earliest of equals). The window is widened to whole words
and clipped ends are marked ``...``; newlines stay. A hit whose words occur only in its
title, topics or ticket id (or only with accents the index folded away: ``cafe`` in
``café``) shows the body's head instead.

Searching the body's UTF-8 bytes, lower-cased ASCII only, keeps this cheap: FTS5's own
``snippet()`` tokenised every shown body, about 10 ms for the 25 hits of a real workspace's
search against about 1.5 ms here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

CONTEXT_BYTES = 100  # shown either side of the matched words (the Go tool's context)
_SPAN = 2 * CONTEXT_BYTES  # words this close to a window's first one count in that window
_HITS_PER_TERM = 64  # occurrences of one word weighed when choosing a window

# bytes that may belong to a word: ASCII letters and digits, and every byte of a non-ASCII
# character (the windows never cut one; at a hit's edges the character itself is asked)
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") | {
    *range(0x80, 0x100)
}
_SEPARATORS = rb"[^a-z0-9\x80-\xff]+"  # between the words of a phrase
_TOKEN = re.compile(r"[^\W_]+")  # FTS5's unicode61 tokens: runs of letters and digits
_PART = re.compile(r'"((?:[^"]|"")*)"(\*?)|([^\s()"]+)')
_KEYWORDS = {"AND", "OR", "NOT", "NEAR"}
_INK = re.compile(rb"[^ \t\n\r\x0b\x0c]")  # what ``bytes.strip`` keeps
_NEWLINES = b"\r\n"


def patterns(expression: str) -> list[re.Pattern[bytes]]:
    """One pattern per word, phrase or prefix of an FTS5 expression, over lower-cased bytes.

    Operators, column filters (``title:``) and grouping are dropped; what is left is what the
    expression asks the text to hold.
    """
    found: dict[bytes, re.Pattern[bytes]] = {}
    for quoted, star, bare in _PART.findall(expression):
        if quoted:
            text, prefix = quoted.replace('""', '"'), bool(star)
        else:
            if bare in _KEYWORDS or bare.endswith(":"):
                continue
            text = bare.rsplit(":", 1)[-1].lstrip("^+-{").rstrip("}")
            prefix = text.endswith("*")
        tokens = _TOKEN.findall(text.lower())
        if not tokens:
            continue
        source = _SEPARATORS.join(re.escape(token.encode()) for token in tokens)
        if prefix:  # the rest of the word it starts
            source += rb"[a-z0-9\x80-\xff]*"
        found.setdefault(source, re.compile(source))
    return list(found.values())


def of(data: bytes, terms: Sequence[re.Pattern[bytes]], start: int = 0) -> str:
    """What a hit shows: the body around the terms, else its head.

    ``data``: its file's UTF-8 bytes, the body from ``start`` on (the front matter before it
    is never shown nor copied).
    """
    return cut(data, terms, start) or head(data, start)


def head(data: bytes, start: int = 0) -> str:
    """The body's first ``CONTEXT_BYTES`` bytes (``...`` when there is more)."""
    while start < len(data) and data[start] in _NEWLINES:
        start += 1
    raw = data[start : start + CONTEXT_BYTES + 1]
    if len(raw) <= CONTEXT_BYTES:
        return raw.decode("utf-8", "replace")
    return raw[:CONTEXT_BYTES].decode("utf-8", errors="ignore") + "..."


def cut(data: bytes, terms: Sequence[re.Pattern[bytes]], start: int = 0) -> str:
    """The part of the body (``data`` from ``start``) around the terms ('' when none of them
    occurs in it).

    Copies only what it shows: the body is lower-cased once and never sliced whole. With
    one term (most queries) the scan stops a window's span after the first whole-word hit,
    which is then the window (the earliest of equals).
    """
    if not terms or start >= len(data):
        return ""
    low = data.lower()
    hits: list[tuple[int, int, int]] = []
    single = len(terms) == 1
    for kind, term in enumerate(terms):
        count = 0
        for match in term.finditer(low, start):
            begin, end = match.span()
            if single and hits and begin - hits[0][0] > _SPAN:
                break  # no later hit can join the first one's window
            if _word_before(low, begin, start) or _word_from(low, end):
                continue  # part of a longer word
            hits.append((begin, end, kind))
            count += 1
            if count == _HITS_PER_TERM:
                break
    if not hits:
        return ""
    hits.sort()
    best = (0, 0, 0)  # (different terms in the window, its first byte, its last byte)
    for at, (begin, end, _kind) in enumerate(hits):
        kinds: set[int] = set()
        last = end
        for other_begin, other_end, other_kind in hits[at:]:
            if other_begin - begin > _SPAN:
                break
            kinds.add(other_kind)
            last = max(last, other_end)
        if len(kinds) > best[0]:
            best = (len(kinds), begin, last)
    _count, first, last = best
    lo = max(start, first - CONTEXT_BYTES)
    hi = min(len(data), last + CONTEXT_BYTES)
    if lo > start and data[lo - 1] in _WORD_BYTES:  # no word cut at the front
        while lo < first and data[lo] in _WORD_BYTES:
            lo += 1
    if hi < len(data) and data[hi] in _WORD_BYTES:  # nor at the back
        while hi > last and data[hi - 1] in _WORD_BYTES:
            hi -= 1
    text = data[lo:hi].decode("utf-8", "replace").strip()
    before = "..." if _INK.search(data, start, lo) else ""
    after = "..." if _INK.search(data, hi) else ""
    return before + text + after


def _word_before(raw: bytes, at: int, floor: int = 0) -> bool:
    """Whether the character ending at byte ``at`` (not before ``floor``) is a letter or digit."""
    if at <= floor or raw[at - 1] not in _WORD_BYTES:
        return False
    if raw[at - 1] < 0x80:
        return True
    start = at - 1
    while start > max(floor, at - 4) and 0x80 <= raw[start] < 0xC0:  # back to the lead byte
        start -= 1
    return _is_word(raw[start:at])


def _word_from(raw: bytes, at: int) -> bool:
    """Whether the character starting at byte ``at`` is a letter or digit."""
    if at >= len(raw) or raw[at] not in _WORD_BYTES:
        return False
    if raw[at] < 0x80:
        return True
    end = at + 1
    while end < min(len(raw), at + 4) and 0x80 <= raw[end] < 0xC0:
        end += 1
    return _is_word(raw[at:end])


def _is_word(char: bytes) -> bool:
    text = char.decode("utf-8", "replace")
    return bool(text) and (text.isalnum() or text == "\ufffd")
