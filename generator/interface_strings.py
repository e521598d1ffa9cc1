"""Interface text of our templates, one file per language: ``templates/strings/<code>.yml``.

The crisis strip, review footer, notices, self-assessment controls, 404 page and "How this tool
decides" are written once, as templates, and take their words from here (``{{ strings.key }}``),
so a language is added by adding a file, never by copying a template. The default language's
file is the reference: every other file must have exactly its keys.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from generator.errors import SiteError, display_path
from generator.yaml_loader import LoadedYaml, UnreadableFileError, load_yaml_text, read_text_file

STRINGS_FOLDER = "strings"


class InterfaceStrings(dict):
    """A language's strings, for templates. An unknown key stops the build naming the file,
    instead of printing nothing where a button's label should be."""

    def __init__(self, values: dict[str, str], shown: str) -> None:
        super().__init__(values)
        self.shown = shown

    def __missing__(self, key: str) -> Any:
        close = difflib.get_close_matches(str(key), list(self), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        # Not a LookupError: Jinja would turn that into an empty string.
        raise jinja2.TemplateRuntimeError(
            f"{self.shown} has no string '{key}'{hint}: add `{key}: ...` to it"
        )


def _load(path: Path, project_root: Path) -> tuple[LoadedYaml | None, list[SiteError]]:
    shown = display_path(path, project_root)
    if not path.is_file():
        return None, [
            SiteError(
                shown,
                "this language has no strings file",
                f"copy templates/{STRINGS_FOLDER}/ of the default language to {path.name} and "
                "translate each value",
            )
        ]
    try:
        loaded = load_yaml_text(read_text_file(str(path), shown), shown)
    except UnreadableFileError as exc:
        return None, [exc.error]
    if not isinstance(loaded.data, dict):
        return None, [
            SiteError(
                shown,
                "the file is not a mapping of keys to text",
                "write `key: text` lines",
                line=1,
            )
        ]
    errors = [
        loaded.error((key,), f"'{key}' should be text", "write the words, in quotes if need be")
        for key, value in loaded.data.items()
        if not isinstance(value, str)
    ]
    months = loaded.data.get("date_months")
    count = len(month_names(months)) if isinstance(months, str) else 12
    if count != 12:
        errors.append(
            loaded.error(
                ("date_months",),
                f"'date_months' lists {count} months, not 12",
                "write the 12 months' names, January first, separated by commas",
            )
        )
    return loaded, errors


def load_interface_strings(
    templates_dir: Path, language: str, default_language: str, project_root: Path
) -> tuple[InterfaceStrings, list[SiteError]]:
    """The strings of ``language``, checked key by key against the default language's file."""
    folder = templates_dir / STRINGS_FOLDER
    reference, errors = _load(folder / f"{default_language}.yml", project_root)
    if language == default_language or reference is None:
        values = reference.data if reference is not None else {}
        shown = reference.path if reference is not None else f"{folder}/{language}.yml"
        return InterfaceStrings(values, shown), errors
    loaded, own_errors = _load(folder / f"{language}.yml", project_root)
    errors += own_errors
    if loaded is None:
        return InterfaceStrings(reference.data, reference.path), errors
    for key, english in reference.data.items():
        if key not in loaded.data:
            errors.append(
                SiteError(
                    loaded.path,
                    f"the string '{key}' is missing",
                    f'add `{key}: ...` with the words of "{english}" '
                    f"({reference.path}, line {reference.line_of((key,))})",
                    line=len(read_text_file_lines(project_root / loaded.path)) or None,
                    key=key,
                )
            )
    for key in loaded.data:
        if key not in reference.data:
            close = difflib.get_close_matches(str(key), list(reference.data), n=1)
            errors.append(
                loaded.error(
                    (key,),
                    f"'{key}' is not a string of {reference.path}",
                    f"did you mean '{close[0]}'?" if close else "remove it, or add it there first",
                )
            )
    return InterfaceStrings(loaded.data, loaded.path), errors


def read_text_file_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def month_names(date_months: str) -> list[str]:
    """The names in a strings file's ``date_months``: one reading for the check and the filter."""
    return [name.strip() for name in date_months.split(",")]


def long_date(day: datetime.date, strings: Mapping[str, str]) -> str:
    """A date in words, in the strings' language: ``date_long`` with its {month}, {day} and
    {year} filled in (strftime's %B would always print English month names).

    A filter rather than a template macro: the page footer shows four dates on every page, and
    a macro imported ``with context`` is run afresh on each page that imports it. The strings
    file's check (``_load``) makes sure ``date_months`` lists 12 months, once a build, and a
    build stops on that check's errors before any page renders."""
    return (
        strings["date_long"]
        .replace("{month}", month_names(strings["date_months"])[day.month - 1])
        .replace("{day}", str(day.day))
        .replace("{year}", str(day.year))
    )
