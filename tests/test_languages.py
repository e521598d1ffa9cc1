"""The Spanish edition: bad input in a bilingual project, translation status, the real site in both
languages, and the self-assessment's rules in both languages.

Everything goes through the `iop-guide` command (``run_cli``) and real builds: a small bilingual
fixture project (built once per module, then copied for each case), and the real site (built once
per session by ``built_site``).
"""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest
import yaml

from bench.synthetic import LANGUAGES_BLOCK
from generator.assessment import RuleEngine, engine_data, question_options
from generator.editions import language_data
from generator.translation_status import source_hash
from tests.conftest import (
    REPO,
    _minimal_config,
    assert_fails_keeping_site,
    clinically_reviewed,
    line_of,
    page,
    replace_once,
    run_cli,
    tree_digest,
    write_files,
)

REAL_CONFIG = (REPO / "site-config.yml").read_text(encoding="utf-8")
SITE_URL = "https://iop.riverside-recovery.org/"
REAL_SITE_URL = yaml.safe_load(REAL_CONFIG)["site_url"]


# ------------------------------------------------------------------ a small bilingual project


def _bilingual_config() -> str:
    """The fixture configuration (one language, own address) with the real languages block, and
    a third page in the navigation that exists only in English."""
    config = _minimal_config().replace("https://iop-guide.example.org/", SITE_URL)
    config = replace_once(
        config,
        "  - Get help now: get-help-now.md\n",
        "  - Get help now: get-help-now.md\n  - Only in English: only-english.md\n",
    )
    block = LANGUAGES_BLOCK + REAL_CONFIG.partition(LANGUAGES_BLOCK)[2]
    assert "default_language: en" in block and "- code: es" in block
    return config.rstrip("\n") + "\n" + block


CONFIG = _bilingual_config()

EN_INDEX = page("Home", "Call {{ organisation.phone }}. See [help](get-help-now.md).")
EN_HELP = page("Get help now", "Call {{ crisis.lifeline.call }}.")
EN_ONLY = page("Only in English", "This page has no Spanish version yet.")


def translated(text: str, english: str, date: str = "2026-01-12") -> str:
    """A Spanish page's text with the translation status of ``english`` as it is now."""
    status = f"translation:\n  source_hash: {source_hash(english)}\n  translated: {date}\n"
    return replace_once(text, "---\n# ", status + "---\n# ")


ES_INDEX = translated(
    page("Inicio", "Llame al {{ organisation.phone }}. Vea [ayuda](get-help-now.md)."), EN_INDEX
)
ES_HELP = translated(page("Ayuda ahora", "Llame al {{ crisis.lifeline.call }}."), EN_HELP)

TRANSLATION_REVIEW = 'translation_review: {by: "Ana Ruiz, CMI", date: 2026-01-20}\n'


def _real_data_files() -> dict[str, str]:
    """The real data files and their Spanish overlays (the real glossary is whole Spanish)."""
    files = {}
    for folder in ("content/data", "content/es/data"):
        for path in sorted((REPO / folder).glob("*.yml")):
            files[f"{folder}/{path.name}"] = path.read_text(encoding="utf-8")
    return files


DATA = _real_data_files()


def bilingual_files() -> dict[str, str]:
    return {
        "site-config.yml": CONFIG,
        "content/index.md": EN_INDEX,
        "content/get-help-now.md": EN_HELP,
        "content/only-english.md": EN_ONLY,
        "content/es/index.md": ES_INDEX,
        "content/es/get-help-now.md": ES_HELP,
        **DATA,
    }


