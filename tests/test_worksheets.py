"""The question worksheets: one data file (content/data/questions.yml, with its Spanish words in
content/es/data/questions.yml) feeds the long pages ("Choosing a program", "Cost and insurance")
and their one-page sheets, in both languages, in order, with no second copy. Bad data stops
`check` with the file and line; each sheet is one page of the booklet.

The real site is the session's ``built_site``; a copy of the real project with one question
reworded proves the pages follow the data; small fixture projects check the located errors.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pypdf
import pytest
import yaml

from generator.editions import language_data
from tests.conftest import REPO, line_of, replace_once, run_cli, write_files
from tests.test_languages import bilingual_files

DATA_FILE = "content/data/questions.yml"
SPANISH_DATA_FILE = "content/es/data/questions.yml"
ENGLISH_DATA = (REPO / DATA_FILE).read_text(encoding="utf-8")
SPANISH_DATA = (REPO / SPANISH_DATA_FILE).read_text(encoding="utf-8")

# (long page, its sheet, which list they show)
PAGES = [
    ("choosing-a-program", "questions-to-ask-a-program", "program"),
    ("cost-and-insurance", "questions-to-ask-your-insurer", "insurer"),
]
LANGUAGES = {"en": "", "es": "es/"}
# The long program page's labels, as each language's page writes them.
LABELS = {
    "en": ("Why it matters:", "A good answer:"),
    "es": ("Por qué importa:", "Una buena respuesta:"),
}


def _questions(language: str) -> dict:
    """The questions as a page in ``language`` sees them (the Spanish words laid over)."""
    if language == "en":
        return yaml.safe_load(ENGLISH_DATA)
    data, errors = language_data(REPO / "content/data", REPO / "content/es/data", REPO)
    assert errors == []
    return data.values["questions"]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _without_markdown_links(text: str) -> str:
    return _flat(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text))


def _article(site: Path, prefix: str, name: str):
    document = lxml.html.fromstring((site / prefix / name / "index.html").read_text("utf-8"))
    return document.xpath("//article")[0]


def _boxes(article) -> list[str]:
    """The names of the page's tick boxes, in order (each box is named by its question)."""
    return [_flat(box.get("aria-label")) for box in article.xpath(".//input[@type='checkbox']")]


def _all_texts(data: dict, which: str) -> list[str]:
    if which == "insurer":
        return [_flat(item["text"]) for item in data["insurer"]]
    return [_flat(q["text"]) for group in data["program"] for q in group["questions"]]


# ------------------------------------------------------------------ the real site


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize(("page", "sheet", "which"), PAGES)
def test_page_and_sheet_show_exactly_the_datas_questions_in_order(
    built_site: Path, language: str, page: str, sheet: str, which: str
) -> None:
    expected = _all_texts(_questions(language), which)
    assert len(expected) >= 9
    prefix = LANGUAGES[language]
    assert _boxes(_article(built_site, prefix, page)) == expected
    assert _boxes(_article(built_site, prefix, sheet)) == expected


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_program_groups_keep_their_headings_and_ids_on_page_and_sheet(
    built_site: Path, language: str
) -> None:
    groups = [(g["id"], _flat(g["title"])) for g in _questions(language)["program"]]
    prefix = LANGUAGES[language]
    for name, level in (("choosing-a-program", "h3"), ("questions-to-ask-a-program", "h2")):
        article = _article(built_site, prefix, name)
        shown = [
            (h.get("id"), _flat(h.text_content()).rstrip("¶").strip())
            for h in article.xpath(f".//{level}[@id]")
            if h.get("id") in {g for g, _ in groups}
        ]
        assert shown == groups, name


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_long_page_shows_why_and_a_good_answer_for_each_question(
    built_site: Path, language: str
) -> None:
    why_label, good_label = LABELS[language]
    questions = [q for g in _questions(language)["program"] for q in g["questions"]]
    items = _article(built_site, LANGUAGES[language], "choosing-a-program").xpath(
        ".//li[contains(@class, 'task-list-item')]"
    )
    assert len(items) == len(questions)
    for item, question in zip(items, questions, strict=True):
        text = _flat(item.text_content())
        assert text.startswith(_flat(question["text"]))
        assert f"{why_label} {_without_markdown_links(question['why'])}" in text
        assert f"{good_label} {_without_markdown_links(question['good_answer'])}" in text


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_each_sheet_has_blanks_a_notes_line_per_question_and_is_linked_from_its_page(
    built_site: Path, language: str
) -> None:
    prefix = LANGUAGES[language]
    for page, sheet, _ in PAGES:
        article = _article(built_site, prefix, sheet)
        boxes = _boxes(article)
        notes = article.xpath(".//li//span[@class='iop-worksheet__notes']")
        assert len(notes) == len(boxes)
        blanks = article.xpath(".//*[@class='iop-worksheet__blanks']/p")
        assert len(blanks) >= 3 and all(
            p.xpath("span[@class='iop-worksheet__blank']") for p in blanks
        )
        links = _article(built_site, prefix, page).xpath(f".//a[@href='../{sheet}/']")
        assert links, f"{prefix}{page} does not link to its sheet"
        assert article.xpath(f".//a[@href='../{page}/']"), f"{prefix}{sheet} does not link back"


