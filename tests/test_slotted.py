"""The records without @dataclass: the same equality, repr and hashing rules as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from docmgr.errors import Command, Param
from docmgr.model import Doc, DocMeta, Finding, Severity, Ticket
from docmgr.slotted import Slotted


class _Pair(Slotted):
    __slots__ = ("a", "b")

    def __init__(self, a: int, b: list[int]) -> None:
        self.a = a
        self.b = b


class _OtherPair(_Pair):
    __slots__ = ()


def test_equal_fields_of_the_same_class_are_equal() -> None:
    assert _Pair(1, [2]) == _Pair(1, [2])
    assert _Pair(1, [2]) != _Pair(1, [3])
    assert _Pair(1, [2]) != _OtherPair(1, [2])  # like a dataclass: the class counts
    assert _Pair(1, [2]) != (1, [2])


def test_repr_names_every_field_and_records_are_unhashable() -> None:
    assert repr(_Pair(1, [2])) == "_Pair(a=1, b=[2])"
    with pytest.raises(TypeError):
        hash(_Pair(1, [2]))


def test_the_model_records_keep_their_defaults_apart() -> None:
    one, two = DocMeta(), DocMeta()
    one.topics.append("x")  # each record its own lists, as field(default_factory=list) gave
    assert two.topics == [] and one != two
    doc = Doc(Path("a.md"), "a.md", DocMeta(title="A"))
    assert doc == Doc(Path("a.md"), "a.md", DocMeta(title="A"))
    assert Ticket("T-1", doc).others == [] and Ticket("T-1", doc) == Ticket("T-1", doc)
    finding = Finding(issue="x", severity=Severity.ERROR)
    assert (
        finding.extra == {}
        and finding.extra is not Finding(issue="x", severity=Severity.ERROR).extra
    )
    assert repr(finding).startswith("Finding(issue='x', severity=<Severity.ERROR: 'error'>")


def test_params_and_commands_stay_hashable() -> None:
    assert {Param("ticket", "<ID>"): 1}[Param("ticket", "<ID>")] == 1
    assert hash(Command("doc list", ticket="A")) == hash(Command("doc list", ticket="A"))
    assert Command("doc list", ticket="A") != Command("doc list", ticket="B")