@pytest.fixture(scope="module")
def good_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bilingual fixture project, built once (preview build: warnings only)."""
    project = tmp_path_factory.mktemp("bilingual") / "project"
    shutil.copytree(REPO / "templates", project / "templates")
    write_files(project, bilingual_files())
    assert _build(project) == 0, "the bilingual fixture project does not build"
    return project


@pytest.fixture
def copy_project(good_project: Path, tmp_path: Path) -> Callable[..., Path]:
    """``copy_project(files)``: a copy of the built bilingual project (its site too), with
    ``files`` written over it (None deletes)."""

    def make(files: dict[str, str | None] | None = None) -> Path:
        project = tmp_path / "project"
        shutil.copytree(good_project, project, symlinks=True)
        write_files(project, files or {})
        return project

    return make


def _build(project: Path, *extra: str) -> int:
    return run_cli("build", "--config", str(project / "site-config.yml"), *extra)


def _check(project: Path, *extra: str) -> int:
    return run_cli("check", "--config", str(project / "site-config.yml"), *extra)


# ------------------------------------------------------------------------------ bad input

STRINGS_EN = (REPO / "templates/strings/en.yml").read_text(encoding="utf-8")
STRINGS_ES = (REPO / "templates/strings/es.yml").read_text(encoding="utf-8")


def _strings_case_missing_key():
    lines = [line for line in STRINGS_ES.splitlines() if not line.startswith("header_get_help:")]
    assert len(lines) < len(STRINGS_ES.splitlines()), "es.yml has no header_get_help"
    text = "\n".join(lines) + "\n"
    return {"templates/strings/es.yml": text}, (
        "templates/strings/es.yml",
        "[header_get_help]",
        "the string 'header_get_help' is missing",
        "add `header_get_help: ...`",
        f"templates/strings/en.yml, line {line_of(STRINGS_EN, 'header_get_help:')}",
    )


def _strings_case_extra_key():
    text = STRINGS_ES + "header_get_hlep: Ayuda\n"
    return {"templates/strings/es.yml": text}, (
        f"templates/strings/es.yml:{line_of(text, 'header_get_hlep')}",
        "'header_get_hlep' is not a string of templates/strings/en.yml",
        "fix: did you mean 'header_get_help'?",
    )


def _strings_case_eleven_months():
    text = replace_once(STRINGS_ES, "noviembre,\n  diciembre", "noviembre")
    return {"templates/strings/es.yml": text}, (
        f"templates/strings/es.yml:{line_of(text, 'date_months:')}: [date_months]",
        "'date_months' lists 11 months, not 12",
        "fix: write the 12 months' names, January first, separated by commas",
    )


def _es_page_case(name: str, text: str, *expected: str):
    """A Spanish page's front matter changed; {line:NEEDLE} in ``expected`` is that line."""

    def fill(part: str) -> str:
        return re.sub(r"\{line:([^}]+)\}", lambda m: str(line_of(text, m.group(1))), part)

    return {f"content/es/{name}": text}, tuple(fill(part) for part in expected)


GOOD_HASH = source_hash(EN_HELP)


def _overlay_case(name: str, old: str, new: str, needle: str, *expected: str):
    relative = f"content/es/data/{name}"
    text = replace_once(DATA[relative], old, new)
    line = line_of(text, needle)
    return {relative: text}, (f"{relative}:{line}", *expected)


def _config_case(old: str, new: str, needle: str, *expected: str):
    text = replace_once(CONFIG, old, new)
    return {"site-config.yml": text}, (f"site-config.yml:{line_of(text, needle)}", *expected)


def _french_case():
    """A third language, complete (words, navigation titles, strings) but for its folder."""
    block = CONFIG.partition("    - code: es\n")[2]
    french = "    - code: fr\n      name: Français\n" + block.partition("\n")[2]
    text = CONFIG.rstrip("\n") + "\n" + french
    return {"site-config.yml": text, "templates/strings/fr.yml": STRINGS_ES}, (
        f"site-config.yml:{line_of(text, '- code: fr')}",
        "the Français pages' folder content/fr does not exist",
        "fix: create it and translate pages into it",
    )


def _front_matter_end(text: str) -> int:
    """The line of the front matter's closing `---`."""
    return text.splitlines().index("---", 1) + 1


