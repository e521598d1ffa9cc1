"""The schemas of the data files in ``content/data/``, and the facts that span two of them.

A data fact is quoted on many pages, so a slip in one ("hours_min: 9O") would be published many
times over. Each file is declared here with ``generator.schema`` fields, as ``site-config.yml``
is, so a wrong type, a misspelt key or a value outside its set is an error at its own line.
"""

from __future__ import annotations

import re
from typing import Any

from generator.errors import SiteError
from generator.schema import Field, validate
from generator.yaml_loader import LoadedYaml

_TEXT = Field(str)


def _not_negative(value: float) -> tuple[str, str] | None:
    if value < 0:
        return (f"{value} is less than 0", "write 0 or more")
    return None


def _not_blank(value: str) -> tuple[str, str] | None:
    if not value.strip():
        return ("this text is empty", "write the text, or remove the key")
    return None


_HOURS = Field(int, required=False, check=_not_negative, example="9")
_CELL = Field((str, int, float), doc="a cell of the comparison table")
_COLUMN = Field(
    dict,
    keys={
        "key": Field(str, doc="the key every level gives this column's value under"),
        "heading": Field(str, doc="the column's heading"),
    },
)

# Keys a level may have besides its table columns; pages quote the numbers.
LEVEL_KEYS: dict[str, Field] = {
    "name": Field(str, required=False, check=_not_blank, doc="the level's name"),
    "hours_min": _HOURS,
    "hours_max": _HOURS,
    "hours_min_teens": _HOURS,
    "hours_max_teens": _HOURS,
    # Medicare's IOP care plan asks for at least this many hours a week: a fact of its own,
    # equal today to the ASAM minimum but set by a different body.
    "medicare_hours_min": _HOURS,
    "asam": Field(str, required=False, doc="the level in the ASAM Criteria, 3rd edition"),
    "asam_2023": Field(
        str, required=False, doc="the level's number and name in the ASAM Criteria, 2023 edition"
    ),
}

LEVELS = Field(
    dict,
    keys={
        "columns": Field(list, items=_COLUMN, doc="the comparison table's columns, in order"),
        "levels": Field(dict, open=True, keys={}, doc="each level of care, by id"),
    },
)


def level_schema(column_keys: list[str]) -> Field:
    """A level's schema: the known keys, and every table column's key, which each level needs."""
    keys = dict(LEVEL_KEYS)
    for key in column_keys:
        known = keys.get(key)
        kind = known.kind if known is not None else _CELL.kind
        keys[key] = Field(kind, doc=f"the '{key}' column of the comparison table")
    return Field(dict, keys=keys, doc="a level of care")


def validate_levels(loaded: LoadedYaml) -> list[SiteError]:
    errors = validate(loaded, LEVELS)
    if errors:
        return errors
    columns = [column["key"] for column in loaded.data["columns"]]
    schema = level_schema(columns)
    for level_id in loaded.data["levels"]:
        errors.extend(validate(loaded, schema, ("levels", level_id)))
    return errors


WEEK_KINDS = ("group", "individual", "medical", "own")

WEEK = Field(
    dict,
    keys={
        "columns": Field(list, items=_COLUMN, doc="the sample week table's columns"),
        "days": Field(
            list,
            doc="the days of the sample week, in order",
            items=Field(
                dict,
                keys={
                    "day": Field(str, check=_not_blank, doc="the day or days", example="Monday"),
                    "kind": Field(str, choices=WEEK_KINDS, doc="what kind of day it is"),
                    "hours": Field(
                        (int, float), check=_not_negative, doc="hours of treatment", example="3"
                    ),
                    "when": Field(str, doc='what to show for a 0-hour day ("" otherwise)'),
                    "sessions": Field(list, items=_TEXT, doc="what happens, in order"),
                },
            ),
        ),
    },
)


def glossary_anchor(entry: dict[str, Any]) -> str:
    """The id of a term on the glossary page, as content/glossary.md forms it."""
    return str(entry.get("abbr") or entry.get("term", "")).lower().replace(" ", "-")


GLOSSARY = Field(
    dict,
    keys={
        "terms": Field(
            list,
            items=Field(
                dict,
                keys={
                    "term": Field(str, check=_not_blank, doc="the word or phrase"),
                    "abbr": Field(str, required=False, doc="its abbreviation, e.g. IOP"),
                    "definition": Field(str, check=_not_blank, doc="one or two plain sentences"),
                    "also_called": Field(list, required=False, items=_TEXT),
                },
            ),
        )
    },
)


