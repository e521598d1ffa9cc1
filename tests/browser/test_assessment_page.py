"""The self-assessment page in real Chromium, driven by real clicks and key presses: the danger
screen shows help at once, each scenario ends at the right level with the right reasons, and the
page is private, accessible, usable at 320 px, printable, and complete without JavaScript.

Expected levels and reasons are written out per scenario (not computed by the engine under test);
the wording shown for each reason is read from content/data/assessment.yml.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from generator.assessment import engine_data, evaluate, question_options
from generator.data_files import load_data_files
from generator.page_rendering import (
    make_page_environment,
    page_context,
    render_data_files,
    tel_href,
)
from tests.browser_helpers import assert_answers_kept_on_page, axe_violations
from tests.conftest import REPO

PATH = "self-assessment/"
EXTRA = yaml.safe_load((REPO / "site-config.yml").read_text(encoding="utf-8"))["extra"]


def _assessment_as_built() -> dict:
    """The data file as the page gets it: its text may quote other data files ({{ ... }})."""
    data, errors = load_data_files(REPO / "content" / "data", REPO)
    env = make_page_environment(REPO / "templates")
    errors += render_data_files(env, data, page_context(EXTRA, data.values, {}, {}))
    assert errors == [], [error.format() for error in errors]
    return data.values["assessment"]


DATA = _assessment_as_built()
CRISIS = EXTRA["crisis"]
OPTIONS = question_options(DATA)
RULES = {rule["id"]: rule for rule in DATA["rules"]}
LEVELS = {level["id"]: level for level in DATA["levels"]}
# The least risky answer to every question: a first treatment, mild use, a supportive home.
CALM = {name: choices[0] for name, choices in OPTIONS.items()}


def words(text: str) -> str:
    return " ".join(text.split())


def choose_audience(page, audience: str) -> None:
    page.click(f"label[for='audience-{audience}']")
    page.click("#step-audience [data-action='next']")


def answer_step(page, step: dict, answers: dict[str, str]) -> None:
    for question in step["questions"]:
        page.click(f"label[for='q-{question['id']}-{answers[question['id']]}']")
    page.click(f"#step-{step['id']} [data-action='next']")


def walk(page, audience: str, answers: dict[str, str]) -> None:
    choose_audience(page, audience)
    for step in DATA["steps"]:
        answer_step(page, step, answers)


def shown_result(page) -> dict:
    result = page.locator(".iop-result")
    assert result.is_visible()
    levels = result.locator("[data-level]:visible")
    assert levels.count() == 1
    return {
        "level": levels.get_attribute("data-level"),
        "reasons": [
            words(t) for t in result.locator(".iop-result__reasons li:visible").all_inner_texts()
        ],
        "also": [
            words(t) for t in result.locator(".iop-result__also li:visible").all_inner_texts()
        ],
        "notes": [
            words(t) for t in result.locator(".iop-result__notes li:visible").all_inner_texts()
        ],
    }


def wait_for_animations(page) -> None:
    """Let Material's scroll-driven back-to-top button settle: it appears a moment after the page
    scrolls and fades in, and axe must not measure it half-transparent."""
    page.evaluate("() => { window.settledState = undefined; }")
    page.wait_for_function(
        """() => {
            const top = document.querySelector(".md-top");
            const state = top ? top.hidden + "/" + getComputedStyle(top).opacity : "";
            const busy = document.getAnimations().some((a) => a.playState === "running");
            const now = performance.now();
            if (busy || window.settledState !== state) {
                window.settledState = state;
                window.settledSince = now;
                return false;
            }
            return now - window.settledSince > 400;
        }"""
    )


def expect_crisis_lines(panel) -> None:
    for line in ("lifeline", "emergency", "helpline"):
        assert panel.locator(f"a[href='{tel_href(CRISIS[line]['call'])}']").count() >= 1, line


# ------------------------------------------------------------------ scenarios

SCENARIOS = [
    pytest.param(
        "self", {"harm": "yes"}, "crisis", ["harm-thoughts"], [], id="thoughts-of-suicide",
    ),
    pytest.param(
        "self", {"withdrawal_history": "yes"}, "withdrawal", ["past-withdrawal"], [],
        id="seizures-in-past-withdrawal",
    ),
    pytest.param(
        "other", {"alcohol": "heavy_most_days", "home": "stressful"}, "withdrawal",
        ["heavy-drinking-most-days"], ["stressful-home"], id="heavy-drinking-almost-every-day",
    ),
    pytest.param(
        "other", {"harm": "yes", "sedatives": "misused"}, "crisis", ["harm-thoughts"],
        ["misused-sedatives"], id="crisis-overrides-withdrawal",
    ),
    pytest.param(
        "self", {"history": "stepping_down", "responsibilities": "yes"}, "iop", ["stepping-down"],
        [], id="step-down-after-residential-with-a-stable-home",
    ),
    pytest.param(
        "self", {}, "outpatient", ["manageable-use", "supportive-home"], [],
        id="first-treatment-mild-use-supportive-home",
    ),
    pytest.param("self", {"home": "unsafe"}, "residential", ["unsafe-home"], [], id="unsafe-home"),
    pytest.param(
        "self", {"mental": "hard_to_cope", "hours": "no"}, "php", ["hard-to-cope"], [],
        id="mental-health-makes-days-very-hard",
    ),
    pytest.param(
        "self", {"continued_use": "very_hard", "home": "stressful"}, "residential",
        ["very-hard-to-stop-with-stress-at-home"], ["very-hard-to-stop", "stressful-home"],
        id="very-hard-to-stop-with-stress-at-home",
    ),
    pytest.param(
        "other", {"mental": "struggling", "continued_use": "hard", "transport": "no"}, "iop",
        ["struggling", "hard-to-stop"], [], id="someone-i-care-about",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("audience", "changes", "level", "reasons", "also"), SCENARIOS)
def test_scenario_ends_at_its_level_with_its_reasons(
    make_page, audience, changes, level, reasons, also
) -> None:
    page = make_page(PATH)
    answers = {**CALM, **changes}
    walk(page, audience, answers)
    shown = shown_result(page)
    assert shown["level"] == level
    assert shown["reasons"] == [words(RULES[r]["because"][audience]) for r in reasons]
    assert shown["also"] == [words(RULES[r]["because"][audience]) for r in also]
    notes = {note["id"]: note for note in DATA.get("notes") or []}
    expected_notes = evaluate(DATA, answers).notes
    assert shown["notes"] == [words(notes[n]["text"][audience]) for n in expected_notes]
    # The level links to its own section; the result is announced and focused.
    link = page.locator(f".iop-result [data-level='{level}'] a")
    assert link.get_attribute("href") == "../" + LEVELS[level]["link"]
    status = page.locator(".iop-status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == f"Your result: {LEVELS[level]['name']}."
    assert page.evaluate("document.activeElement.id") == "iop-result-title"
    # What to do next: the organisation's contact and the questions to take along.
    organisation = EXTRA["organisation"]
    assert page.locator(f".iop-result a[href='{tel_href(organisation['phone'])}']").is_visible()
    assert page.locator(f".iop-result a[href='mailto:{organisation['email']}']").is_visible()
    asked = page.locator(".iop-result h3:has-text('Questions to ask') + ul li:visible")
    assert asked.count() == len(evaluate(DATA, answers).asks)
    for urgent in ("crisis", "medical", "withdrawal"):
        box = page.locator(f".iop-result [data-alert='{urgent}']")
        assert box.is_visible() == (urgent in evaluate(DATA, answers).alerts)
    if LEVELS[level].get("urgent"):
        expect_crisis_lines(page.locator(f".iop-result [data-alert='{level}']"))
    assert page.outside_requests == []


DANGER_ANSWERS = [
    ("harm", "yes", "crisis"),
    ("confused", "yes", "medical"),
    ("withdrawal_history", "yes", "withdrawal"),
    ("alcohol", "heavy_most_days", "withdrawal"),
    ("sedatives", "misused", "withdrawal"),
    ("opioids", "daily", "message-opioid-medicine"),
    ("withdrawal_signs", "yes", "withdrawal"),
]


def _urgent_wording(key: str, audience: str) -> str:
    if key.startswith("message-"):
        message = next(m for m in DATA["messages"] if m["id"] == key.removeprefix("message-"))
        return words(message["text"][audience])
    return words(LEVELS[key]["now"][audience])


def test_every_danger_answer_is_in_the_browser_test() -> None:
    danger = {
        (q["id"], o["id"]) for s in DATA["steps"] for q in s["questions"] for o in q["options"]
        if o.get("danger")
    }  # fmt: skip
    assert danger == {(question, answer) for question, answer, _ in DANGER_ANSWERS}


@pytest.mark.parametrize(("question", "answer", "key"), DANGER_ANSWERS)
@pytest.mark.parametrize("audience", ["self", "other"])
def test_danger_answer_shows_help_at_once(make_page, question, answer, key, audience) -> None:
    page = make_page(PATH)
    choose_audience(page, audience)
    step = next(s for s in DATA["steps"] if question in [q["id"] for q in s["questions"]])
    for earlier in DATA["steps"]:
        if earlier is step:
            break
        answer_step(page, earlier, CALM)
    panel = page.locator(f"#q-{question} ~ .iop-urgent[data-urgent='{key}']")
    assert panel.count() == 0
    page.click(f"label[for='q-{question}-{answer}']")
    # Before any other question and before "Continue": right under the answer, announced.
    assert panel.is_visible()
    assert panel.get_attribute("role") == "alert"
    assert _urgent_wording(key, audience) in words(panel.inner_text())
    if key.startswith("message-"):
        helpline = tel_href(CRISIS["helpline"]["call"])
        assert panel.locator(f"a[href='{helpline}']").count() == 1
    else:
        expect_crisis_lines(panel)
    # Changing the answer back takes the message away again.
    page.click(f"label[for='q-{question}-{OPTIONS[question][0]}']")
    assert not page.locator(".iop-form .iop-urgent:visible").count()


def test_withdrawal_message_warns_against_stopping_suddenly(make_page) -> None:
    page = make_page(PATH)
    choose_audience(page, "self")
    answer_step(page, DATA["steps"][0], CALM)
    page.click("label[for='q-alcohol-heavy_most_days']")
    text = words(page.locator("#q-alcohol ~ .iop-urgent[data-urgent='withdrawal']").inner_text())
    assert "Do not stop or cut down suddenly on your own" in text
    assert "can cause seizures" in text


def test_someone_i_care_about_switches_every_wording(make_page) -> None:
    page = make_page(PATH)
    harm = page.locator("#q-harm legend")
    text = DATA["steps"][0]["questions"][0]["text"]
    choose_audience(page, "self")
    assert words(harm.inner_text()) == words(text["self"])
    page.click("#step-safety [data-action='back']")
    choose_audience(page, "other")
    assert words(harm.inner_text()) == words(text["other"])
    assert page.locator("#step-safety h3").inner_text() == DATA["steps"][0]["title"]["other"]
    label = page.locator("label[for='q-withdrawal_history-no']")
    assert label.inner_text() == DATA["steps"][0]["questions"][2]["options"][0]["label"]["other"]
    assert not re.search(r"\b(you|your)\b", harm.inner_text())


def test_a_question_left_unanswered_is_pointed_out(make_page) -> None:
    page = make_page(PATH)
    choose_audience(page, "self")
    page.click("label[for='q-harm-no']")
    page.click("#step-safety [data-action='next']")
    assert page.locator("#step-safety").is_visible()
    errors = page.locator("#step-safety .iop-q__error:visible")
    assert errors.count() == 2
    assert page.evaluate("document.activeElement.id") == "q-confused-no"
    page.click("label[for='q-confused-no']")
    assert errors.count() == 1


def test_back_keeps_answers_and_start_again_clears_them(make_page) -> None:
    page = make_page(PATH)
    choose_audience(page, "self")
    answer_step(page, DATA["steps"][0], CALM)
    page.click("#step-substances [data-action='back']")
    assert page.locator("#step-safety").is_visible()
    assert page.locator("#q-harm-no").is_checked()
    answer_step(page, DATA["steps"][0], {**CALM, "harm": "yes"})
    for step in DATA["steps"][1:]:
        answer_step(page, step, CALM)
    assert shown_result(page)["level"] == "crisis"
    page.click(".iop-result [data-action='restart']")
    assert page.locator(".iop-result").is_hidden()
    assert page.locator("#step-audience").is_visible()
    assert page.locator(".iop-form input:checked").count() == 0
    assert page.locator(".iop-urgent:visible").count() == 0
    assert page.evaluate("document.activeElement.id") == "step-audience-title"


# ------------------------------------------------------------------ keyboard only


def _tab_to(page, condition: str, limit: int = 150) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return {condition}; }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {condition}")


def test_keyboard_only_walk_through(make_page) -> None:
    page = make_page(PATH)
    answers = {**CALM, "history": "stepping_down", "home": "stressful"}
    _tab_to(page, "e.name === 'audience'")
    page.keyboard.press("ArrowDown")  # moves to, and chooses, "someone I care about"
    assert page.locator("#audience-other").is_checked()
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2, "keyboard focus must be visible"
    _tab_to(page, "e.dataset.action === 'next' && e.offsetParent !== null")
    page.keyboard.press("Enter")
    for step in DATA["steps"]:
        assert page.evaluate("document.activeElement.id") == f"step-{step['id']}-title"
        for question in step["questions"]:
            _tab_to(page, f"e.name === '{question['id']}'")
            position = OPTIONS[question["id"]].index(answers[question["id"]])
            if position == 0:
                page.keyboard.press("Space")
            for _ in range(position):
                page.keyboard.press("ArrowDown")
            assert page.locator(f"#q-{question['id']}-{answers[question['id']]}").is_checked()
        _tab_to(page, "e.dataset.action === 'next' && e.offsetParent !== null")
        page.keyboard.press("Enter")
    shown = shown_result(page)
    assert shown["level"] == "iop"
    assert shown["reasons"] == [
        words(RULES[r]["because"]["other"]) for r in ("stepping-down", "stressful-home")
    ]
    _tab_to(page, "e.dataset.action === 'restart'")
    page.keyboard.press("Enter")
    assert page.locator("#step-audience").is_visible()
    assert page.locator(".iop-form input:checked").count() == 0


# ------------------------------------------------------------------ privacy


def test_answers_never_leave_the_page(make_page) -> None:
    page = make_page(PATH)
    page.wait_for_load_state("networkidle")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    walk(page, "other", {**CALM, "opioids": "daily", "home": "violence"})
    page.click(".iop-result [data-action='restart']")
    walk(page, "self", CALM)
    assert_answers_kept_on_page(page, requests)
    assert page.outside_requests == []
    assert page.locator("#step-audience").is_visible()


# ------------------------------------------------------------------ accessibility and layout


@pytest.mark.parametrize("width", [1280, 375])
def test_no_axe_violations_at_start_mid_way_and_at_the_result(make_page, width: int) -> None:
    page = make_page(PATH, width=width)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == [], "initial state"
    choose_audience(page, "other")
    page.click("label[for='q-harm-yes']")
    page.click("#step-safety [data-action='next']")  # two questions left: errors shown
    # The pointer rests on "Continue"; its hover colour is Material's, measured elsewhere.
    page.mouse.move(0, 0)
    wait_for_animations(page)
    assert axe_violations(page) == [], "mid-way, with urgent help and errors shown"
    answer_step(page, DATA["steps"][0], {**CALM, "harm": "yes"})
    for step in DATA["steps"][1:]:
        answer_step(page, step, {**CALM, "home": "stressful", "hours": "no"})
    wait_for_animations(page)
    assert shown_result(page)["level"] == "crisis"
    assert axe_violations(page) == [], "result"


def _overflow(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_nothing_overflows_at_320_px(make_page) -> None:
    page = make_page(PATH, width=320, height=640)
    assert _overflow(page) <= 0
    choose_audience(page, "other")
    answer_step(page, DATA["steps"][0], CALM)
    page.click("label[for='q-opioids-daily']")
    page.click("label[for='q-sedatives-prescribed']")
    assert _overflow(page) <= 0, "urgent help"
    answers = {
        **CALM,
        "opioids": "daily",
        "sedatives": "prescribed",
        "alcohol": "heavy_most_days",
        "home": "violence",
        "responsibilities": "yes",
    }
    for step in DATA["steps"][1:]:
        assert _overflow(page) <= 0, step["id"]
        answer_step(page, step, answers)
    assert shown_result(page)["level"] == "withdrawal"
    assert _overflow(page) <= 0, "result"
    wide = page.evaluate(
        """() => [...document.querySelectorAll('.iop-assess *')]
            .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth)
            .map((e) => e.className)"""
    )
    assert wide == []


# ------------------------------------------------------------------ without JavaScript, printing


def test_without_javascript_every_question_shows_with_a_guide(make_page) -> None:
    page = make_page(PATH, javascript=False)
    questions = [q for step in DATA["steps"] for q in step["questions"]]
    for question in questions:
        fieldset = page.locator(f"fieldset#q-{question['id']}")
        assert fieldset.is_visible(), question["id"]
        for option in question["options"]:
            assert fieldset.locator(f"#q-{question['id']}-{option['id']}").is_visible()
    assert page.locator("fieldset").count() == len(questions) + 1
    assert page.locator("[data-js-only]:visible").count() == 0
    assert page.locator(".iop-result").is_hidden()
    guide = page.locator(".iop-guide")
    assert guide.is_visible() and guide.get_attribute("open") is not None
    guide_text = words(guide.inner_text())
    for rule in DATA["rules"]:
        assert words(rule["because"]["self"]) in guide_text
    # The static safety note gives the crisis lines even with no script to react to answers.
    expect_crisis_lines(page.locator("#step-safety .iop-urgent-note"))
    # Wording still follows the first answer (CSS only).
    page.click("label[for='audience-other']")
    assert words(page.locator("#q-harm legend").inner_text()) == words(
        questions[0]["text"]["other"]
    )


def test_print_shows_only_the_answers_and_the_result(make_page) -> None:
    page = make_page(PATH)
    answers = {**CALM, "home": "unsafe"}
    walk(page, "self", answers)
    page.emulate_media(media="print")
    assert page.locator(".iop-result").is_visible()
    assert page.locator(".iop-actions").is_hidden()
    assert page.locator("article h1").is_hidden()
    assert page.locator(".iop-review").is_hidden()
    assert page.locator(".iop-guide").is_hidden()
    for name, answer in answers.items():
        assert page.locator(f"label[for='q-{name}-{answer}']").is_visible(), name
        for other in OPTIONS[name]:
            if other != answer:
                assert page.locator(f"label[for='q-{name}-{other}']").is_hidden()
    assert page.locator(".iop-step__nav:visible").count() == 0


def test_printing_without_javascript_gives_the_answers_and_the_guide(make_page) -> None:
    page = make_page(PATH, javascript=False)
    page.click("label[for='q-home-unsafe']")
    page.emulate_media(media="print")
    assert page.locator(".iop-guide").is_visible()
    assert page.locator("article h1").is_hidden()
    assert page.locator("label[for='q-home-supportive']").is_hidden()
    # A question not answered yet keeps its options, so the printout works as a paper form.
    assert page.locator("label[for='q-harm-yes']").is_visible()


# ------------------------------------------------------------------ the build


def test_page_carries_the_data_file_as_its_rules(make_page) -> None:
    page = make_page(PATH)
    exported = json.loads(page.locator("#assessment-data").text_content())
    # Only what the script reads: its rules and ids. The words are in the page's HTML.
    assert exported == engine_data(DATA)


def test_every_level_links_to_an_existing_section(built_site: Path) -> None:
    for level in DATA["levels"]:
        path, _, anchor = level["link"].partition("#")
        target = built_site / path / "index.html"
        assert target.is_file(), level["link"]
        if anchor:
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), level["link"]
