"""Data files (``content/data/*.yml``): loaded once per build, validated, shared by every page.

Facts that appear in more than one place (levels of care, glossary terms, assessment rules) live
here so they are typed once; each known file has a validator so a broken file stops the build
with its line instead of producing a page with holes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import SiteError, display_path
from generator.schema import Field, validate
from generator.yaml_loader import LoadedYaml, UnreadableFileError, load_yaml_text, read_text_file

_TEXT = Field(str)

GLOSSARY = Field(
    dict,
    keys={
        "terms": Field(
            list,
            items=Field(
                dict,
                keys={
                    "term": Field(str, doc="the word or phrase"),
                    "abbr": Field(str, required=False, doc="its abbreviation, e.g. IOP"),
                    "definition": Field(str, doc="one or two plain sentences"),
                    "also_called": Field(list, required=False, items=_TEXT),
                },
            ),
        )
    },
)

_COLUMN = Field(dict, keys={"key": _TEXT, "heading": _TEXT})

LEVELS = Field(
    dict,
    keys={
        "columns": Field(list, items=_COLUMN, doc="the comparison table's columns, in order"),
        "levels": Field(dict, open=True, keys={}, doc="each level of care, by id"),
    },
)


def _validate_assessment(loaded: LoadedYaml) -> list[SiteError]:
    # Imported here so the assessment module can grow without making every import pay for it.
    from generator.assessment import validate_assessment

    return validate_assessment(loaded)


def _schema_validator(schema: Field) -> Callable[[LoadedYaml], list[SiteError]]:
    return lambda loaded: validate(loaded, schema)


def _validate_levels(loaded: LoadedYaml) -> list[SiteError]:
    errors = validate(loaded, LEVELS)
    if errors:
        return errors
    keys = [column["key"] for column in loaded.data["columns"]]
    for level_id, level in loaded.data["levels"].items():
        if not isinstance(level, dict):
            errors.append(loaded.error(("levels", level_id), "a level must be a mapping", ""))
            continue
        for key in keys:
            if key not in level:
                errors.append(
                    loaded.error(
                        ("levels", level_id),
                        f"level '{level_id}' has no '{key}', which the table shows as a column",
                        f"add '{key}:' to it, or remove that column from 'columns'",
                    )
                )
    return errors


# Known data files and their validators; any other YAML file in the folder is loaded unchecked.
VALIDATORS: dict[str, Callable[[LoadedYaml], list[SiteError]]] = {
    "glossary": _schema_validator(GLOSSARY),
    "levels": _validate_levels,
    "assessment": _validate_assessment,
}


@dataclass
class DataFiles:
    """Every data file by stem (``data.levels``), with line maps for later checks."""

    values: dict[str, Any] = field(default_factory=dict)
    loaded: dict[str, LoadedYaml] = field(default_factory=dict)
    paths: list[Path] = field(default_factory=list)


def load_data_files(folder: Path, project_root: Path) -> tuple[DataFiles, list[SiteError]]:
    """Load and validate every ``*.yml``/``*.yaml`` file in ``folder`` (sorted: stable output)."""
    data = DataFiles()
    errors: list[SiteError] = []
    if not folder.is_dir():
        return data, errors
    for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
        shown = display_path(path, project_root)
        stem = path.stem.replace("-", "_")
        try:
            loaded = load_yaml_text(read_text_file(str(path), shown), shown)
        except UnreadableFileError as exc:
            errors.append(exc.error)
            continue
        if stem in data.values:
            errors.append(
                SiteError(shown, f"a second data file named '{stem}'", "rename one of them", line=1)
            )
            continue
        validator = VALIDATORS.get(stem)
        file_errors = validator(loaded) if validator else []
        errors.extend(file_errors)
        data.values[stem] = loaded.data
        data.loaded[stem] = loaded
        data.paths.append(path)
    return data, errors