def _nav_files(nav: list) -> list[str]:
    files = []
    for item in nav:
        value = next(iter(item.values()))
        files.extend(_nav_files(value) if isinstance(value, list) else [value])
    return files


def test_each_sheet_comes_right_after_its_page_in_the_navigation() -> None:
    files = _nav_files(yaml.safe_load((REPO / "site-config.yml").read_text("utf-8"))["nav"])
    for page, sheet, _ in PAGES:
        assert files[files.index(f"{page}.md") + 1] == f"{sheet}.md"


def _chapter_pages(reader: pypdf.PdfReader) -> dict[str, int]:
    """Each chapter's number of booklet pages, from the outline (one entry per chapter)."""
    starts = [
        (item.title, reader.get_destination_page_number(item))
        for item in reader.outline
        if not isinstance(item, list)
    ]
    ends = [start for _, start in starts[1:]] + [len(reader.pages)]
    return {title: end - start for (title, start), end in zip(starts, ends, strict=True)}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_each_sheet_is_one_page_of_the_booklet(built_site: Path, language: str) -> None:
    prefix = LANGUAGES[language]
    reader = pypdf.PdfReader(built_site / prefix / f"downloads/iop-guide-{language}.pdf")
    pages = _chapter_pages(reader)
    questions = _questions(language)
    for _, sheet, which in PAGES:
        source = (REPO / "content" / prefix / f"{sheet}.md").read_text("utf-8")
        title = yaml.safe_load(source.split("---\n")[1])["title"]
        assert pages[title] == 1, f"{title} takes {pages[title]} booklet pages"
        start = reader.get_destination_page_number(
            next(item for item in reader.outline if getattr(item, "title", "") == title)
        )
        text = _flat(reader.pages[start].extract_text())
        # The last question and the sources are on that one page.
        assert _all_texts(questions, which)[-1] in text
        assert "https://" in text


# ------------------------------------------------------------------ the pages follow the data


