"""Which pages and data files quote a value: `iop-guide check --uses levels.iop.hours_min`.

Before changing a fact (the IOP's minimum hours, the program's days), an editor wants to know
where it shows. Searching for the text misses uses through a bigger value
(``data_table(data.levels.levels, ...)``, ``{% set week = data.week %}``), so the pages are read
with Jinja's parser, the same way they are rendered, and each expression is compared with the
value asked about.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2

from generator.template_errors import expression_chains


@dataclass(frozen=True)
class Use:
    """One place that quotes the value, or a value that contains it (``whole``)."""

    path: str
    line: int
    expression: str
    source_line: str
    contains: bool = False  # the expression is a bigger value that holds the one asked about

    def format(self) -> str:
        note = " (all of it, which includes the value)" if self.contains else ""
        quoted = f"\n    {self.line} | {self.source_line.strip()}"
        return f"{self.path}:{self.line}: {self.expression}{note}{quoted}"


def dotted(chain: Iterable[Any]) -> str:
    text = ""
    for part in chain:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


def _lookup(value: Any, chain: list[Any]) -> bool:
    for part in chain:
        in_mapping = isinstance(value, Mapping) and part in value
        in_list = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if not (in_mapping or in_list):
            return False
        value = value[part]
    return True


def _parts(query: str) -> list[Any]:
    parts: list[Any] = []
    for part in query.replace("[", ".").replace("]", "").split("."):
        if part:
            parts.append(int(part) if part.isdigit() else part)
    return parts


def _all_paths(value: Any, prefix: list[Any], depth: int = 6) -> Iterable[str]:
    if depth == 0:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            path = [*prefix, key]
            yield dotted(path)
            yield from _all_paths(item, path, depth - 1)


def resolve_value(query: str, context: Mapping[str, Any]) -> tuple[list[Any] | None, str]:
    """The full name of the value (``data.levels.levels.iop.hours_min``), or None and a hint.

    ``levels.iop.hours_min`` finds the key in a data file without its file and ``data.``
    prefix, as long as one file has it."""
    parts = _parts(query)
    if not parts:
        return None, "name a value, for example levels.iop.hours_min or program.days_per_week"
    data = context.get("data", {})
    candidates = [parts, ["data", *parts]]
    candidates += [["data", stem, *parts] for stem in data]
    for candidate in candidates:
        if _lookup(context, candidate):
            return candidate, ""
    known = sorted(set(_all_paths(context, [])))
    close = difflib.get_close_matches(query, known, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return None, hint or "name a value from site-config.yml's extra or a file in content/data/"


def find_uses(
    env: jinja2.Environment, files: Iterable[tuple[str, str]], target: list[Any]
) -> list[Use]:
    """Every expression in ``files`` ((shown path, text) pairs) that is ``target``, a part of
    it, or a bigger value holding it."""
    uses: list[Use] = []
    for shown, text in files:
        try:
            tree = env.parse(text)
        except jinja2.TemplateSyntaxError:
            continue  # `iop-guide check` reports it
        lines = text.splitlines()
        for chain, line in expression_chains(tree):
            if len(chain) < 2 and chain != target:
                continue
            shorter = min(len(chain), len(target))
            if chain[:shorter] != target[:shorter]:
                continue
            source_line = lines[line - 1] if 0 < line <= len(lines) else ""
            if shown.endswith((".yml", ".yaml")) and source_line.lstrip().startswith("#"):
                continue  # a YAML comment that shows how to quote the value, not a use
            uses.append(
                Use(shown, line, dotted(chain), source_line, contains=len(chain) < len(target))
            )
    return sorted(set(uses), key=lambda use: (use.path, use.line, use.expression))
