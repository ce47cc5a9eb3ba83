"""JSON Schema from type hints: the OpenAPI components of the shapes the API serves.

The shapes are declared once, as TypedDicts (indexer/records.py for the
stored records, serialize.py for the API's own JSON) or dataclasses, and the
OpenAPI document is generated from those declarations, so it cannot drift
from them. What a hint cannot say (a Danish description, a date format, a
minimum) rides along in `Annotated[..., Doc(...)]`, or for a dataclass that
the indexer owns, in a field → description dict given at registration.

Every object is closed (`additionalProperties: false`): a key the declaration
lacks fails the contract tests instead of passing unnoticed.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal, NotRequired, Required, Union, get_args, get_origin, get_type_hints

from indexer.records import Doc

SIMPLE = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
# keys a schema may have and still be merged with others into one {"type": [..]}
MERGEABLE = {"type", "format", "minimum", "enum", "description"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def component_name(shape: type) -> str:
    """HitJSON → Hit, SectionRecord → Section: the API names a shape, not where it is declared."""
    name = shape.__name__
    for suffix in ("JSON", "Record"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def is_shape(hint: Any) -> bool:
    return isinstance(hint, type) and (typing.is_typeddict(hint) or dataclasses.is_dataclass(hint))


class Components:
    """The named schemas of an OpenAPI document, filled as shapes are referenced."""

    def __init__(self) -> None:
        self.schemas: dict[str, dict[str, Any]] = {}
        self._named: dict[str, type] = {}
        self._descriptions: dict[type, Mapping[str, str | dict[str, Any]]] = {}

    def add(self, shape: type, *, name: str | None = None, description: str | None = None,
            fields: Mapping[str, str | dict[str, Any]] | None = None) -> dict[str, str]:
        """Register `shape` as a component and return its $ref. `fields` say
        what a dataclass's fields cannot (they carry no `Annotated`): a
        description, or schema keywords such as an enum."""
        name = name or component_name(shape)
        known = self._named.get(name)
        if known is not None and known is not shape:
            raise ValueError(f"two shapes named {name}: {known.__qualname__} and {shape.__qualname__}")
        if fields:
            self._descriptions[shape] = fields
        if known is None:
            self._named[name] = shape
            self.schemas[name] = {}  # a placeholder: a shape may refer to itself
            schema = self.object(shape)
            if description:
                schema = {"description": description, **schema}
            self.schemas[name] = schema
        return ref(name)

    def object(self, shape: type) -> dict[str, Any]:
        """The closed object schema of a TypedDict or a dataclass (every field of
        a dataclass is serialised, so all are required)."""
        hints = get_type_hints(shape, include_extras=True)
        if dataclasses.is_dataclass(shape):
            names = [f.name for f in dataclasses.fields(shape)]
            required = set(names)
        else:
            names = list(hints)
            # read from the hints, not __required_keys__: with postponed
            # annotations (from __future__) Python 3.11 cannot see NotRequired
            total = getattr(shape, "__total__", True)
            required = {key for key, hint in hints.items()
                        if get_origin(hint) is Required or (total and get_origin(hint) is not NotRequired)}
        described = self._descriptions.get(shape, {})
        properties = {}
        for key in names:
            schema = self.schema(hints[key])
            if key in described:
                extra = described[key]
                schema = {**schema, **(extra if isinstance(extra, dict) else {"description": extra})}
            properties[key] = schema
        return {
            "type": "object",
            "required": [key for key in properties if key in required],
            "properties": properties,
            "additionalProperties": False,
        }

    def schema(self, hint: Any) -> dict[str, Any]:
        """The JSON Schema of one type hint."""
        origin, args = get_origin(hint), get_args(hint)
        if origin is Annotated:
            return _with_doc(self.schema(args[0]), [m for m in hint.__metadata__ if isinstance(m, Doc)])
        if origin in (Required, NotRequired):
            return self.schema(args[0])
        if hint is Any:
            return {}
        if hint in SIMPLE:
            return {"type": SIMPLE[hint]}
        if origin is Literal:
            return {"type": _types(sorted({SIMPLE[type(value)] for value in args})), "enum": list(args)}
        if origin in (Union, types.UnionType):
            return _union([self.schema(arg) for arg in args])
        if origin in (list, tuple, set, frozenset):
            if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
                raise TypeError(f"only homogeneous tuples become arrays: {hint}")
            return {"type": "array", "items": self.schema(args[0])}
        if origin in (dict, Mapping):
            return {"type": "object", "additionalProperties": self.schema(args[1])}
        if is_shape(hint):
            return self.add(hint)
        raise TypeError(f"no JSON Schema for {hint!r}")


def _types(names: list[str]) -> str | list[str]:
    return names[0] if len(names) == 1 else names


def _with_doc(schema: dict[str, Any], docs: list[Doc]) -> dict[str, Any]:
    """A schema with the keywords of its `Doc`s; on a $ref they go beside it (OpenAPI 3.1)."""
    extra: dict[str, Any] = {}
    for doc in docs:
        if doc.text:
            extra["description"] = doc.text
        if doc.format:
            extra["format"] = doc.format
        if doc.minimum is not None:
            extra["minimum"] = doc.minimum
    if "anyOf" in schema and any(k in extra for k in ("format", "minimum")):
        # keywords for the non-null member: IsoDate | None is {"type": ["string", "null"], "format": "date"}
        schema = {**schema, "anyOf": [m if m.get("type") == "null" else {**m, **extra} for m in schema["anyOf"]]}
        extra = {k: v for k, v in extra.items() if k == "description"}
    return {**schema, **extra}


def _union(members: list[dict[str, Any]]) -> dict[str, Any]:
    """`A | B`: one {"type": [..]} when the members are plain types, else anyOf."""
    if all(m.keys() <= MERGEABLE and "type" in m and "enum" not in m for m in members):
        merged: dict[str, Any] = {}
        names: list[str] = []
        for member in members:
            for name in (member["type"] if isinstance(member["type"], list) else [member["type"]]):
                if name not in names:
                    names.append(name)
            merged.update({k: v for k, v in member.items() if k != "type"})
        return {"type": _types(names), **merged}
    if all(m.keys() <= MERGEABLE and ("enum" in m or m.get("type") == "null") for m in members):  # Literal | None
        names, values = [], []
        for member in members:
            for name in (member["type"] if isinstance(member["type"], list) else [member["type"]]):
                if name not in names:
                    names.append(name)
            values += member.get("enum", [None] if member["type"] == "null" else [])
        return {"type": _types(names), "enum": values}
    return {"anyOf": members}
