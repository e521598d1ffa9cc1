"""The question sheets on paper, in real headless Chromium: each prints on exactly one page at
Letter and at A4, in both languages, with every question, boxes a pen can tick and lines to
write on; on screen each sheet has no axe-core violations.
"""

from __future__ import annotations

import io

import pypdf
import pytest
import yaml

from generator.editions import language_data
from tests.browser_helpers import axe_violations
from tests.conftest import REPO

SHEETS = ["questions-to-ask-a-program/", "questions-to-ask-your-insurer/"]
LANGUAGES = {"en": "", "es": "es/"}
PAPER = ["Letter", "A4"]


def _questions(language: str, sheet: str) -> list[str]:
    if language == "en":
        data = yaml.safe_load((REPO / "content/data/questions.yml").read_text("utf-8"))
    else:
        loaded, errors = language_data(REPO / "content/data", REPO / "content/es/data", REPO)
        assert errors == []
        data = loaded.values["questions"]
    if "insurer" in sheet:
        return [item["text"] for item in data["insurer"]]
    return [q["text"] for group in data["program"] for q in group["questions"]]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("paper", PAPER)
@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("sheet", SHEETS)
def test_each_sheet_prints_on_one_page_with_every_question(
    make_page, sheet: str, language: str, paper: str
) -> None:
    page = make_page(LANGUAGES[language] + sheet)
    page.emulate_media(media="print")
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(format=paper)))
    assert len(pdf.pages) == 1, f"{language} {sheet} takes {len(pdf.pages)} {paper} pages"
    text = _flat(pdf.pages[0].extract_text())
    for question in _questions(language, sheet):
        assert _flat(question) in text, f"{question!r} is not on the printed sheet"
    # What every printed page keeps: the crisis lines and the written-out sources.
    assert "988" in text and "https://" in text
    assert page.outside_requests == []


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("sheet", SHEETS)
def test_tick_boxes_and_note_lines_are_visible_in_print(
    make_page, sheet: str, language: str
) -> None:
    page = make_page(LANGUAGES[language] + sheet)
    page.emulate_media(media="print")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.iop-worksheet .task-list-indicator')].map(e => {
            const box = getComputedStyle(e, '::before');
            return {border: parseFloat(box.borderTopWidth), color: box.borderTopColor,
                    width: parseFloat(box.width), height: parseFloat(box.height),
                    mask: box.maskImage || box.webkitMaskImage, shown: e.checkVisibility()};
        })"""
    )
    assert len(boxes) == len(_questions(language, sheet))
    for box in boxes:
        assert box["shown"] and box["border"] >= 1 and box["color"] == "rgb(0, 0, 0)", box
        assert box["width"] >= 10 and box["height"] >= 10 and box["mask"] == "none", box
    lines = page.evaluate(
        """() => [...document.querySelectorAll('.iop-worksheet__notes, .iop-worksheet__blank')]
            .map(e => ({border: parseFloat(getComputedStyle(e).borderBottomWidth),
                        width: e.getBoundingClientRect().width}))"""
    )
    assert len(lines) >= len(boxes) + 3
    assert all(line["border"] >= 1 and line["width"] >= 100 for line in lines), lines


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("sheet", SHEETS)
def test_each_sheet_has_no_axe_violations_on_screen(make_page, sheet: str, language: str) -> None:
    page = make_page(LANGUAGES[language] + sheet)
    assert axe_violations(page) == []
