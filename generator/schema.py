"""A tiny declarative schema for YAML, checked against the parsed file so errors keep their lines.

MkDocs' own config options cannot point at a line and stop at the first unknown key; editors need
every typo in one run, each with its line and a suggestion. The same schema objects describe
``site-config.yml``, page front matter and data files.
"""

from __future__ import annotations

import datetime
import difflib
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.errors import SiteError
from generator.yaml_loader import KeyPath, LoadedYaml

_TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    datetime.date: "a date (YYYY-MM-DD)",
    list: "a list",
    dict: "a mapping of keys to values",
}


@dataclass(frozen=True)
class Field:
    """One value in a YAML document: its type, whether it is required, and what it means.

    ``keys`` describes a mapping's children (unknown keys are errors unless ``open``);
    ``items`` describes a list's items; ``check`` adds a rule that types cannot express
    and returns a problem and a fix (and optionally the key, inside this value, to point at), or
    None.
    """

    kind: type | tuple[type, ...]
    doc: str = ""
    required: bool = True
    keys: Mapping[str, Field] | None = None
    items: Field | None = None
    open: bool = False
    example: str = ""
    check: Callable[[Any], tuple[str, ...] | None] | None = None
    forbidden: Mapping[str, str] = field(default_factory=dict)
    # The only values allowed (a fixed set such as a week day's `kind`); empty means any value.
    choices: tuple[Any, ...] = ()

    @functools.cached_property
    def required_keys(self) -> tuple[str, ...]:
        """The keys of ``keys`` that are required, in order (worked out once, not per value)."""
        return tuple(key for key, child in (self.keys or {}).items() if child.required)


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)


def _is_instance(value: Any, kind: type | tuple[type, ...]) -> bool:
    if type(value) is kind:  # nearly every value: checked on every page's front matter
        return True
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for k in kinds:
        if k is datetime.date:
            # YAML reads 2025-03-02 as a date; a datetime would carry a clock time we never use.
            if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
                return True
        elif k in (int, float):
            is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if is_number and (k is float or isinstance(value, int)):
                return True
        elif isinstance(value, k):
            return True
    return False


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate(loaded: LoadedYaml, schema: Field, key_path: KeyPath = ()) -> list[SiteError]:
    """Every way ``loaded.data`` (or the part at ``key_path``) breaks ``schema``."""
    value: Any = loaded.data
    for part in key_path:
        value = value[part]
    return _validate_value(loaded, schema, value, key_path)


def _validate_value(
    loaded: LoadedYaml, schema: Field, value: Any, key_path: KeyPath
) -> list[SiteError]:
    if not _is_instance(value, schema.kind):
        fix = f"write {_type_name(schema.kind)} here"
        if schema.example:
            fix += f", for example: {schema.example}"
        return [
            loaded.error(
                key_path,
                f"expected {_type_name(schema.kind)}, found {_describe(value)}",
                fix,
            )
        ]
    if schema.choices and value not in schema.choices:
        allowed = ", ".join(str(choice) for choice in schema.choices)
        close = difflib.get_close_matches(str(value), [str(c) for c in schema.choices], n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return [
            loaded.error(key_path, f"'{value}' is not allowed here", f"{hint}use one of: {allowed}")
        ]
    errors: list[SiteError] = []
    if isinstance(value, dict) and schema.keys is not None:
        errors.extend(_validate_mapping(loaded, schema, value, key_path))
    if isinstance(value, list) and schema.items is not None:
        for index, item in enumerate(value):
            errors.extend(_validate_value(loaded, schema.items, item, (*key_path, index)))
    if schema.check is not None and not errors:
        problem = schema.check(value)
        if problem is not None:
            at = (*key_path, *problem[2:])
            errors.append(loaded.error(at, problem[0], problem[1]))
    return errors


def _validate_mapping(
    loaded: LoadedYaml, schema: Field, value: dict, key_path: KeyPath
) -> list[SiteError]:
    assert schema.keys is not None
    errors: list[SiteError] = []
    # A misspelt required key is one mistake, not two: its "unknown key" error names the key it
    # should be, and the "missing required key" error that would follow is left out.
    missing = [key for key in schema.required_keys if key not in value]
    explained: set[str] = set()
    for key, item in value.items():
        child_path = (*key_path, key)
        if key in schema.forbidden:
            errors.append(
                loaded.error(child_path, f"'{key}' is not allowed here", schema.forbidden[key])
            )
        elif key in schema.keys:
            errors.extend(_validate_value(loaded, schema.keys[key], item, child_path))
        elif not schema.open:
            meant = difflib.get_close_matches(str(key), missing, n=1)
            if meant and meant[0] not in explained:
                explained.add(meant[0])
                errors.append(_misspelt_required_key(loaded, child_path, key, meant[0]))
            else:
                errors.append(_unknown_key(loaded, child_path, key, schema))
    for key in missing:
        if key not in explained:
            child = schema.keys[key]
            what = f" ({child.doc})" if child.doc else ""
            example = f", for example `{key}: {child.example}`" if child.example else ""
            errors.append(
                loaded.error(
                    (*key_path, key),
                    f"missing required key '{key}'{what}",
                    f"add '{key}' under '{'.'.join(map(str, key_path)) or 'the top level'}'"
                    f"{example}",
                )
            )
    return errors


def _misspelt_required_key(
    loaded: LoadedYaml, key_path: KeyPath, key: Any, meant: str
) -> SiteError:
    return loaded.error(
        key_path,
        f"unknown key '{key}' (and the required key '{meant}' is missing)",
        f"did you mean '{meant}'? Rename '{key}' to '{meant}'",
    )


def _unknown_key(loaded: LoadedYaml, key_path: KeyPath, key: Any, schema: Field) -> SiteError:
    assert schema.keys is not None
    known = sorted(schema.keys)
    close = difflib.get_close_matches(str(key), known, n=1)
    if close:
        fix = f"did you mean '{close[0]}'? Known keys here: {', '.join(known)}"
    else:
        fix = f"remove it, or use one of the known keys: {', '.join(known)}"
    return loaded.error(key_path, f"unknown key '{key}'", fix)