CASES = {
    "a language without a strings file": (
        {"templates/strings/es.yml": None},
        (
            "templates/strings/es.yml",
            "this language has no strings file",
            "fix: copy templates/strings/ of the default language to es.yml",
        ),
    ),
    "a string missing from es.yml": _strings_case_missing_key(),
    "an unknown string in es.yml": _strings_case_extra_key(),
    "eleven months in es.yml's date_months": _strings_case_eleven_months(),
    "a broken link in a Spanish page": _es_page_case(
        "get-help-now.md",
        ES_HELP + "\nVea [la guía](guia-perdida.md).\n",
        "content/es/get-help-now.md:{line:guia-perdida}",
        "broken link 'guia-perdida.md': there is no such page or file in content/es/",
        "images inside content/es/, relative to this page",
    ),
    "a Spanish page with no English page": (
        {"content/es/nope.md": translated(page("Nada"), EN_HELP)},
        (
            "content/es/nope.md:1",
            "there is no English page content/nope.md for this page to translate",
            "fix: give the page the file name of the English page it translates, or remove it",
        ),
    ),
    "a source_hash that is not 12 hex digits": _es_page_case(
        "get-help-now.md",
        replace_once(ES_HELP, GOOD_HASH, GOOD_HASH[:-1] + "g"),
        "content/es/get-help-now.md:{line:source_hash}",
        f"'{GOOD_HASH[:-1]}g' is not a page hash",
        "python -m generator.translation_status",
    ),
    "a source_hash too short": _es_page_case(
        "get-help-now.md",
        replace_once(ES_HELP, GOOD_HASH, GOOD_HASH[:10]),
        "content/es/get-help-now.md:{line:source_hash}",
        f"'{GOOD_HASH[:10]}' is not a page hash",
        "give the 12 letters and digits",
    ),
    "a translated date that is not a date": _es_page_case(
        "get-help-now.md",
        replace_once(ES_HELP, "translated: 2026-01-12", "translated: last week"),
        "content/es/get-help-now.md:{line:translated:}",
        "translation.translated",
    ),
    "an unknown key inside translation": _es_page_case(
        "get-help-now.md",
        replace_once(
            ES_HELP, "  translated: 2026-01-12\n", "  translated: 2026-01-12\n  by: Ana\n"
        ),
        "content/es/get-help-now.md:{line:  by: Ana}",
        "unknown key 'by'",
    ),
    "translation_review.by left as the placeholder": _es_page_case(
        "get-help-now.md",
        replace_once(
            ES_HELP,
            "translation:\n",
            'translation_review: {by: "Name, credentials", date: 2026-01-20}\ntranslation:\n',
        ),
        "content/es/get-help-now.md:{line:translation_review}",
        "translation_review.by is 'Name, credentials', not a person",
        "fix: give the translator's name and credentials",
    ),
    "a Spanish page without translation": _es_page_case(
        "get-help-now.md",
        page("Ayuda ahora", "Llame al {{ crisis.lifeline.call }}."),
        f"content/es/get-help-now.md:{_front_matter_end(page('x'))}: [translation]",
        "does not say which version of content/get-help-now.md it translates",
        f"fix: add to its front matter: `translation: {{source_hash: {GOOD_HASH}, translated:",
    ),
    "a data overlay with a missing text": _overlay_case(
        "week.yml",
        "    when: Su tiempo libre\n",
        "",
        # The text is missing: the place is its item's line.
        "- day: Sábado y domingo",
        "[days[5].when] no translation of 'days[5].when'",
        'the words of "Your own time" (content/data/week.yml, line '
        f"{line_of(DATA['content/data/week.yml'], 'when: Your own time')})",
    ),
    "a number in a data overlay": _overlay_case(
        "levels.yml",
        "    name: Ambulatorio estándar\n",
        "    name: Ambulatorio estándar\n    hours_max: 10\n",
        "hours_max: 10",
        "9 is a number or setting, shared by every language",
        "fix: remove it here: change it in the default language's file",
    ),
    "a shared key in a data overlay": _overlay_case(
        "levels.yml",
        "  - {heading: Nivel de atención}\n",
        "  - {heading: Nivel de atención, key: nivel}\n",
        "key: nivel",
        "'key' is shared by every language",
        "fix: remove it here",
    ),
    "an unknown key in a data overlay": _overlay_case(
        "levels.yml",
        "    name: Ambulatorio estándar\n",
        "    nmae: Ambulatorio estándar\n",
        "nmae:",
        "'nmae' is not in content/data/levels.yml",
        "did you mean 'name'?",
    ),
    "a data overlay list of the wrong length": _overlay_case(
        "levels.yml",
        "  - {heading: Nivel de ASAM}\n",
        "",
        "columns:",
        "this list has 6 items; the original has 7",
        "fix: give one translated item for each item of the original",
    ),
    "a data overlay id that does not exist": _overlay_case(
        "assessment.yml",
        "  - id: medical\n",
        "  - id: medicall\n",
        "id: medicall",
        "there is no item with id 'medicall' in content/data/assessment.yml",
        "fix: use an id the original has",
    ),
    "default_language not among the languages": _config_case(
        "  default_language: en\n",
        "  default_language: eng\n",
        "default_language",
        "[extra.default_language] 'eng' is not one of the languages (en, es)",
        "did you mean 'en'?",
    ),
    "a navigation title with no translation": _config_case(
        "        Get help now: Ayuda ahora\n",
        "",
        "nav_titles:",
        "the navigation title 'Get help now' has no Español translation",
        'fix: add `"Get help now": ...` under nav_titles',
    ),
    "a language whose folder does not exist": _french_case(),
}


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_language_input_fails_naming_the_place_and_keeps_the_old_site(
    case: str, command: str, copy_project, capsys
) -> None:
    files, expected = CASES[case]
    project = copy_project()
    assert (project / "site/es/index.html").is_file()
    assert_fails_keeping_site(
        project, command, capsys, expected, breaking=lambda: write_files(project, files)
    )


