"""One MkDocs build per language: the default at the root, every other one under its prefix.

Each language gets a real build of its own (Material's documented way to run a site in several
languages), so each has its own search index, stemmed for its language, and its own
``<html lang>``. The default language's build starts the others from its ``on_post_build``, so
``iop-guide build``, ``serve`` and plain ``mkdocs build`` all write every language. Everything a
language does not translate (numbers, phones, rules, navigation order, theme) comes from the one
``site-config.yml`` and the default language's data files.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.data_files import DataFiles, load_data_files, read_data_file
from generator.errors import SiteError, display_path
from generator.languages import Language, language_docs_dir, translated_nav
from generator.site_config import SiteConfig
from generator.word_overlays import DATA_SHARED_KEYS, overlay_words, part_of
from generator.yaml_loader import LoadedYaml

# Data files that a language writes whole, not as words over the default file: the glossary
# explains different terms in each language (a Spanish reader meets "copay" in English).
WHOLE_DATA_FILES = frozenset({"glossary"})

# site-config.yml: what a language's `words` may leave out (the original is kept), and what is
# never words (numbers to call or text, addresses on the web).
OPTIONAL_WORDS = frozenset(
    {
        ("extra", "organisation", "name"),
        ("extra", "organisation", "address"),
        ("extra", "program", "name"),
    }
)
SETTINGS_SHARED_KEYS = frozenset(
    {
        "call",
        "text",
        "tty",
        "url",
        "phone",
        "email",
        "website",
        "press",
        "generator",
    }
)

LANGUAGE_KEYS = ("default_language", "languages")


@dataclass
class LanguageSettings:
    """What a language's build overrides in the MkDocs configuration, and the problems found."""

    overrides: dict[str, Any] = field(default_factory=dict)
    errors: list[SiteError] = field(default_factory=list)


def language_extra(site_config: SiteConfig, language: Language) -> tuple[dict, list[SiteError]]:
    """``extra`` with the language's words laid over it (all of it, for the default)."""
    extra = site_config.extra
    if language.default or language.index is None:
        return dict(extra), []
    loaded = site_config.loaded
    words_path = ("extra", "languages", language.index, "words")
    if "words" not in language.entry:
        words = LoadedYaml(data={}, path=loaded.path, lines={(): loaded.line_of(words_path[:-1])})
    else:
        words = part_of(loaded, words_path)
    # The languages themselves are shared as a whole: they are not words of the site.
    base = part_of(loaded, ("extra",))
    declared = {key: base.data[key] for key in LANGUAGE_KEYS if key in base.data}
    base.data = {key: value for key, value in base.data.items() if key not in LANGUAGE_KEYS}
    result = overlay_words(
        base,
        words,
        shared_keys=SETTINGS_SHARED_KEYS,
        optional_paths=frozenset(path[1:] for path in OPTIONAL_WORDS),
    )
    result.value.update(declared)
    prefix = f"extra.languages[{language.index}].words"
    errors = [
        dataclasses.replace(error, key=f"{prefix}.{error.key}" if error.key else prefix)
        for error in result.errors
    ]
    return result.value, errors


