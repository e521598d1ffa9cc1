"""The languages a site is built in, declared once in ``site-config.yml`` (``extra.languages``).

The default language is served at the site's root from ``docs_dir``; every other language under
its own prefix (``/es/``) from ``docs_dir/<code>/``, by a MkDocs build of its own (see
generator.editions). A page exists in a language when that language's folder has a file of the
same name; its navigation is the default one, with translated titles, minus untranslated pages.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import SiteError
from generator.yaml_loader import LoadedYaml


@dataclass(frozen=True)
class Language:
    """One language of the site, as ``site-config.yml`` declares it."""

    code: str
    name: str
    default: bool
    # Where its entry is in site-config.yml, for located errors.
    index: int | None = None
    entry: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def prefix(self) -> str:
        """Its pages' path from the site's root: "" for the default language, "es/" else."""
        return "" if self.default else f"{self.code}/"


def declared_languages(extra: dict[str, Any], theme_language: str = "en") -> list[Language]:
    """The site's languages, the default first; one (the theme's) when none are declared."""
    entries = extra.get("languages") or []
    if not entries:
        return [Language(code=theme_language, name=theme_language, default=True)]
    default = extra.get("default_language") or entries[0].get("code")
    languages = [
        Language(
            code=entry["code"],
            name=entry.get("name", entry["code"]),
            default=entry["code"] == default,
            index=index,
            entry=entry,
        )
        for index, entry in enumerate(entries)
    ]
    return sorted(languages, key=lambda language: not language.default)


def language_errors(loaded: LoadedYaml) -> list[SiteError]:
    """What the schema cannot say about ``extra.languages``: one default, no code twice."""
    extra = loaded.data.get("extra") or {}
    entries = extra.get("languages") or []
    codes = [entry.get("code") for entry in entries if isinstance(entry, dict)]
    errors = []
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if code in seen:
            errors.append(
                loaded.error(
                    ("extra", "languages", index, "code"),
                    f"the language '{code}' is declared twice",
                    "remove one of them",
                )
            )
        seen.add(code)
    default = extra.get("default_language")
    if entries and default is None:
        errors.append(
            loaded.error(
                ("extra", "languages"),
                "the site has languages but no default_language",
                f"add `default_language: {codes[0] if codes else 'en'}` under extra",
            )
        )
    elif default is not None and default not in codes:
        close = difflib.get_close_matches(str(default), [str(c) for c in codes], n=1)
        errors.append(
            loaded.error(
                ("extra", "default_language"),
                f"'{default}' is not one of the languages ({', '.join(map(str, codes))})",
                f"did you mean '{close[0]}'?" if close else "use the code of a declared language",
            )
        )
    theme_language = (loaded.data.get("theme") or {}).get("language", "en")
    if default is not None and default in codes and theme_language != default:
        errors.append(
            loaded.error(
                ("theme", "language"),
                f"theme.language is '{theme_language}' but default_language is '{default}'",
                f"set `language: {default}` under theme: the default language is built from it",
            )
        )
    return errors


def language_docs_dir(docs_dir: Path, language: Language) -> Path:
    """Where a language's pages are: docs_dir itself for the default, docs_dir/<code> else."""
    return docs_dir if language.default else docs_dir / language.code


def pages_of(
    docs_dir: Path, language: Language, languages: list[Language], data_dir: str
) -> set[str]:
    """The Markdown pages a language has, by their path inside its folder (``faq.md``)."""
    folder = language_docs_dir(docs_dir, language)
    if not folder.is_dir():
        return set()
    skipped = {data_dir.strip("/")}
    if language.default:
        skipped |= {other.code for other in languages if not other.default}
    pages = set()
    for path in folder.rglob("*.md"):
        relative = path.relative_to(folder)
        if relative.parts[0] in skipped or relative.parts[0].startswith("."):
            continue
        pages.add(relative.as_posix())
    return pages


@dataclass
class TranslatedNav:
    nav: list[Any]
    # Titles with no translation in ``nav_titles``: (the default language's title, the page or
    # section), for a located error.
    missing: list[str] = field(default_factory=list)


def translated_nav(nav: list[Any], titles: dict[str, str], pages: set[str]) -> TranslatedNav:
    """The default navigation with each title translated, keeping only the pages that exist in
    the language; a section left empty is dropped."""
    result = TranslatedNav(nav=[])
    result.nav = _translate_items(nav, titles, pages, result.missing)
    return result


def _translate_items(items: list[Any], titles, pages, missing) -> list[Any]:
    translated = []
    for item in items:
        if isinstance(item, str):
            if item in pages:
                translated.append(item)
            continue
        if not isinstance(item, dict) or len(item) != 1:
            continue
        title, value = next(iter(item.items()))
        if isinstance(value, list):
            children = _translate_items(value, titles, pages, missing)
            if children:
                translated.append({_title(title, titles, missing): children})
        elif isinstance(value, str) and (value in pages or "://" in value):
            translated.append({_title(title, titles, missing): value})
    return translated


def _title(title: str, titles: dict[str, str], missing: list[str]) -> str:
    if title in titles and isinstance(titles[title], str) and titles[title].strip():
        return titles[title]
    missing.append(title)
    return title


def page_href(language: Language, page_url: str) -> str:
    """A page's path from the site's root in ``language``."""
    return language.prefix + page_url
