"""The shape of a verb template's data, as printed by ``--print-template-schema`` (spec §5.23).

``{"type": "object", "properties": {…}}`` for maps, ``{"type": "array", "items": …}`` for
lists (the items of the first element, or ``any`` when empty), and ``string``, ``integer``,
``number``, ``boolean``, ``null`` or ``any`` for scalars; times are ``string`` with
``format: date-time``. Keys come out sorted, as Go's encoders print maps.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any


def schema(value: Any) -> dict[str, Any]:
    """Describe ``value`` (plain data: dicts, lists, scalars, datetimes)."""
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, datetime):
        return {"type": "string", "format": "date-time"}
    if isinstance(value, dict):
        return {
            "type": "object",
            "properties": {str(k): schema(v) for k, v in sorted(value.items(), key=str)},
        }
    if isinstance(value, (list, tuple)):
        return {"type": "array", "items": schema(value[0]) if value else {"type": "any"}}
    return {"type": "any"}


def render(value: Any, fmt: str = "json") -> str:
    """The schema of ``value`` as indented JSON, or YAML with ``fmt`` ``yaml``/``yml``."""
    described = schema(value)
    if fmt in ("yaml", "yml"):
        import yaml

        return str(yaml.safe_dump(described, sort_keys=True, indent=4, default_flow_style=False))
    return json.dumps(described, indent=2, sort_keys=True) + "\n"
