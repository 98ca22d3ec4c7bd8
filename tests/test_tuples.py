"""docmgr's NamedTuple behaves as typing.NamedTuple does, for what the code asks of it."""

from __future__ import annotations

import copy
import pickle
import re
import typing
from pathlib import Path
from typing import Any

import pytest

from docmgr import tuples


class Ours(tuples.NamedTuple):
    """A row."""

    name: str
    size: int
    tags: list[str] = []
    note: str = ""

    def label(self) -> str:
        return f"{self.name}:{self.size}"


class Theirs(typing.NamedTuple):
    """A row."""

    name: str
    size: int
    tags: list[str] = []
    note: str = ""

    def label(self) -> str:
        return f"{self.name}:{self.size}"


CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("a", 1), {}),
    (("a", 1, ["x"], "n"), {}),
    (("a",), {"size": 2}),
    ((), {"name": "a", "size": 3, "note": "k"}),
    (("a", 1), {"note": "only the last"}),
]

BAD_CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("a",), {}),
    ((), {"size": 1}),
    (("a", 1, [], "", "extra"), {}),
    (("a", 1), {"name": "twice"}),
    (("a", 1), {"colour": "red"}),
]


@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_made_and_read_alike(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    ours, theirs = Ours(*args, **kwargs), Theirs(*args, **kwargs)
    assert tuple(ours) == tuple(theirs) and ours == tuple(theirs)
    assert (ours.name, ours.size, ours.tags, ours.note) == tuple(theirs)
    assert repr(ours) == repr(theirs).replace("Theirs", "Ours")
    assert ours._asdict() == theirs._asdict()
    assert tuple(ours._replace(size=9)) == tuple(theirs._replace(size=9))
    assert Ours._make(list(theirs)) == ours
    assert ours.label() == theirs.label()
    name, size, *_rest = ours
    assert (name, size) == (theirs.name, theirs.size)
    assert isinstance(ours, tuple) and type(ours._replace()) is Ours


@pytest.mark.parametrize(("args", "kwargs"), BAD_CALLS)
def test_refused_alike(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        Theirs(*args, **kwargs)
    with pytest.raises(TypeError):
        Ours(*args, **kwargs)


def test_the_class_says_what_it_holds() -> None:
    assert Ours._fields == Theirs._fields == ("name", "size", "tags", "note")
    assert Ours._field_defaults == Theirs._field_defaults
    assert Ours.__match_args__ == Theirs.__match_args__
    assert Ours.__doc__ == "A row." and Ours.__module__ == __name__
    assert Ours.__qualname__ == "Ours" and list(Ours.__annotations__) == list(Theirs._fields)
    assert hash(Ours("a", 1, (), "")) == hash(Theirs("a", 1, (), ""))  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        Ours("a", 1).name = "b"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Ours("a", 1).other = 1  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="unexpected field names"):
        Ours("a", 1)._replace(colour="red")  # type: ignore[call-arg]


def test_pickled_copied_and_matched() -> None:
    row = Ours("a", 1, ["t"], "n")
    assert pickle.loads(pickle.dumps(row)) == row
    assert type(pickle.loads(pickle.dumps(row))) is Ours
    assert copy.deepcopy(row) == row and copy.copy(row) is not None
    match row:
        case Ours(name, size):
            assert (name, size) == ("a", 1)
        case _:
            pytest.fail("no match")


def test_badly_ordered_defaults_are_refused() -> None:
    with pytest.raises(TypeError, match="default"):

        class Bad(tuples.NamedTuple):
            first: str = ""
            second: int  # type: ignore[misc]


def test_docmgr_makes_its_named_tuples_here() -> None:
    package = Path(tuples.__file__).parent
    typing_ones = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path.name != "tuples.py"
        and re.search(
            r"^from typing import [^\n]*\bNamedTuple\b|namedtuple\(", path.read_text(), re.M
        )
    ]
    assert typing_ones == []  # use docmgr.tuples.NamedTuple: see its docstring