# ------------------------------------------------------------------------ translation status


def _table_row(output: str, path: str) -> str:
    rows = [line for line in output.splitlines() if line.startswith(path + " ")]
    assert len(rows) == 1, f"{path} not once in the table:\n{output}"
    return rows[0].rstrip()


def test_check_reports_each_spanish_page_as_up_to_date_not_checked(copy_project, capsys) -> None:
    project = copy_project()
    capsys.readouterr()
    assert _check(project) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0]
    assert "translation" in header.split()
    for name in ("index.md", "get-help-now.md"):
        assert _table_row(out, f"content/es/{name}").endswith("up to date, not checked")
        assert not _table_row(out, f"content/{name}").endswith("checked")


def _releasable(project_files: dict[str, str | None]) -> dict[str, str | None]:
    """Every page clinically reviewed; the Spanish ones checked by a translator too."""
    files = dict(project_files)
    for name in ("index.md", "get-help-now.md", "only-english.md"):
        files[f"content/{name}"] = clinically_reviewed(files[f"content/{name}"])
    for name in ("index.md", "get-help-now.md"):
        es = clinically_reviewed(files[f"content/es/{name}"])
        files[f"content/es/{name}"] = replace_once(
            es, "translation:\n", TRANSLATION_REVIEW + "translation:\n"
        )
    return files


def test_a_changed_english_page_is_reported_and_refused_for_release(copy_project, capsys) -> None:
    project = copy_project(_releasable(bilingual_files()))
    capsys.readouterr()
    assert _check(project, "--release") == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert _table_row(out, "content/es/get-help-now.md").endswith("up to date, checked")
    assert _build(project, "--release") == 0, capsys.readouterr().err
    before = tree_digest(project / "site")

    # A change to the front matter only (a new review date) is not a change of the page.
    help_page = project / "content/get-help-now.md"
    text = help_page.read_text(encoding="utf-8")
    help_page.write_text(
        replace_once(text, "reviewed: 2026-01-10", "reviewed: 2026-01-11"), "utf-8"
    )
    capsys.readouterr()
    assert _check(project, "--release") == 0, capsys.readouterr().err

    changed = replace_once(help_page.read_text(encoding="utf-8"), "Call", "Please call")
    help_page.write_text(changed, encoding="utf-8")
    new_hash = source_hash(changed)
    assert new_hash != GOOD_HASH
    es_text = (project / "content/es/get-help-now.md").read_text(encoding="utf-8")
    where = f"content/es/get-help-now.md:{line_of(es_text, 'source_hash')}"
    warning = (
        f"{where}: [translation.source_hash] content/get-help-now.md has changed since this page "
        f"was translated (hash {GOOD_HASH}, now {new_hash})"
    )
    fix = f"set translation.source_hash to {new_hash}"

    capsys.readouterr()
    assert _check(project) == 0
    captured = capsys.readouterr()
    assert warning in captured.err and fix in captured.err, captured.err
    assert _table_row(captured.out, "content/es/get-help-now.md").endswith("OUT OF DATE, checked")
    assert _table_row(captured.out, "content/es/index.md").endswith("up to date, checked")

    assert _check(project, "--release") == 1
    err = capsys.readouterr().err
    assert warning in err and fix in err, err
    assert "content/es/index.md" not in err, "only the changed page's translation is a problem"

    assert _build(project, "--release") == 1
    err = capsys.readouterr().err
    assert warning in err, err
    assert "The previous site folder was left exactly as it was." in err
    assert tree_digest(project / "site") == before

    # Brought up to date: releasable again.
    write_files(project, {"content/es/get-help-now.md": es_text.replace(GOOD_HASH, new_hash)})
    assert _check(project, "--release") == 0, capsys.readouterr().err


