"""A Go ``text/template`` work-alike for verb output templates (spec §5.23–5.24); no I/O.

The Go tool renders ``<root>/templates/**/*.templ`` with Go's ``text/template`` plus a few
functions of its own, so workspaces already hold templates in that syntax. This module parses
and executes the same syntax, so those files work unchanged:

- text and actions ``{{ … }}``, trim markers ``{{-`` / ``-}}``, comments ``{{/* … */}}``;
- ``if`` / ``else if`` / ``else``, ``range`` (with ``$i, $v :=``, ``else``, ``break``,
  ``continue``), ``with`` / ``else``, ``define``, ``template``, ``block``, ``end``;
- pipelines with ``|``, parenthesised pipelines, variables (``$``, ``$x :=``, ``$x =``),
  field chains on maps (``.Tickets``, ``$t.Docs``), string, raw string, number, bool and
  ``nil`` literals;
- Go's functions ``and or not len index print printf println eq ne lt le gt ge html js
  urlquery`` and docmgr's ``slice start end list``, ``dict``, ``set``, ``get``, ``add1``,
  ``countBy``; times offer ``.Format "2006-01-02"``, ``.Year``, ``.Unix``, ``.UTC``.

Values print like Go's ``fmt`` ``%v`` (``[a b]`` for lists, ``map[k:v]`` for maps, ``<no
value>`` for a missing key). Parse errors read ``template: <name>:<line>: <problem>``.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from docmgr.errors import TemplateError, TemplateLoopControl

__all__ = ["Template", "TemplateError", "check", "go_sprintf", "go_string", "parse", "render"]

KEYWORDS = {
    "if",
    "else",
    "end",
    "range",
    "with",
    "define",
    "template",
    "block",
    "break",
    "continue",
    "nil",
    "true",
    "false",
}


_MISSING: Any = object()  # "no value was piped in" (None is a value: nil)


# --- lexing ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tok:
    kind: str  # str raw num field var ident dot lp rp pipe decl assign comma char
    value: str
    line: int
    space_before: bool


_ACTION_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<str>"(?:[^"\\\n]|\\.)*")
    |(?P<raw>`[^`]*`)
    |(?P<char>'(?:[^'\\\n]|\\.)+')
    |(?P<num>[+-]?(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
    |(?P<field>\.[A-Za-z_][A-Za-z0-9_]*)
    |(?P<var>\$[A-Za-z0-9_]*)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<decl>:=)
    |(?P<assign>=)
    |(?P<dot>\.)
    |(?P<lp>\()
    |(?P<rp>\))
    |(?P<pipe>\|)
    |(?P<comma>,)
    """,
    re.VERBOSE,
)


@dataclass(slots=True)
class _Piece:
    kind: str  # "text" | "action" | "comment"
    text: str
    line: int
    tokens: list[Tok] = field(default_factory=list)