@pytest.fixture(scope="module")
def reworded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real project with one question of each list reworded in each language."""
    project = tmp_path_factory.mktemp("reworded") / "project"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copytree(REPO / "templates", project / "templates")
    config = (REPO / "site-config.yml").read_text("utf-8")
    config = replace_once(
        config, "max_reading_grade: 8", "max_reading_grade: 8\n      booklet: false"
    )
    write_files(
        project,
        {
            "site-config.yml": config,
            DATA_FILE: replace_once(
                replace_once(
                    ENGLISH_DATA,
                    "text: Which therapies do you use?",
                    "text: Which kinds of therapy do you offer here?",
                ),
                "text: If you say no, how do I appeal?",
                "text: If you say no, how can I ask you to look again?",
            ),
            SPANISH_DATA_FILE: replace_once(
                replace_once(
                    SPANISH_DATA,
                    "text: ¿Qué terapias usan?",
                    "text: ¿Qué tipos de terapia ofrecen aquí?",
                ),
                "text: Si me dicen que no, ¿cómo apelo?",
                "text: Si me dicen que no, ¿cómo pido que lo revisen otra vez?",
            ),
        },
    )
    out = project / "site"
    assert run_cli("build", "--config", str(project / "site-config.yml"), "--out", str(out)) == 0
    return out


REWORDED = {
    ("en", "program"): ("Which therapies do you use?", "Which kinds of therapy do you offer here?"),
    ("en", "insurer"): (
        "If you say no, how do I appeal?",
        "If you say no, how can I ask you to look again?",
    ),
    ("es", "program"): ("¿Qué terapias usan?", "¿Qué tipos de terapia ofrecen aquí?"),
    ("es", "insurer"): (
        "Si me dicen que no, ¿cómo apelo?",
        "Si me dicen que no, ¿cómo pido que lo revisen otra vez?",
    ),
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize(("page", "sheet", "which"), PAGES)
def test_rewording_a_question_in_the_data_changes_the_page_and_the_sheet(
    reworded_site: Path, language: str, page: str, sheet: str, which: str
) -> None:
    old, new = REWORDED[(language, which)]
    prefix = LANGUAGES[language]
    for name in (page, sheet):
        boxes = _boxes(_article(reworded_site, prefix, name))
        assert new in boxes and old not in boxes, f"{prefix}{name}"
        assert len(boxes) == len(_all_texts(_questions(language), which))


# ------------------------------------------------------------------ located errors


def _check_output(project: Path, capsys) -> tuple[int, str]:
    code = run_cli("check", "--config", str(project / "site-config.yml"))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _bad_case(
    old: str, new: str, needle: str, message: str, lines_before: int = 0
) -> tuple[str, int, str]:
    """The real file with ``old`` replaced, the line the error must name (``lines_before`` the
    line holding ``needle``), and its message."""
    text = replace_once(ENGLISH_DATA, old, new)
    return text, line_of(text, needle) - lines_before, message


BAD_DATA_CASES = {
    # A missing key is reported at the item that lacks it.
    "a question without its why": _bad_case(
        "        why: You should be cared for by trained and licensed people.\n",
        "",
        "- id: staff",
        "missing required key 'why'",
    ),
    "a misspelt key": _bad_case(
        "    text: Are video or phone visits",
        "    txet: Are video or phone visits",
        "txet: Are video",
        "did you mean 'text'?",
    ),
    "two questions with one id": _bad_case(
        "  - id: appeal\n    text: If you say no",
        "  - id: telehealth\n    text: If you say no",
        "text: If you say no",
        "a second item with the id 'telehealth'",
        lines_before=1,
    ),
    "an id that is not an id": _bad_case(
        "      - id: therapies\n",
        "      - id: Which therapies\n",
        "id: Which therapies",
        "'Which therapies' is not an id",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_DATA_CASES))
def test_a_bad_questions_file_is_a_located_error(make_project, capsys, case: str) -> None:
    text, line, message = BAD_DATA_CASES[case]
    project = make_project({DATA_FILE: text})
    code, output = _check_output(project, capsys)
    assert code == 1
    assert f"{DATA_FILE}:{line}:" in output, output
    assert message in output and "fix:" in output
    assert "Traceback" not in output


def test_the_real_questions_file_has_no_errors(make_project, capsys) -> None:
    project = make_project({DATA_FILE: ENGLISH_DATA})
    code, output = _check_output(project, capsys)
    assert code == 0, output


def _bilingual_project(tmp_path: Path, files: dict[str, str]) -> Path:
    project = tmp_path / "bilingual"
    shutil.copytree(REPO / "templates", project / "templates")
    write_files(project, {**bilingual_files(), **files})
    return project


def test_a_spanish_question_without_its_words_is_a_located_error(tmp_path: Path, capsys) -> None:
    missing = "        why: Le deben atender personas capacitadas y con licencia.\n"
    text = replace_once(SPANISH_DATA, missing, "")
    project = _bilingual_project(tmp_path, {SPANISH_DATA_FILE: text})
    code, output = _check_output(project, capsys)
    assert code == 1
    # The missing text is pointed at the item that lacks it, and at the English words.
    assert f"{SPANISH_DATA_FILE}:{line_of(text, '- id: staff')}" in output, output
    assert "no translation of 'program[0].questions[1].why'" in output
    english_line = line_of(ENGLISH_DATA, "why: You should be cared for")
    assert f"({DATA_FILE}, line {english_line})" in output
    assert "Traceback" not in output


def test_a_spanish_question_with_an_unknown_id_is_a_located_error(tmp_path: Path, capsys) -> None:
    text = replace_once(SPANISH_DATA, "  - id: deductible\n", "  - id: deductable\n")
    project = _bilingual_project(tmp_path, {SPANISH_DATA_FILE: text})
    code, output = _check_output(project, capsys)
    assert code == 1
    assert f"{SPANISH_DATA_FILE}:{line_of(text, 'id: deductable')}" in output, output
    assert "there is no item with id 'deductable'" in output
    assert "Traceback" not in output


def test_the_real_spanish_words_cover_every_question(tmp_path: Path, capsys) -> None:
    project = _bilingual_project(tmp_path, {})
    code, output = _check_output(project, capsys)
    assert code == 0, output
    # Every reader-visible text of the English file has Spanish words, none left in English.
    english, spanish = yaml.safe_load(ENGLISH_DATA), _questions("es")
    for which in ("program", "insurer"):
        for old, new in zip(_all_texts(english, which), _all_texts(spanish, which), strict=True):
            assert old != new, f"no Spanish words for {old!r}"