def validate_glossary(loaded: LoadedYaml) -> list[SiteError]:
    """The schema, and one entry per anchor: two terms with one id would break links to one."""
    errors = validate(loaded, GLOSSARY)
    if errors:
        return errors
    seen: dict[str, int] = {}
    for index, entry in enumerate(loaded.data["terms"]):
        anchor = glossary_anchor(entry)
        if anchor in seen:
            first = loaded.line_of(("terms", seen[anchor]))
            errors.append(
                loaded.error(
                    ("terms", index),
                    f"a second glossary entry with the link id '#{anchor}' (the first is on "
                    f"line {first})",
                    "merge the two entries, or give one a different term or abbr",
                )
            )
        else:
            seen[anchor] = index
    return errors


def validate_week(loaded: LoadedYaml) -> list[SiteError]:
    return validate(loaded, WEEK)


def _is_id(value: str) -> tuple[str, str] | None:
    if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
        return None
    return (
        f"'{value}' is not an id",
        "use lower-case letters, digits and dashes, e.g. prior-authorization",
    )


_ID = Field(
    str,
    check=_is_id,
    doc="a short id, never shown: other languages match the item by it",
    example="prior-authorization",
)

_PROGRAM_QUESTION = Field(
    dict,
    keys={
        "id": _ID,
        "text": Field(str, check=_not_blank, doc="the question, as the reader asks it"),
        "why": Field(str, check=_not_blank, doc="why the question matters"),
        "good_answer": Field(str, check=_not_blank, doc="what a good answer sounds like"),
    },
)

QUESTIONS = Field(
    dict,
    keys={
        "program": Field(
            list,
            doc="the questions to ask a program, in groups, in order",
            items=Field(
                dict,
                keys={
                    "id": Field(
                        str, check=_is_id, doc="the group's heading id", example=_ID.example
                    ),
                    "title": Field(str, check=_not_blank, doc="the group's heading"),
                    "questions": Field(list, items=_PROGRAM_QUESTION, doc="its questions"),
                },
            ),
        ),
        "insurer": Field(
            list,
            doc="the questions to ask an insurance company, in order",
            items=Field(
                dict,
                keys={
                    "id": _ID,
                    "text": Field(str, check=_not_blank, doc="the question"),
                },
            ),
        ),
    },
)


def validate_questions(loaded: LoadedYaml) -> list[SiteError]:
    """The schema, and ids that name one item each: a translation finds its item by id."""
    errors = validate(loaded, QUESTIONS)
    if errors:
        return errors
    lists: list[tuple[tuple, list]] = [(("program",), loaded.data["program"])]
    for index, group in enumerate(loaded.data["program"]):
        lists.append((("program", index, "questions"), group["questions"]))
    lists.append((("insurer",), loaded.data["insurer"]))
    for path, items in lists:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if item["id"] in seen:
                first = loaded.line_of((*path, seen[item["id"]], "id"))
                errors.append(
                    loaded.error(
                        (*path, index, "id"),
                        f"a second item with the id '{item['id']}' (the first is on line {first})",
                        "give each item an id of its own",
                    )
                )
            else:
                seen[item["id"]] = index
    return errors


def cross_file_errors(loaded: dict[str, LoadedYaml]) -> list[SiteError]:
    """Facts that two files must agree on: the sample week is an IOP week, so it has at least
    the IOP minimum of hours that levels.yml gives."""
    week, levels = loaded.get("week"), loaded.get("levels")
    if week is None or levels is None:
        return []
    try:
        minimum = levels.data["levels"]["iop"]["hours_min"]
        days = week.data["days"]
        total = sum(day["hours"] for day in days)
    except (KeyError, TypeError):
        return []  # a file without these keys has its own schema errors, or no IOP minimum
    if not isinstance(minimum, int) or total >= minimum:
        return []
    minimum_line = levels.line_of(("levels", "iop", "hours_min"))
    return [
        week.error(
            ("days",),
            f"the sample week adds up to {_number(total)} hours, fewer than the IOP minimum of "
            f"{minimum} hours a week ({levels.path}:{minimum_line})",
            f"add hours to the sample week's days so they come to at least {minimum}",
        )
    ]


def _number(value: float) -> str:
    return re.sub(r"\.0$", "", str(value))
