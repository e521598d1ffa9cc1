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

from generator.data_schemas import (
    cross_file_errors,
    validate_glossary,
    validate_levels,
    validate_questions,
    validate_week,
)
from generator.errors import SiteError, display_path
from generator.yaml_loader import LoadedYaml, UnreadableFileError, load_yaml_text, read_text_file


def _validate_assessment(loaded: LoadedYaml) -> list[SiteError]:
    # Imported here so the assessment module can grow without making every import pay for it.
    from generator.assessment import validate_assessment

    return validate_assessment(loaded)


# Known data files and their validators; any other YAML file in the folder is loaded unchecked.
VALIDATORS: dict[str, Callable[[LoadedYaml], list[SiteError]]] = {
    "glossary": validate_glossary,
    "levels": validate_levels,
    "week": validate_week,
    "questions": validate_questions,
    "assessment": _validate_assessment,
}


@dataclass
class DataFiles:
    """Every data file by stem (``data.levels``), with line maps for later checks."""

    values: dict[str, Any] = field(default_factory=dict)
    loaded: dict[str, LoadedYaml] = field(default_factory=dict)
    paths: list[Path] = field(default_factory=list)
    # Files with errors of their own, by stem: errors on pages that quote them follow from
    # these and are folded into them (see generator.follow_on_errors).
    broken: dict[str, str] = field(default_factory=dict)


def read_data_file(
    path: Path, shown: str, stem: str, data: DataFiles, errors: list[SiteError]
) -> LoadedYaml | None:
    """Read and parse one data file; if it cannot be read, record its error and mark it broken
    (so errors on pages quoting it are folded into this one), and return None."""
    try:
        return load_yaml_text(read_text_file(str(path), shown), shown)
    except UnreadableFileError as exc:
        errors.append(exc.error)
        data.broken[stem] = shown
        return None


def load_data_files(
    folder: Path, project_root: Path, only: frozenset[str] | None = None
) -> tuple[DataFiles, list[SiteError]]:
    """Load and validate every ``*.yml``/``*.yaml`` file in ``folder`` (sorted: stable output),
    or only the files whose stems are in ``only``."""
    data = DataFiles()
    errors: list[SiteError] = []
    if not folder.is_dir():
        return data, errors
    for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
        shown = display_path(path, project_root)
        stem = path.stem.replace("-", "_")
        if only is not None and stem not in only:
            continue
        loaded = read_data_file(path, shown, stem, data, errors)
        if loaded is None:
            continue
        if stem in data.values:
            errors.append(
                SiteError(shown, f"a second data file named '{stem}'", "rename one of them", line=1)
            )
            continue
        validator = VALIDATORS.get(stem)
        file_errors = validator(loaded) if validator else []
        errors.extend(file_errors)
        if file_errors:
            data.broken[stem] = shown
        data.values[stem] = loaded.data
        data.loaded[stem] = loaded
        data.paths.append(path)
    if not data.broken and only is None:
        errors.extend(cross_file_errors(data.loaded))
    return data, errors