def test_the_untranslated_notice_shows_until_a_translator_has_checked_the_page(
    good_project: Path, copy_project, capsys
) -> None:
    unchecked = _html(good_project / "site/es/get-help-now/index.html")
    notices = unchecked.xpath(UNTRANSLATED)
    assert len(notices) == 1
    strings = yaml.safe_load(STRINGS_ES)
    assert strings["translation_notice_title"] in notices[0].text_content()
    link = notices[0].xpath(".//a[@hreflang='en']")[0].get("href")
    assert _resolve("es/get-help-now/", link) == "get-help-now/"
    english = _html(good_project / "site/get-help-now/index.html")
    assert english.xpath(UNTRANSLATED) == []

    # The release check names the translator's review as the only problem left ...
    files = _releasable(bilingual_files())
    files["content/es/get-help-now.md"] = replace_once(
        files["content/es/get-help-now.md"], TRANSLATION_REVIEW, ""
    )
    project = copy_project(files)
    capsys.readouterr()
    assert _check(project, "--release") == 1
    err = capsys.readouterr().err
    assert "content/es/get-help-now.md:" in err and "[translation_review]" in err, err
    assert "[clinical_review]" not in err and "content/es/index.md" not in err, err

    # ... and once given, the page passes it and shows no notice.
    write_files(project, _releasable(bilingual_files()))
    assert _build(project, "--release") == 0, capsys.readouterr().err
    checked = _html(project / "site/es/get-help-now/index.html")
    assert checked.xpath(UNTRANSLATED) == []
    assert _switcher_links(checked)  # the page did render


# -------------------------------------------------------------------------- built HTML helpers