def _lex(name: str, source: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    pos = 0
    line = 1
    trim_next = False
    while True:
        start = source.find("{{", pos)
        text = source[pos:] if start < 0 else source[pos:start]
        if trim_next:
            text = text.lstrip(" \t\r\n")
        trim_left = (
            start >= 0
            and source.startswith("{{- ", start)
            or (
                start >= 0
                and source[start + 2 : start + 3] == "-"
                and source[start + 3 : start + 4] in (" ", "\t", "\r", "\n")
            )
        )
        if trim_left:
            text = text.rstrip(" \t\r\n")
        if text:
            pieces.append(_Piece("text", text, line))
        if start < 0:
            break
        line += source.count("\n", pos, start)
        inner_start = start + (3 if trim_left else 2)
        if source.startswith("/*", inner_start) or source.startswith(" /*", inner_start):
            close = source.find("*/", inner_start)
            if close < 0:
                raise TemplateError(f"template: {name}:{line}: unclosed comment")
            end = close + 2
            trim_next = False
            if source.startswith(" -}}", end):
                trim_next, end = True, end + 4
            elif source.startswith("}}", end):
                end += 2
            else:
                raise TemplateError(
                    f"template: {name}:{line}: comment ends before closing delimiter"
                )
            line += source.count("\n", start, end)
            pos = end
            continue
        tokens: list[Tok] = []
        i = inner_start
        tok_line = line
        space = True
        while True:
            if i >= len(source):
                raise TemplateError(f"template: {name}:{line}: unclosed action")
            if source.startswith("}}", i):
                end, trim_next = i + 2, False
                break
            if (
                source.startswith(" -}}", i)
                or source.startswith("\t-}}", i)
                or source.startswith("\n-}}", i)
            ):
                end, trim_next = i + 4, True
                tok_line += source.count("\n", i, i + 1)
                break
            match = _ACTION_TOKEN.match(source, i)
            if match is None:
                raise TemplateError(
                    f"template: {name}:{tok_line}: unexpected {source[i]!r} in command"
                )
            kind = match.lastgroup or ""
            value = match.group(0)
            if kind == "ws":
                space = True
                tok_line += value.count("\n")
            else:
                if kind == "num" and value[0] in "+-" and tokens and not space:
                    raise TemplateError(f"template: {name}:{tok_line}: bad number syntax: {value}")
                tokens.append(Tok(kind, value, tok_line, space))
                space = False
            i = match.end()
        pieces.append(_Piece("action", source[start:end], line, tokens))
        line = tok_line
        pos = end
    return pieces


# --- parse tree ------------------------------------------------------------------------------


@dataclass(slots=True)
class Operand:
    kind: str  # field dot var str num bool nil ident pipe
    value: Any
    chain: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Stage:
    args: list[Operand]


@dataclass(slots=True)
class Pipeline:
    decl: list[str]
    assign: bool
    cmds: list[Stage]
    line: int


@dataclass(slots=True)
class Node:
    kind: str  # text action if range with template break continue
    text: str = ""
    pipe: Pipeline | None = None
    body: list[Node] = field(default_factory=list)
    else_body: list[Node] = field(default_factory=list)
    name: str = ""
    line: int = 0


class _Parser:
    def __init__(self, name: str, pieces: list[_Piece], funcs: set[str]) -> None:
        self.name = name
        self.pieces = pieces
        self.i = 0
        self.funcs = funcs
        self.defines: dict[str, list[Node]] = {}

    def error(self, line: int, message: str) -> TemplateError:
        return TemplateError(f"template: {self.name}:{line}: {message}")

    def parse(self) -> list[Node]:
        nodes, stop = self._list(top=True)
        if stop is not None:
            raise self.error(stop[1], f"unexpected {{{{{stop[0]}}}}}")
        return nodes

    def _list(self, *, top: bool = False) -> tuple[list[Node], tuple[str, int, list[Tok]] | None]:
        nodes: list[Node] = []
        while self.i < len(self.pieces):
            piece = self.pieces[self.i]
            self.i += 1
            if piece.kind == "text":
                nodes.append(Node("text", text=piece.text))
                continue
            toks = piece.tokens
            if not toks:
                raise self.error(piece.line, "missing value for command")
            head = toks[0]
            if head.kind == "ident" and head.value in ("end", "else"):
                return nodes, (head.value, head.line, toks[1:])
            nodes.extend(self._action(piece, toks))
        if not top:
            raise self.error(self.pieces[-1].line if self.pieces else 1, "unexpected EOF")
        return nodes, None

    def _action(self, piece: _Piece, toks: list[Tok]) -> list[Node]:
        head = toks[0]
        line = head.line
        if head.kind == "ident" and head.value in ("if", "range", "with"):
            return [self._control(head.value, toks[1:], line)]
        if head.kind == "ident" and head.value in ("break", "continue"):
            if len(toks) > 1:
                raise self.error(line, f"unexpected {toks[1].value} in {head.value}")
            return [Node(head.value, line=line)]
        if head.kind == "ident" and head.value in ("define", "block"):
            if len(toks) < 2 or toks[1].kind not in ("str", "raw"):
                raise self.error(line, f"{head.value} clause must name a template")
            tname = _unquote(toks[1])
            body, stop = self._list()
            if stop is None or stop[0] != "end":
                raise self.error(line, f"unexpected {{{{else}}}} in {head.value}")
            self.defines[tname] = body
            if head.value == "define":
                return []
            pipe = self._pipeline(toks[2:], line) if len(toks) > 2 else None
            return [Node("template", name=tname, pipe=pipe, line=line)]
        if head.kind == "ident" and head.value == "template":
            if len(toks) < 2 or toks[1].kind not in ("str", "raw"):
                raise self.error(line, "template clause must name a template")
            pipe = self._pipeline(toks[2:], line) if len(toks) > 2 else None
            return [Node("template", name=_unquote(toks[1]), pipe=pipe, line=line)]
        return [Node("action", pipe=self._pipeline(toks, line), line=line)]

    def _control(self, kind: str, toks: list[Tok], line: int) -> Node:
        if not toks:
            raise self.error(line, f"missing value for {kind}")
        node = Node(kind, pipe=self._pipeline(toks, line, control=kind), line=line)
        body, stop = self._list()
        node.body = body
        if stop is None:
            raise self.error(line, "unexpected EOF")
        word, stop_line, rest = stop
        if word == "end":
            if rest:
                raise self.error(stop_line, f"unexpected {rest[0].value} in end")
            return node
        # else
        if rest and rest[0].kind == "ident" and rest[0].value in ("if", "with"):
            if (
                rest[0].value != kind
                and not (kind == "if" and rest[0].value == "if")
                and not (kind == "with" and rest[0].value == "with")
            ):
                raise self.error(stop_line, f"unexpected {rest[0].value} in else")
            node.else_body = [self._control(rest[0].value, rest[1:], stop_line)]
            return node
        if rest:
            raise self.error(stop_line, f"unexpected {rest[0].value} in else")
        node.else_body, stop = self._list()
        if stop is None or stop[0] != "end":
            raise self.error(stop_line, "expected end; found else")
        return node

    def _pipeline(self, toks: list[Tok], line: int, control: str = "") -> Pipeline:
        decl: list[str] = []
        assign = False
        pos = 0
        # variable declarations: $x := … | $i, $v := … (range)
        if len(toks) >= 2 and toks[0].kind == "var":
            if toks[1].kind in ("decl", "assign"):
                decl, assign, pos = [toks[0].value], toks[1].kind == "assign", 2
            elif (
                toks[1].kind == "comma"
                and len(toks) >= 4
                and toks[2].kind == "var"
                and toks[3].kind in ("decl", "assign")
            ):
                if control != "range":
                    raise self.error(line, "too many declarations in command")
                decl, assign, pos = [toks[0].value, toks[2].value], toks[3].kind == "assign", 4
        cmds: list[Stage] = []
        current: list[Operand] = []
        while pos < len(toks):
            tok = toks[pos]
            if tok.kind == "pipe":
                if not current:
                    raise self.error(tok.line, "missing command")
                cmds.append(Stage(current))
                current = []
                pos += 1
                continue
            operand, pos = self._operand(toks, pos)
            current.append(operand)
        if not current:
            raise self.error(line, "missing value for command")
        cmds.append(Stage(current))
        for cmd in cmds[1:]:
            first = cmd.args[0]
            if first.kind in ("str", "num", "bool", "nil"):
                raise self.error(
                    line, f"non executable command in pipeline stage {cmds.index(cmd) + 1}"
                )
        return Pipeline(decl, assign, cmds, line)

    def _operand(self, toks: list[Tok], pos: int) -> tuple[Operand, int]:
        tok = toks[pos]
        pos += 1
        if tok.kind == "field":
            chain = [tok.value[1:]]
            operand = Operand("field", None, chain)
        elif tok.kind == "dot":
            operand = Operand("dot", None)
        elif tok.kind == "var":
            operand = Operand("var", tok.value)
        elif tok.kind in ("str", "raw"):
            operand = Operand("str", _unquote(tok))
        elif tok.kind == "char":
            operand = Operand("num", ord(_unquote_char(tok.value)))
        elif tok.kind == "num":
            operand = Operand("num", _number(tok.value, self, tok.line))
        elif tok.kind == "ident":
            if tok.value in ("true", "false"):
                operand = Operand("bool", tok.value == "true")
            elif tok.value == "nil":
                operand = Operand("nil", None)
            elif tok.value in KEYWORDS:
                raise self.error(tok.line, f"unexpected <{tok.value}> in command")
            else:
                if tok.value not in self.funcs:
                    raise self.error(tok.line, f'function "{tok.value}" not defined')
                operand = Operand("ident", tok.value)
        elif tok.kind == "lp":
            depth = 1
            end = pos
            while end < len(toks) and depth:
                if toks[end].kind == "lp":
                    depth += 1
                elif toks[end].kind == "rp":
                    depth -= 1
                end += 1
            if depth:
                raise self.error(tok.line, "unclosed left paren")
            operand = Operand("pipe", self._pipeline(toks[pos : end - 1], tok.line))
            pos = end
        elif tok.kind == "rp":
            raise self.error(tok.line, "unexpected right paren")
        else:
            raise self.error(tok.line, f"unexpected {tok.value!r} in operand")
        while pos < len(toks) and toks[pos].kind == "field" and not toks[pos].space_before:
            if operand.kind in ("str", "num", "bool", "nil", "ident"):
                raise self.error(toks[pos].line, f"unexpected {toks[pos].value} in operand")
            operand.chain.append(toks[pos].value[1:])
            pos += 1
        return operand, pos


def _unquote(tok: Tok) -> str:
    if tok.kind == "raw":
        return tok.value[1:-1]
    try:
        return str(
            json.loads(
                tok.value.replace("\\'", "'").replace("\\a", "\\u0007").replace("\\v", "\\u000b")
            )
        )
    except ValueError:
        return tok.value[1:-1]


def _unquote_char(text: str) -> str:
    inner = text[1:-1]
    if inner.startswith("\\"):
        return str(json.loads(f'"{inner}"')) if inner != "\\'" else "'"
    return inner


def _number(text: str, parser: _Parser, line: int) -> int | float:
    clean = text.replace("_", "")
    try:
        if clean.lower().lstrip("+-").startswith("0x"):
            return int(clean, 16)
        if re.fullmatch(r"[+-]?\d+", clean):
            return int(clean)
        return float(clean)
    except ValueError:
        raise parser.error(line, f"bad number syntax: {text}") from None


# --- values ----------------------------------------------------------------------------------


def truth(value: Any) -> bool:
    """Go's notion of a true value in ``if``/``with``/``and``/``or``/``not``."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, (str, list, tuple, dict)):
        return len(value) > 0
    return True


def go_string(value: Any) -> str:
    """How Go's ``fmt`` prints a value with ``%v``."""
    return _go(value, top=True)


def _go(value: Any, *, top: bool) -> str:
    if value is None:
        return "<no value>" if top else "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(_go(v, top=False) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
        return "map[" + " ".join(f"{k}:{_go(v, top=False)}" for k, v in items) + "]"
    if isinstance(value, datetime):
        return _go_time_string(value)
    return str(value)


def _go_time_string(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    offset = at.strftime("%z") or "+0000"
    zone = "UTC" if offset == "+0000" else at.strftime("%Z") or offset
    frac = f".{at.microsecond:06d}".rstrip("0") if at.microsecond else ""
    return f"{at:%Y-%m-%d %H:%M:%S}{frac} {offset} {zone}"


_GO_LAYOUT = [
    ("2006", "%Y"),
    ("January", "%B"),
    ("Jan", "%b"),
    ("Monday", "%A"),
    ("Mon", "%a"),
    ("MST", "%Z"),
    ("Z07:00", "Z07:00"),
    ("-07:00", "-07:00"),
    ("-0700", "%z"),
    ("15", "%H"),
    ("01", "%m"),
    ("02", "%d"),
    ("03", "%I"),
    ("04", "%M"),
    ("05", "%S"),
    ("06", "%y"),
    ("PM", "%p"),
    ("_2", "%e"),
    (".000000", ".%f"),
    (".000", ".%3"),
    ("1", "%-m"),
    ("2", "%-d"),
    ("3", "%-I"),
]


def go_format_time(at: datetime, layout: str) -> str:
    """``time.Time.Format`` for the common parts of Go layouts (2006-01-02 15:04:05 …)."""
    out: list[str] = []
    i = 0
    while i < len(layout):
        for token, directive in _GO_LAYOUT:
            if layout.startswith(token, i):
                out.append(_render_directive(at, directive))
                i += len(token)
                break
        else:
            out.append(layout[i])
            i += 1
    return "".join(out)


def _render_directive(at: datetime, directive: str) -> str:
    if directive in ("Z07:00", "-07:00"):
        offset = at.strftime("%z") or "+0000"
        if directive == "Z07:00" and offset == "+0000":
            return "Z"
        return f"{offset[:3]}:{offset[3:]}"
    if directive == ".%3":
        return f".{at.microsecond // 1000:03d}"
    if directive.startswith("%-"):
        return str(int(at.strftime("%" + directive[2:])))
    if directive == "%e":
        return f"{at.day:2d}"
    return at.strftime(directive)


@dataclass(frozen=True, slots=True)
class _Method:
    func: Callable[..., Any]


def _field(value: Any, name: str, line_info: str) -> Any:
    if isinstance(value, dict):
        return value.get(name)
    if isinstance(value, datetime):
        methods: dict[str, Callable[..., Any]] = {
            "Format": lambda layout: go_format_time(value, str(layout)),
            "Year": lambda: value.year,
            "Month": lambda: value.strftime("%B"),
            "Day": lambda: value.day,
            "Unix": lambda: int(value.timestamp()),
            "UTC": lambda: value.astimezone(UTC),
            "String": lambda: _go_time_string(value),
        }
        if name in methods:
            return _Method(methods[name])
    if value is None:
        raise TemplateError(f"{line_info}: nil pointer evaluating interface {{}}.{name}")
    if isinstance(value, (list, tuple, str, int, float, bool)):
        kind = type(value).__name__
        raise TemplateError(f"{line_info}: can't evaluate field {name} in type {kind}")
    if hasattr(value, name):
        return getattr(value, name)
    raise TemplateError(f"{line_info}: can't evaluate field {name}")


# --- functions -------------------------------------------------------------------------------


def _len(value: Any) -> int:
    if value is None:
        raise TemplateError("error calling len: len of nil pointer")
    try:
        return len(value)
    except TypeError:
        raise TemplateError(f"error calling len: len of type {type(value).__name__}") from None


def _index(value: Any, *keys: Any) -> Any:
    for key in keys:
        if isinstance(value, dict):
            value = value.get(key)
        elif isinstance(value, (list, tuple, str)):
            if not isinstance(key, int) or not 0 <= key < len(value):
                raise TemplateError(f"error calling index: index out of range: {key}")
            value = value[key]
        elif value is None:
            raise TemplateError("error calling index: index of untyped nil")
        else:
            raise TemplateError(f"error calling index: can't index item of type {type(value)}")
    return value


def _slice(start: Any, end: Any, items: Any) -> Any:
    """docmgr's ``slice start end list`` (clamped; not Go's built-in argument order)."""
    if not isinstance(items, (list, tuple)):
        return []
    start, end = max(0, int(start)), min(len(items), int(end))
    return list(items[start:end]) if start < end else []


def _dict(*values: Any) -> dict[str, Any]:
    return {
        values[i]: values[i + 1] for i in range(0, len(values) - 1, 2) if isinstance(values[i], str)
    }


def _set(mapping: Any, key: str, value: Any) -> dict[str, Any]:
    target: dict[str, Any] = mapping if isinstance(mapping, dict) else {}
    target[key] = value
    return target


def _get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


def _add1(value: Any) -> int:
    return int(value) + 1 if isinstance(value, (int, float)) and not isinstance(value, bool) else 1


def _count_by(items: Any, value: Any) -> int:
    wanted = go_string(value)
    count = 0
    for item in items or []:
        if isinstance(item, dict):
            if "Severity" in item and go_string(item["Severity"]) == wanted:
                count += 1
            elif "Status" in item and go_string(item["Status"]) == wanted:
                count += 1
        elif go_string(item) == wanted:
            count += 1
    return count


def _sprint(*args: Any) -> str:
    out = ""
    for i, arg in enumerate(args):
        if i and not isinstance(arg, str) and not isinstance(args[i - 1], str):
            out += " "
        out += _go(arg, top=False)
    return out


_VERB = re.compile(r"%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


def go_sprintf(fmt: str, *args: Any) -> str:
    """``fmt.Sprintf`` for the usual verbs: %v %s %d %q %t %f %e %g %x %X %c %%."""
    out: list[str] = []
    pos = 0
    arg_i = 0
    for match in _VERB.finditer(fmt):
        out.append(fmt[pos : match.start()])
        pos = match.end()
        flags, width, prec, verb = match.groups()
        if verb == "%":
            out.append("%")
            continue
        if arg_i >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        arg = args[arg_i]
        arg_i += 1
        if verb in "vs":
            text = _go(arg, top=False) if not isinstance(arg, str) else arg
            if prec is not None and verb == "s":
                text = text[: int(prec)]
        elif verb == "q":
            text = json.dumps(
                go_string(arg) if not isinstance(arg, str) else arg, ensure_ascii=False
            )
        elif verb == "t":
            text = (
                "true"
                if arg is True
                else "false"
                if arg is False
                else f"%!t({_go(arg, top=False)})"
            )
        elif verb == "d":
            if isinstance(arg, bool) or not isinstance(arg, int):
                text = f"%!d({type(arg).__name__}={_go(arg, top=False)})"
            else:
                text = format(arg, ("+" if "+" in flags else "") + "d")
        elif verb in "feEgG":
            try:
                number = float(arg)
            except (TypeError, ValueError):
                text = f"%!{verb}({_go(arg, top=False)})"
            else:
                text = format(number, ("+" if "+" in flags else "") + f".{prec or 6}{verb}")
                if verb in "gG" and prec is None:
                    text = format(number, "g")
        elif verb in "xX":
            if isinstance(arg, int) and not isinstance(arg, bool):
                text = format(arg, verb)
            else:
                text = str(arg).encode().hex()
                text = text.upper() if verb == "X" else text
        elif verb == "c":
            text = chr(arg) if isinstance(arg, int) else f"%!c({arg})"
        else:
            text = f"%!{verb}({_go(arg, top=False)})"
        if width:
            size = int(width)
            if "-" in flags:
                text = text.ljust(size)
            elif "0" in flags and verb in "dfeEgGxX":
                sign = text[0] if text[:1] in "+-" else ""
                text = sign + text[len(sign) :].rjust(size - len(sign), "0")
            else:
                text = text.rjust(size)
        out.append(text)
    out.append(fmt[pos:])
    if arg_i < len(args):
        extra = ", ".join(f"{type(a).__name__}={_go(a, top=False)}" for a in args[arg_i:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def _compare(op: str) -> Callable[..., bool]:
    def check(a: Any, b: Any) -> bool:
        if isinstance(a, bool) != isinstance(b, bool) or (isinstance(a, str) != isinstance(b, str)):
            raise TemplateError(f"error calling {op}: incompatible types for comparison")
        try:
            return bool({"lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b}[op])
        except TypeError:
            raise TemplateError(f"error calling {op}: invalid type for comparison") from None

    return check


def _eq(first: Any, *others: Any) -> bool:
    if not others:
        raise TemplateError("error calling eq: missing argument for comparison")
    return any(first == other for other in others)


FUNCS: dict[str, Callable[..., Any]] = {
    "not": lambda value: not truth(value),
    "len": _len,
    "index": _index,
    "slice": _slice,
    "print": _sprint,
    "printf": lambda fmt, *args: go_sprintf(str(fmt), *args),
    "println": lambda *args: " ".join(_go(a, top=False) for a in args) + "\n",
    "eq": _eq,
    "ne": lambda a, b: a != b,
    "lt": _compare("lt"),
    "le": _compare("le"),
    "gt": _compare("gt"),
    "ge": _compare("ge"),
    "html": lambda *args: html_lib.escape(_sprint(*args), quote=True).replace("&#x27;", "&#39;"),
    "js": lambda *args: json.dumps(_sprint(*args))[1:-1].replace("'", "\\'"),
    "urlquery": lambda *args: urllib.parse.quote_plus(_sprint(*args)),
    "dict": _dict,
    "set": _set,
    "get": _get,
    "add1": _add1,
    "countBy": _count_by,
}
NAMES = set(FUNCS) | {"and", "or", "call"}


# --- execution -------------------------------------------------------------------------------


@dataclass(slots=True)
class Template:
    """A parsed template: its main tree and the ``define``d ones."""

    name: str
    tree: list[Node]
    defines: dict[str, list[Node]]

    def render(self, data: Any) -> str:
        out: list[str] = []
        runner = _Runner(self, out)
        runner.walk(self.tree, data, [("$", data)])
        return "".join(out)


def parse(name: str, source: str) -> Template:
    """Parse ``source``; raise TemplateError like Go's ``template.Parse`` does."""
    parser = _Parser(name, _lex(name, source), NAMES)
    tree = parser.parse()
    return Template(name, tree, parser.defines)


def render(name: str, source: str, data: Any) -> str:
    return parse(name, source).render(data)


class _Runner:
    def __init__(self, template: Template, out: list[str]) -> None:
        self.t = template
        self.out = out
        self.depth = 0

    def where(self, line: int) -> str:
        return f"template: {self.t.name}:{line}"

    def walk(self, nodes: list[Node], dot: Any, scope: list[tuple[str, Any]]) -> None:
        mark = len(scope)
        try:
            for node in nodes:
                self.node(node, dot, scope)
        finally:
            del scope[mark:]

    def node(self, node: Node, dot: Any, scope: list[tuple[str, Any]]) -> None:
        kind = node.kind
        if kind == "text":
            self.out.append(node.text)
        elif kind == "action":
            assert node.pipe is not None
            value = self.pipeline(node.pipe, dot, scope)
            if not node.pipe.decl:
                self.out.append(go_string(value))
        elif kind in ("if", "with"):
            assert node.pipe is not None
            mark = len(scope)
            value = self.pipeline(node.pipe, dot, scope)
            try:
                if truth(value):
                    self.walk(node.body, value if kind == "with" else dot, scope)
                else:
                    self.walk(node.else_body, dot, scope)
            finally:
                del scope[mark:]
        elif kind == "range":
            self.range(node, dot, scope)
        elif kind == "template":
            body = self.t.defines.get(node.name)
            if body is None:
                raise TemplateError(f'{self.where(node.line)}: no such template "{node.name}"')
            self.depth += 1
            if self.depth > 100:
                raise TemplateError(f"{self.where(node.line)}: exceeded maximum template depth")
            value = self.pipeline(node.pipe, dot, scope) if node.pipe else None
            try:
                self.walk(body, value, [("$", value)])
            finally:
                self.depth -= 1
        elif kind in ("break", "continue"):
            raise TemplateLoopControl(kind)

    def range(self, node: Node, dot: Any, scope: list[tuple[str, Any]]) -> None:
        pipe = node.pipe
        assert pipe is not None
        value = self.pipeline(Pipeline([], False, pipe.cmds, pipe.line), dot, scope)
        items: Iterator[tuple[Any, Any]]
        if value is None:
            items = iter(())
        elif isinstance(value, dict):
            items = ((k, value[k]) for k in sorted(value, key=str))
        elif isinstance(value, (list, tuple)):
            items = iter(enumerate(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            items = ((i, i) for i in range(value))
        else:
            raise TemplateError(
                f"{self.where(node.line)}: range can't iterate over {go_string(value)}"
            )
        ran = False
        for key, item in items:
            ran = True
            mark = len(scope)
            if len(pipe.decl) == 1:
                scope.append((pipe.decl[0], item))
            elif len(pipe.decl) == 2:
                scope.append((pipe.decl[0], key))
                scope.append((pipe.decl[1], item))
            try:
                self.walk(node.body, item, scope)
            except TemplateLoopControl as stop:
                if stop.kind == "break":
                    break
            finally:
                del scope[mark:]
        if not ran:
            self.walk(node.else_body, dot, scope)

    def pipeline(self, pipe: Pipeline, dot: Any, scope: list[tuple[str, Any]]) -> Any:
        value: Any = _MISSING
        for cmd in pipe.cmds:
            value = self.command(cmd, dot, scope, value, pipe.line)
        if pipe.decl:
            if pipe.assign:
                for i in range(len(scope) - 1, -1, -1):
                    if scope[i][0] == pipe.decl[0]:
                        scope[i] = (pipe.decl[0], value)
                        break
                else:
                    raise TemplateError(
                        f"{self.where(pipe.line)}: undefined variable: {pipe.decl[0]}"
                    )
            else:
                scope.append((pipe.decl[0], value))
        return value

    def command(
        self, cmd: Stage, dot: Any, scope: list[tuple[str, Any]], piped: Any, line: int
    ) -> Any:
        first = cmd.args[0]
        if first.kind == "ident" and not first.chain:
            return self.call(first.value, cmd.args[1:], dot, scope, piped, line)
        extra = [self.operand(a, dot, scope, line) for a in cmd.args[1:]]
        if piped is not _MISSING:
            extra.append(piped)
        return self.operand(first, dot, scope, line, call_with=extra)

    def call(
        self,
        name: str,
        args: list[Operand],
        dot: Any,
        scope: list[tuple[str, Any]],
        piped: Any,
        line: int,
    ) -> Any:
        if name in ("and", "or"):
            if not args and piped is _MISSING:
                raise TemplateError(f"{self.where(line)}: wrong number of args for {name}")
            result: Any = None
            for arg in args:
                result = self.operand(arg, dot, scope, line)
                if truth(result) == (name == "or"):
                    return result
            return piped if piped is not _MISSING else result
        values = [self.operand(a, dot, scope, line) for a in args]
        if piped is not _MISSING:
            values.append(piped)
        if name == "call":
            if not values or not isinstance(values[0], _Method):
                raise TemplateError(f"{self.where(line)}: error calling call: not a function")
            return values[0].func(*values[1:])
        try:
            return FUNCS[name](*values)
        except TemplateError as exc:
            raise TemplateError(f"{self.where(line)}: {exc}") from None
        except TypeError:
            raise TemplateError(f"{self.where(line)}: wrong number of args for {name}") from None

    def operand(
        self,
        operand: Operand,
        dot: Any,
        scope: list[tuple[str, Any]],
        line: int,
        *,
        call_with: list[Any] | None = None,
    ) -> Any:
        kind = operand.kind
        if kind in ("field", "dot"):
            value = dot
        elif kind == "var":
            for name, found in reversed(scope):
                if name == operand.value:
                    value = found
                    break
            else:
                raise TemplateError(f"{self.where(line)}: undefined variable: {operand.value}")
        elif kind == "pipe":
            value = self.pipeline(operand.value, dot, scope)
        elif kind == "ident":
            value = self.call(operand.value, [], dot, scope, _MISSING, line)
        else:
            value = operand.value
        for i, name in enumerate(operand.chain):
            value = _field(value, name, self.where(line))
            if isinstance(value, _Method):
                args = call_with if i == len(operand.chain) - 1 and call_with else []
                if args is call_with:
                    call_with = None
                try:
                    value = value.func(*args)
                except TypeError:
                    raise TemplateError(
                        f"{self.where(line)}: wrong number of args for {name}"
                    ) from None
        if call_with:
            raise TemplateError(
                f"{self.where(line)}: can't give argument to non-function {_describe(operand)}"
            )
        return value


def _describe(operand: Operand) -> str:
    if operand.kind in ("field", "dot"):
        return "." + ".".join(operand.chain)
    if operand.kind == "var":
        return str(operand.value) + "".join("." + c for c in operand.chain)
    return go_string(operand.value)


def check(name: str, source: str) -> None:
    """Parse only (``template validate``); raise TemplateError on a problem."""
    parse(name, source)
