"""Issue 13, the self-check's start screen, in real Chromium, in English and Spanish, on a phone
(375 x 800) and a desktop (1280 x 800): two lines, the danger line with its crisis numbers and
the Start button on the first screen; "not a diagnosis" in view; the rest of the introduction
folded under "More about these questions", closed until the reader opens it; Start leads to the
first question, with or without JavaScript; no heading stands empty once a result shows; and
axe-core finds nothing with the fold closed or open."""

from __future__ import annotations

import pytest
import yaml

from generator.page_rendering import tel_href
from tests.browser.test_assessment_page import CALM, CRISIS, walk, words
from tests.browser_helpers import axe_violations
from tests.conftest import REPO

LANGUAGES = {
    "en": ("self-assessment/", "content/self-assessment.md"),
    "es": ("es/self-assessment/", "content/es/self-assessment.md"),
}
SCREENS = [(375, 800), (1280, 800)]


def _strings(language: str) -> dict:
    path = REPO / "templates" / "strings" / f"{language}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _not_a_diagnosis(language: str) -> str:
    """The page's own bold "not a diagnosis" words, read from its Markdown."""
    source = (REPO / LANGUAGES[language][1]).read_text(encoding="utf-8")
    bold = [part.split("**")[0] for part in source.split("\n**")[1:]]
    found = [text for text in bold if "diagn" in text.lower()]
    assert found, f"{LANGUAGES[language][1]} no longer says in bold that it is not a diagnosis"
    return found[0]


def _in_first_screen(locator, height: int) -> None:
    assert locator.is_visible()
    box = locator.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, box


def _open(make_page, language: str, width: int, height: int, javascript: bool = True):
    page = make_page(LANGUAGES[language][0], width=width, height=height, javascript=javascript)
    assert page.evaluate("document.documentElement.lang") == language
    return page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_start_button_and_danger_line_are_on_the_first_screen(
    make_page, language: str, width: int, height: int
) -> None:
    page = _open(make_page, language, width, height)
    start = page.locator("article .iop-start__button")
    assert start.count() == 1
    assert words(start.inner_text()) == _strings(language)["assessment_start"]
    _in_first_screen(start, height)
    # The danger line comes before Start, with its numbers as links, outside the fold.
    for key in ("lifeline", "emergency"):
        link = page.locator(f"article a[href='{tel_href(CRISIS[key]['call'])}']").first
        _in_first_screen(link, height)
        assert link.bounding_box()["y"] < start.bounding_box()["y"], key
        assert link.evaluate("el => el.closest('details') === null"), key
    # "Not a diagnosis" is in sight, not folded away.
    denial = page.locator("article strong", has_text=_not_a_diagnosis(language)).first
    assert denial.is_visible()
    assert denial.evaluate("el => el.closest('details') === null")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_more_about_these_questions_is_closed_until_opened(
    make_page, language: str, width: int, height: int
) -> None:
    page = _open(make_page, language, width, height)
    more = page.locator("article details.iop-more")
    assert more.count() == 1
    summary = more.locator("summary")
    assert words(summary.inner_text()) == _strings(language)["assessment_more"]
    # Closed: the rest of the introduction (it links to more ways to get help) is in the page
    # but out of sight.
    assert more.get_attribute("open") is None
    inside = more.locator("a[href$='get-help-now/']")
    assert inside.count() == 1 and inside.is_hidden()
    summary.click()
    assert more.get_attribute("open") is not None
    assert inside.is_visible()
    # The fold holds only the page's introduction: the questions are not inside it.
    assert page.locator("details.iop-more .iop-assess, details.iop-more form").count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_start_leads_to_the_first_question(make_page, language: str, javascript: bool) -> None:
    page = _open(make_page, language, 375, 800, javascript=javascript)
    page.locator("article .iop-start__button").click()
    page.wait_for_url("**#the-questions")
    legend = page.locator("#q-audience legend")
    _in_first_screen(legend, 800)
    header = page.locator(".md-header").bounding_box()
    heading = page.locator("#the-questions").bounding_box()
    assert heading["y"] >= header["y"] + header["height"] - 1, "the sticky header hides it"


# A heading is empty when nothing visible follows it before the next heading of its rank or
# higher: the reader sees a title over nothing.
_EMPTY_HEADINGS = """() => {
    // Seen: rendered, not invisible, and larger than the 1 px boxes of screen-reader text.
    const shown = el => {
        const box = el.getBoundingClientRect();
        return el.getClientRects().length > 0 && box.width > 1 && box.height > 1
            && getComputedStyle(el).visibility !== "hidden";
    };
    const rank = el => Number(el.tagName[1]);
    const article = document.querySelector("article");
    const all = [...article.querySelectorAll("*")].filter(shown);
    const empty = [];
    all.forEach((el, i) => {
        if (!/^H[1-6]$/.test(el.tagName)) return;
        for (const next of all.slice(i + 1)) {
            if (el.contains(next)) continue;
            if (/^H[1-6]$/.test(next.tagName) && rank(next) <= rank(el)) break;
            const own = [...next.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
            if (own || /^(INPUT|BUTTON|SELECT|TEXTAREA|IMG)$/.test(next.tagName)) return;
        }
        empty.push(el.id || el.textContent.trim().slice(0, 40));
    });
    return empty;
}"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("urgent", [True, False], ids=["urgent", "calm"])
def test_no_heading_stands_empty_once_a_result_shows(
    make_page, language: str, width: int, urgent: bool
) -> None:
    page = _open(make_page, language, width, 800)
    walk(page, "self", dict(CALM, harm="yes") if urgent else CALM)
    assert page.locator(".iop-result").is_visible()
    assert page.evaluate(_EMPTY_HEADINGS) == []
    # The check does find the questions' heading if it showed over the hidden questions.
    page.evaluate("() => { document.getElementById('the-questions').style.display = 'block'; }")
    assert "the-questions" in page.evaluate(_EMPTY_HEADINGS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_start_screen_has_no_axe_violations_closed_or_open(
    make_page, language: str, width: int, height: int
) -> None:
    page = _open(make_page, language, width, height)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == [], "fold closed"
    page.locator("article details.iop-more summary").click()
    page.mouse.move(0, 0)  # the pointer leaves the summary: its hover colour is Material's
    assert page.locator("article details.iop-more").get_attribute("open") is not None
    assert axe_violations(page) == [], "fold open"