def _class(name: str) -> str:
    """XPath: an element with ``name`` among its classes."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


UNTRANSLATED = f"//aside[{_class('iop-untranslated')}]"
SWITCHER_LINKS = f"//*[{_class('iop-languages')}]//a[{_class('iop-languages__link')}]"
NOTES = f"//*[{_class('iop-languages__note')}]"
PRIMARY_NAV_LINKS = f"//nav[{_class('md-nav--primary')}]//a"


def _html(path: Path):
    return lxml.html.fromstring(path.read_bytes())


def _resolve(page_path: str, href: str) -> str:
    """A link's target path from the site's root, as a browser resolves it on ``page_path``."""
    base = "http://site.invalid/"
    target = urljoin(base + page_path, href)
    assert target.startswith(base), f"{href!r} on {page_path} leaves the site"
    return urlsplit(target).path[1:]


def _file_of(site: Path, path: str) -> Path:
    return site / (path + "index.html" if path == "" or path.endswith("/") else path)


def _site_pages(site: Path) -> dict[str, Path]:
    """Every page of a built site by its path from the root ("", "faq/", "es/faq/")."""
    pages = {}
    for file in sorted(site.rglob("index.html")):
        relative = file.parent.relative_to(site).as_posix()
        if relative.split("/")[0] in ("assets", "search") or "/assets/" in relative:
            continue
        pages["" if relative == "." else relative + "/"] = file
    return pages


def _switcher_links(document) -> list:
    return document.xpath(SWITCHER_LINKS)


def _hreflangs(document) -> dict[str, str]:
    links = document.xpath('//head/link[@rel="alternate"][@hreflang]')
    result = {}
    for link in links:
        assert link.get("hreflang") not in result, "an hreflang is given twice"
        result[link.get("hreflang")] = link.get("href")
    return result


# ---------------------------------------------------------------- the real site, both languages


def _content_pages(folder: Path) -> set[str]:
    return {path.name for path in folder.glob("*.md")}


def _page_path(name: str, prefix: str) -> str:
    return prefix + ("" if name == "index.md" else name.removesuffix(".md") + "/")


@pytest.fixture(scope="module")
def real_pages(built_site: Path) -> dict[str, Path]:
    pages = _site_pages(built_site)
    english = _content_pages(REPO / "content")
    spanish = _content_pages(REPO / "content/es")
    assert english == spanish, "the test below assumes every page is translated"
    expected = {_page_path(name, prefix) for name in english for prefix in ("", "es/")}
    assert set(pages) == expected
    return pages


def test_every_page_has_the_right_html_lang(built_site: Path, real_pages) -> None:
    for path, file in real_pages.items():
        expected = "es" if path.startswith("es/") else "en"
        assert _html(file).get("lang") == expected, path
    assert _html(built_site / "404.html").get("lang") == "en"
    assert _html(built_site / "es/404.html").get("lang") == "es"


def test_hreflang_alternates_are_in_the_sitemaps_absolute_and_exist(
    built_site: Path, real_pages
) -> None:
    """Not in each page's head: Material's script fetches sitemap.xml beside every head
    <link rel="alternate">, which per-page links would turn into failed requests (README)."""
    for path, file in real_pages.items():
        assert _hreflangs(_html(file)) == {}, path
    alternates = {**_sitemap_alternates(built_site, ""), **_sitemap_alternates(built_site, "es/")}
    for path in real_pages:
        english_path = path.removeprefix("es/")
        assert alternates[REAL_SITE_URL + path] == {
            "en": REAL_SITE_URL + english_path,
            "es": REAL_SITE_URL + "es/" + english_path,
            "x-default": REAL_SITE_URL + english_path,
        }, path
        for url in alternates[REAL_SITE_URL + path].values():
            assert _file_of(built_site, url.removeprefix(REAL_SITE_URL)).is_file(), url


def _sitemap_alternates(site: Path, prefix: str) -> dict[str, dict[str, str]]:
    """Each page of a language's sitemap (its address) and its hreflang alternates."""
    namespaces = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "x": "http://www.w3.org/1999/xhtml",
    }
    tree = lxml.etree.parse(str(site / prefix / "sitemap.xml"))
    return {
        url.findtext("s:loc", namespaces=namespaces).strip(): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", namespaces)
        }
        for url in tree.findall("s:url", namespaces)
    }


def test_the_switcher_leads_to_the_same_page_in_the_other_language_and_back(
    built_site: Path, real_pages
) -> None:
    for path, file in real_pages.items():
        other = "en" if path.startswith("es/") else "es"
        links = _switcher_links(_html(file))
        assert [link.get("hreflang") for link in links] == [other], path
        assert links[0].get("lang") == other and links[0].get("data-language") == other
        target = _resolve(path, links[0].get("href"))
        expected = path.removeprefix("es/") if other == "en" else "es/" + path
        assert target == expected, f"the switcher on {path} leads to {target}"
        back = _switcher_links(_html(_file_of(built_site, target)))
        assert _resolve(target, back[0].get("href")) == path, f"no way back from {target}"
        assert _html(file).xpath(NOTES) == [], path


def _numbered_steps(document) -> list[int]:
    """How many items each numbered list in the page's article has, in order."""
    return [len(ol.xpath("./li")) for ol in document.xpath("//article//ol")]


def test_numbered_steps_have_the_same_count_in_both_languages(real_pages) -> None:
    # A wrapped line that starts with an expression filling in as "911." once became a step of
    # its own in the Spanish overdose steps, cutting the 911 instruction in two. Numbered lists
    # are steps to follow: a translation has as many as its English page.
    for path, file in real_pages.items():
        if path.startswith("es/"):
            english = _numbered_steps(_html(real_pages[path.removeprefix("es/")]))
            assert _numbered_steps(_html(file)) == english, path


def _words_of(document) -> str:
    """A page's visible text and attribute values (labels), whitespace made plain."""
    values = [document.text_content()]
    for element in document.iter():
        if isinstance(element.tag, str):
            values.extend(element.attrib.values())
    return " ".join(" ".join(values).split())