def language_settings(
    site_config: SiteConfig,
    language: Language,
    docs_dir: Path,
    site_dir: Path,
    site_url: str,
    pages: set[str],
) -> LanguageSettings:
    """The MkDocs options a language's build overrides: folders, address, names, navigation."""
    settings = LanguageSettings()
    raw = site_config.loaded.data
    entry = language.entry
    extra, settings.errors = language_extra(site_config, language)
    nav = translated_nav(raw.get("nav") or [], entry.get("nav_titles") or {}, pages)
    for title in nav.missing:
        settings.errors.append(
            site_config.loaded.error(
                ("extra", "languages", language.index, "nav_titles"),
                f"the navigation title '{title}' has no {language.name} translation",
                f'add `"{title}": ...` under nav_titles',
            )
        )
    folder = language_docs_dir(docs_dir, language)
    if not folder.is_dir():
        settings.errors.append(
            site_config.loaded.error(
                ("extra", "languages", language.index, "code"),
                f"the {language.name} pages' folder {display_path(folder, site_config.folder)} "
                "does not exist",
                "create it and translate pages into it (same file names as the default "
                "language's), or remove this language",
            )
        )
        return settings
    theme = copy.deepcopy(raw.get("theme") or {})
    theme["language"] = language.code
    settings.overrides = {
        "docs_dir": str(language_docs_dir(docs_dir, language)),
        "site_dir": str(site_dir / language.code),
        "site_url": (site_url or "") + language.prefix if site_url else None,
        "site_name": entry.get("site_name", raw.get("site_name")),
        "site_description": entry.get("site_description", raw.get("site_description")),
        "copyright": entry.get("copyright", raw.get("copyright")),
        "nav": nav.nav,
        "theme": theme,
        "extra": extra,
    }
    return settings


def language_data(
    default_data_dir: Path, own_data_dir: Path, project_root: Path
) -> tuple[DataFiles, list[SiteError]]:
    """The default language's data files with this language's words over them; a file in
    WHOLE_DATA_FILES is this language's own, validated like the original."""
    data, errors = load_data_files(default_data_dir, project_root)
    if errors:
        return data, errors
    own, own_errors = _own_whole_files(own_data_dir, project_root)
    errors.extend(own_errors)
    for stem, base in list(data.loaded.items()):
        path = _data_file(own_data_dir, stem)
        if stem in WHOLE_DATA_FILES:
            if stem in own.loaded:
                data.values[stem] = own.values[stem]
                data.loaded[stem] = own.loaded[stem]
            else:
                errors.append(_missing_file(own_data_dir / f"{stem}.yml", base, project_root))
            continue
        if path is None:
            errors.append(_missing_file(own_data_dir / f"{stem}.yml", base, project_root))
            continue
        shown = display_path(path, project_root)
        words = read_data_file(path, shown, stem, data, errors)
        if words is None:
            continue
        result = overlay_words(base, words, DATA_SHARED_KEYS)
        if result.errors:
            errors.extend(result.errors)
            data.broken[stem] = shown
        data.values[stem] = result.value
        data.loaded[stem] = LoadedYaml(
            data=result.value, path=base.path, lines=base.lines, line_offset=base.line_offset
        )
    for path in sorted(own_data_dir.glob("*.y*ml")) if own_data_dir.is_dir() else []:
        stem = path.stem.replace("-", "_")
        if stem not in data.loaded:
            errors.append(
                SiteError(
                    display_path(path, project_root),
                    f"there is no data file '{path.name}' in the default language to translate",
                    f"remove it, or add {display_path(default_data_dir / path.name, project_root)}",
                )
            )
    return data, errors


def _own_whole_files(folder: Path, project_root: Path) -> tuple[DataFiles, list[SiteError]]:
    if not folder.is_dir():
        return DataFiles(), []
    # load_data_files validates every file it knows; only the whole files are wanted here.
    data, errors = load_data_files(folder, project_root, only=WHOLE_DATA_FILES)
    return data, errors


def _data_file(folder: Path, stem: str) -> Path | None:
    for name in (f"{stem}.yml", f"{stem}.yaml", f"{stem.replace('_', '-')}.yml"):
        if (folder / name).is_file():
            return folder / name
    return None


def _missing_file(path: Path, base: LoadedYaml, project_root: Path) -> SiteError:
    return SiteError(
        display_path(path, project_root),
        "this language has no translation of a data file",
        f"create it with the reader-visible words of {base.path}, in the same nesting "
        "(see README.md, 'Adding a language')",
    )


def build_language(config_file: str, overrides: dict[str, Any], command: str, strict: bool):
    """Run MkDocs' own build for one language; returns its configuration (its plugins' state)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file, strict=strict, **overrides)
    config.plugins.on_startup(command=command, dirty=False)
    try:
        build(config, serve_url=None)
    finally:
        config.plugins.on_shutdown()
    return config
