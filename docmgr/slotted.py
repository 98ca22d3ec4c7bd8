"""Plain records: equality and repr worked out from ``__slots__``.

What ``@dataclass`` would generate, without its cost: a dataclass compiles its generated
methods every time its module is imported (about 1 ms a class on the bench machine), and the
records every command imports at start-up (``model``, ``errors``) would pay it on each run.
A subclass lists its fields in ``__slots__`` and writes its own ``__init__``.
"""

from __future__ import annotations


class Slotted:
    """Equal when of the same class with equal fields; ``Name(field=value, …)`` as repr.

    Unhashable (defining ``__eq__`` sets ``__hash__`` to None), like a dataclass with
    ``eq=True``; a subclass that is never changed may define ``__hash__``.
    """

    __slots__: tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__)
        return f"{type(self).__name__}({inner})"
