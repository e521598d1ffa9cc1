"""Words in another language laid over a data file or settings typed once in the default language.

A translation gives only the words a reader sees; numbers, ids, rules, links and sources stay in
the default language's file and are shared, so nothing is typed twice and a rule changed in
English changes in every language. An overlay has the same nesting as the file it translates:

- mappings by the same keys;
- lists of mappings that have an ``id``: items matched by ``id``;
- other lists: the same number of items, in the same order.

A text the overlay leaves out is an error, never a silent fallback: a Spanish page must not show
English words dressed as Spanish.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from generator.errors import SiteError
from generator.yaml_loader import LoadedYaml, format_key_path

# Keys whose values are structure shared by every language, never translated words.
DATA_SHARED_KEYS = frozenset(
    {
        "id",
        "key",
        "kind",
        "when",
        "sources",
        "lines",
        "link",
        "page",
        "url",
        "dimension",
        "level",
        "levels",
    }
)


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_not_ids(value: Any) -> bool:
    return not (isinstance(value, list) and all(isinstance(item, str) for item in value))


# Keys that are shared structure for some values and words for others: `when` holds the
# assessment's rules ({home: unsafe}) but the sample week's text ("Your own time"); `link` is an
# address ("get-help-now/") or a mapping with a visible `text`; `levels` is a list of level ids
# in a note, or the assessment's list of levels with their names.
WORDS_WHEN = {
    "when": _is_text,
    "link": lambda value: isinstance(value, dict),
    "levels": _is_not_ids,
}

_MISSING = object()


@dataclass
class OverlayResult:
    """The merged value, and every problem found, each pointing at the overlay's line."""

    value: Any
    errors: list[SiteError] = field(default_factory=list)


@dataclass
class _Walk:
    base: LoadedYaml
    words: LoadedYaml
    shared_keys: frozenset[str]
    # Texts that may stay as they are (a brand name): left out, the original is kept.
    optional_paths: frozenset[tuple]
    errors: list[SiteError] = field(default_factory=list)

    def missing(self, base_path: tuple, words_path: tuple, value: str) -> None:
        line = self.base.line_of(base_path)
        english = " ".join(value.split())
        english = english if len(english) <= 70 else english[:67] + "..."
        self.errors.append(
            SiteError(
                self.words.path,
                f"no translation of '{format_key_path(base_path)}'",
                f"add it under {format_key_path(words_path) or 'the top level'}: the words of "
                f'"{english}" ({self.base.path}, line {line})',
                line=self.words.line_of(words_path),
                key=format_key_path(base_path),
            )
        )

    def wrong(self, words_path: tuple, message: str, fix: str) -> None:
        self.errors.append(self.words.error(words_path, message, fix))

    def merge(self, base: Any, words: Any, base_path: tuple, words_path: tuple) -> Any:
        if isinstance(base, dict):
            return self._merge_mapping(base, words, base_path, words_path)
        if isinstance(base, list):
            return self._merge_list(base, words, base_path, words_path)
        if isinstance(base, str):
            if words is _MISSING:
                if base.strip() and base_path not in self.optional_paths:
                    self.missing(base_path, words_path, base)
                return base
            if not isinstance(words, str):
                self.wrong(words_path, "this should be text", "write the translated words")
                return base
            return words
        if words is not _MISSING:
            self.wrong(
                words_path,
                f"{base!r} is a number or setting, shared by every language",
                "remove it here: change it in the default language's file",
            )
        return base

    def _merge_mapping(self, base: dict, words: Any, base_path: tuple, words_path: tuple) -> dict:
        if words is _MISSING:
            words = {}
        if not isinstance(words, dict):
            self.wrong(
                words_path, "this should be a mapping of keys", "use the same keys as the original"
            )
            words = {}
        for key in words:
            if key not in base:
                close = difflib.get_close_matches(str(key), [str(k) for k in base], n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.wrong(
                    (*words_path, key),
                    f"'{key}' is not in {self.base.path}",
                    f"{hint}an overlay can only translate keys the original has",
                )
        merged = {}
        for key, value in base.items():
            given = words.get(key, _MISSING)
            words_here = key in WORDS_WHEN and WORDS_WHEN[key](value)
            if key in self.shared_keys and not words_here:
                if given is not _MISSING and key != "id" and given != value:
                    self.wrong(
                        (*words_path, key),
                        f"'{key}' is shared by every language",
                        "remove it here: change it in the default language's file",
                    )
                merged[key] = value
                continue
            merged[key] = self.merge(value, given, (*base_path, key), (*words_path, key))
        return merged

    def _merge_list(self, base: list, words: Any, base_path: tuple, words_path: tuple) -> list:
        if words is _MISSING:
            words = None
        elif not isinstance(words, list):
            self.wrong(words_path, "this should be a list", "use the same list as the original")
            words = None
        if base and all(isinstance(item, dict) and "id" in item for item in base):
            return self._merge_by_id(base, words, base_path, words_path)
        if words is not None and len(words) != len(base):
            self.wrong(
                words_path,
                f"this list has {len(words)} items; the original has {len(base)}",
                "give one translated item for each item of the original, in the same order",
            )
        merged = []
        for index, item in enumerate(base):
            given = words[index] if words is not None and index < len(words) else _MISSING
            merged.append(self.merge(item, given, (*base_path, index), (*words_path, index)))
        return merged

    def _merge_by_id(self, base: list, words: list | None, base_path: tuple, words_path: tuple):
        by_id: dict[Any, tuple[int, Any]] = {}
        for index, item in enumerate(words or []):
            if not isinstance(item, dict) or "id" not in item:
                self.wrong(
                    (*words_path, index),
                    "this item has no id",
                    "give the id of the item it translates, e.g. `- id: crisis`",
                )
                continue
            by_id[item["id"]] = (index, item)
        ids = [item["id"] for item in base]
        for item_id, (index, _) in by_id.items():
            if item_id not in ids:
                self.wrong(
                    (*words_path, index, "id"),
                    f"there is no item with id '{item_id}' in {self.base.path}",
                    "use an id the original has, or remove this item",
                )
        merged = []
        for base_index, item in enumerate(base):
            index, given = by_id.get(item["id"], (None, _MISSING))
            path = (*words_path, index) if index is not None else words_path
            merged.append(self.merge(item, given, (*base_path, base_index), path))
        return merged


def overlay_words(
    base: LoadedYaml,
    words: LoadedYaml,
    shared_keys: frozenset[str] = DATA_SHARED_KEYS,
    optional_paths: frozenset[tuple] = frozenset(),
    start: tuple = (),
) -> OverlayResult:
    """``base``'s data (from ``start``) with every text replaced by the one ``words`` gives."""
    walk = _Walk(base, words, shared_keys, optional_paths)
    base_value = base.data
    for part in start:
        base_value = base_value[part]
    given = words.data if words.data is not None else _MISSING
    value = walk.merge(base_value, given, start, ())
    return OverlayResult(value, walk.errors)


def part_of(loaded: LoadedYaml, prefix: tuple) -> LoadedYaml:
    """The value at ``prefix`` of a file, as a file of its own with the same line numbers."""
    value = loaded.data
    for part in prefix:
        value = value[part]
    size = len(prefix)
    lines = {path[size:]: line for path, line in loaded.lines.items() if path[:size] == prefix}
    return LoadedYaml(data=value, path=loaded.path, lines=lines, line_offset=loaded.line_offset)