def test_each_language_shows_its_own_interface_strings(real_pages) -> None:
    english = yaml.safe_load(STRINGS_EN)
    spanish = yaml.safe_load(STRINGS_ES)
    assert set(english) == set(spanish)
    differing = [key for key in english if english[key] != spanish[key]]
    assert "language_switcher_label" in differing
    for path, file in real_pages.items():
        document = _html(file)
        own, other = (spanish, english) if path.startswith("es/") else (english, spanish)
        words = _words_of(document)
        for key in differing:
            # A single word ("pages") may stand in a source's title or address in either language.
            if len(other[key].split()) < 2:
                continue
            assert " ".join(other[key].split()) not in words, f"{path} shows {key} of the other"
        groups = document.xpath(f"//*[{_class('iop-languages')}]")
        assert [group.get("aria-label") for group in groups] == [own["language_switcher_label"]]


def test_both_sitemaps_list_alternates_and_robots_lists_both(built_site: Path, real_pages) -> None:
    namespaces = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "x": "http://www.w3.org/1999/xhtml",
    }
    for prefix in ("", "es/"):
        tree = lxml.etree.parse(str(built_site / prefix / "sitemap.xml"))
        urls = tree.findall("s:url", namespaces)
        locations = set()
        for url in urls:
            location = url.findtext("s:loc", namespaces=namespaces).strip()
            locations.add(location)
            english = location.removeprefix(REAL_SITE_URL).removeprefix("es/")
            alternates = {
                link.get("hreflang"): link.get("href") for link in url.findall("x:link", namespaces)
            }
            assert alternates == {
                "en": REAL_SITE_URL + english,
                "es": REAL_SITE_URL + "es/" + english,
                "x-default": REAL_SITE_URL + english,
            }, location
        expected = {REAL_SITE_URL + path for path in real_pages if path.startswith(prefix)}
        if not prefix:
            expected = {url for url in expected if not url.startswith(REAL_SITE_URL + "es/")}
        assert locations == expected
    robots = (built_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {REAL_SITE_URL}sitemap.xml" in robots
    assert f"Sitemap: {REAL_SITE_URL}es/sitemap.xml" in robots


def _page_titles(folder: Path) -> dict[str, set[str]]:
    """Each page's possible titles in a search index: its front matter title and its first
    heading (Material indexes a page under its heading when it has one)."""
    titles = {}
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        meta = yaml.safe_load(text.split("---\n")[1])
        heading = re.search(r"^# (.+?)\s*$", text.split("\n---\n", 1)[1], re.MULTILINE)
        titles[_page_path(path.name, "")] = {meta["title"]} | ({heading[1]} if heading else set())
    return titles


def _indexed_pages(index: dict) -> dict[str, dict]:
    return {doc["location"]: doc for doc in index["docs"] if "#" not in doc["location"]}


def test_the_spanish_search_index_has_only_spanish_pages(built_site: Path) -> None:
    spanish = json.loads((built_site / "es/search/search_index.json").read_text("utf-8"))
    english = json.loads((built_site / "search/search_index.json").read_text("utf-8"))
    assert spanish["config"]["lang"] == ["es"]
    assert english["config"]["lang"] == ["en"]

    # Locations are relative to the language's root: the same page names in both indexes, each
    # entry under the title of that language's page.
    es_titles = _page_titles(REPO / "content/es")
    en_titles = _page_titles(REPO / "content")
    for index, titles in ((spanish, es_titles), (english, en_titles)):
        pages = _indexed_pages(index)
        assert set(pages) == set(titles)
        for location, doc in pages.items():
            assert doc["title"] in titles[location], (location, doc["title"], titles[location])
        assert all(not doc["location"].startswith(("es/", "/", "http")) for doc in index["docs"])

    # No English page title (where it differs from its translation) is among the Spanish
    # index's titles, sections included.
    all_es_titles = {doc["title"] for doc in spanish["docs"]}
    distinct = set().union(*(en_titles[path] - es_titles[path] for path in en_titles))
    assert len(distinct) >= len(en_titles), "too few English titles differ to prove anything"
    assert all_es_titles.isdisjoint(distinct), all_es_titles & distinct
    # And the indexed text is Spanish text, page by page.
    for path, doc in _indexed_pages(spanish).items():
        body = lxml.html.fromstring(f"<div>{doc['text']}</div>").text_content().lower()
        spanish_words = len(re.findall(r"\b(que|para|usted|los|las|una|del)\b", body))
        english_words = len(re.findall(r"\b(the|and|you|your|with|for)\b", body))
        assert spanish_words > english_words, f"es/{path} looks English in the index"


def test_interface_strings_and_data_files_are_not_published(built_site: Path) -> None:
    for folder in ("strings", "data", "es/strings", "es/data", "es/es"):
        assert not (built_site / folder).exists(), folder
    published_yaml = [p.relative_to(built_site).as_posix() for p in built_site.rglob("*.y*ml")]
    assert published_yaml == []


# ---------------------------------------------------- a page that exists only in English


def test_a_page_only_in_english_links_to_the_spanish_home_with_a_note(good_project: Path) -> None:
    site = good_project / "site"
    document = _html(site / "only-english/index.html")
    links = _switcher_links(document)
    assert len(links) == 1 and links[0].get("hreflang") == "es"
    assert _resolve("only-english/", links[0].get("href")) == "es/"
    notes = document.xpath(NOTES)
    assert len(notes) == 1
    assert notes[0].get("lang") == "es"
    assert notes[0].text_content().strip() == yaml.safe_load(STRINGS_ES)["language_not_translated"]
    assert links[0].get("aria-describedby") == notes[0].get("id")
    assert _sitemap_alternates(site, "")[SITE_URL + "only-english/"] == {
        "en": SITE_URL + "only-english/",
        "x-default": SITE_URL + "only-english/",
    }
    assert not (site / "es/only-english").exists()

    # In the English navigation, absent from every Spanish page and the Spanish sitemap.
    english_nav = _html(site / "index.html").xpath(PRIMARY_NAV_LINKS)
    assert any(_resolve("", a.get("href", "")) == "only-english/" for a in english_nav)
    for file in sorted((site / "es").rglob("*.html")):
        text = file.read_text(encoding="utf-8")
        assert "only-english" not in text and "Only in English" not in text, file
    assert "only-english" not in (site / "es/sitemap.xml").read_text(encoding="utf-8")
    # A translated page of the same project has both alternates, for contrast.
    assert set(_sitemap_alternates(site, "")[SITE_URL + "get-help-now/"]) == {
        "en",
        "es",
        "x-default",
    }


# ------------------------------------------------------ the self-assessment in both languages


def _embedded_assessment(file: Path) -> dict:
    scripts = _html(file).xpath('//script[@id="assessment-data"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


def _random_answers(options: dict[str, list[str]], rng: random.Random) -> dict[str, str]:
    answers = {}
    for question, choices in options.items():
        if rng.random() < 0.15:
            continue  # part-answered, as the page evaluates mid-way
        answers[question] = rng.choice(choices)
    return answers


def test_the_spanish_assessment_decides_as_the_english_one(built_site: Path) -> None:
    english = yaml.safe_load((REPO / "content/data/assessment.yml").read_text(encoding="utf-8"))
    merged, errors = language_data(REPO / "content/data", REPO / "content/es/data", REPO)
    assert errors == []
    spanish = merged.values["assessment"]
    built_en = _embedded_assessment(built_site / "self-assessment/index.html")
    built_es = _embedded_assessment(built_site / "es/self-assessment/index.html")

    # The Spanish data is Spanish words over the English rules, not the English file.
    overlay = yaml.safe_load((REPO / "content/es/data/assessment.yml").read_text("utf-8"))
    es_names = {level["id"]: level["name"] for level in overlay["levels"]}
    assert {level["id"]: level["name"] for level in spanish["levels"]} == es_names
    assert es_names != {level["id"]: level["name"] for level in english["levels"]}
    # Each page's script gets the same rules (only the rules: the words are in its HTML).
    assert built_es == built_en == engine_data(english) == engine_data(spanish)

    options = question_options(english)
    assert question_options(spanish) == options
    reference = RuleEngine(english)
    engines = [RuleEngine(spanish)]
    rng = random.Random(14)
    levels = set()
    for _ in range(5000):
        answers = _random_answers(options, rng)
        expected = reference.evaluate(answers)
        levels.add(expected.level)
        for engine in engines:
            assert engine.evaluate(answers) == expected, answers
    assert len(levels) >= 4, f"the random answers reached only {sorted(levels)}"
