"""``NamedTuple`` classes without their start-up cost.

Written and type-checked exactly like ``typing.NamedTuple`` (``class Row(NamedTuple):``,
annotated fields, trailing defaults, methods). At run time the class is made here instead:
``typing.NamedTuple`` turns each field's annotation into a ``ForwardRef`` (compiling it) and
``collections.namedtuple`` compiles a ``__new__`` with ``exec``, about 1.5 M instructions a
class; a warm ``search`` made 25 of them before it read a row. This one builds the same
tuple subclass from the class body: ``_fields``, ``_field_defaults``, ``_make``,
``_replace``, ``_asdict``, the ``repr``, pickling and ``match`` positions, with the fields
read through the same C accessors ``collections.namedtuple`` uses, and a ``__new__`` that is
a precompiled template of the class's arity with its arguments renamed (so arguments are
bound as fast as a namedtuple's; only a class of more than 16 fields compiles a template).

Not supported (none is used here): a NamedTuple subclassing another, generic NamedTuples.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    from _collections import _tuplegetter
    from types import FunctionType

    _tuple_new = tuple.__new__

    # What collections.namedtuple compiles per class, written once per arity: a class's
    # __new__ is the template of its arity with the arguments renamed to its fields, so
    # CPython binds positional, keyword and default arguments as fast as for a namedtuple.
    def _n1(_cls, _0):
        return _tuple_new(_cls, (_0,))

    def _n2(_cls, _0, _1):
        return _tuple_new(_cls, (_0, _1))

    def _n3(_cls, _0, _1, _2):
        return _tuple_new(_cls, (_0, _1, _2))

    def _n4(_cls, _0, _1, _2, _3):
        return _tuple_new(_cls, (_0, _1, _2, _3))

    def _n5(_cls, _0, _1, _2, _3, _4):
        return _tuple_new(_cls, (_0, _1, _2, _3, _4))

    def _n6(_cls, _0, _1, _2, _3, _4, _5):
        return _tuple_new(_cls, (_0, _1, _2, _3, _4, _5))

    def _n7(_cls, _0, _1, _2, _3, _4, _5, _6):
        return _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6))

    def _n8(_cls, _0, _1, _2, _3, _4, _5, _6, _7):
        return _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7))

    def _n9(_cls, _0, _1, _2, _3, _4, _5, _6, _7, _8):
        return _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8))

    def _n10(_cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9):
        return _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9))

    def _n11(_cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10):
        return _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10))

    def _n12(_cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11):
        return _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11))

    def _n13(_cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12):
        return _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12))

    def _n14(_cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13):
        return _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13))

    def _n15(_cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14):
        return _tuple_new(_cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14))

    def _n16(_cls, _0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15):
        return _tuple_new(
            _cls, (_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15)
        )

    _BY_ARITY = {
        template.__code__.co_argcount - 1: template
        for template in (_n1, _n2, _n3, _n4, _n5, _n6, _n7, _n8)
        + (_n9, _n10, _n11, _n12, _n13, _n14, _n15, _n16)
    }

    class _Maker(type):
        def __new__(mcls, name, bases, ns):  # noqa: N804 (a metaclass's first argument)
            if ns.get("_root"):
                return super().__new__(mcls, name, bases, ns)
            if bases != (NamedTuple,):
                raise TypeError(f"{name}: a NamedTuple here subclasses NamedTuple only")
            fields = tuple(ns.get("__annotations__", {}))
            defaults = {f: ns.pop(f) for f in fields if f in ns}
            if list(defaults) != list(fields[len(fields) - len(defaults) :]):
                raise TypeError(f"{name}: fields without a default follow one with a default")
            body = dict(ns)
            body.update(_methods(name, fields, defaults))
            for index, field in enumerate(fields):
                body[field] = _tuplegetter(index, f"Alias for field number {index}")
            body["__slots__"] = ()
            return type.__new__(type, name, (tuple,), body)

    def _constructor(name, fields, defaults):
        """``__new__(cls, <fields>)``: a template of the same arity, its arguments renamed."""
        template = _BY_ARITY.get(len(fields)) or _compiled(len(fields))
        code = template.__code__.replace(
            co_varnames=("_cls", *fields), co_name="__new__", co_qualname=f"{name}.__new__"
        )
        made = FunctionType(code, template.__globals__, "__new__", tuple(defaults.values()) or None)
        made.__qualname__ = f"{name}.__new__"
        return made

    def _compiled(count):
        """A template for a class with more fields than the written ones (compiled, once)."""
        names = ", ".join(f"_{i}" for i in range(count))
        source = f"def _new(_cls, {names}):\n    return _tuple_new(_cls, ({names},))\n"
        space = {}
        exec(source, globals(), space)  # noqa: S102 (fixed text: only the arity varies)
        _BY_ARITY[count] = space["_new"]
        return space["_new"]

    def _methods(name, fields, defaults):
        count = len(fields)

        def _make(cls, iterable):
            result = _tuple_new(cls, iterable)
            if len(result) != count:
                raise TypeError(f"Expected {count} arguments, got {len(result)}")
            return result

        def _replace(self, /, **changes):
            result = self._make(map(changes.pop, fields, self))
            if changes:
                raise ValueError(f"Got unexpected field names: {list(changes)!r}")
            return result

        def __repr__(self):
            inner = ", ".join(
                f"{field}={value!r}" for field, value in zip(fields, self, strict=True)
            )
            return f"{self.__class__.__name__}({inner})"

        def _asdict(self):
            return dict(zip(fields, self, strict=True))

        def __getnewargs__(self):
            return tuple(self)

        return {
            "__new__": _constructor(name, fields, defaults),
            "_make": classmethod(_make),
            "_replace": _replace,
            "__repr__": __repr__,
            "_asdict": _asdict,
            "__getnewargs__": __getnewargs__,
            "_fields": fields,
            "_field_defaults": dict(defaults),
            "__match_args__": fields,
        }

    class NamedTuple(metaclass=_Maker):
        _root = True
