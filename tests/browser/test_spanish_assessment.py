"""The Spanish self-assessment (/es/self-assessment/) in real Chromium, driven by real clicks:
every urgent path (each danger-screen answer that leads to crisis help, medical care today or
withdrawal management, and each urgent safety message) in both wordings, "Sobre mí" (self) and
"Sobre alguien que me importa" (other). The help shows at once under the answer and again above
the result, in Spanish, with the crisis lines' tel: links; the result names its level in Spanish;
the page never calls itself a diagnosis; it is accessible at the start and at the result; and
the answers never leave the page.

Expected levels and message ids are written out per path (not computed by the engine under
test); the Spanish wording is read from content/es/data/assessment.yml, the overlay the page is
built from. Questions, answers and rules are shared with the English page, so the helpers of
test_assessment_page.py drive this page as they drive the English one.
"""

from __future__ import annotations

import re

import pytest
import yaml

from generator.page_rendering import tel_href
from tests.browser.test_assessment_page import (
    CALM,
    CRISIS,
    DATA,
    LEVELS,
    answer_step,
    choose_audience,
    expect_crisis_lines,
    shown_result,
    wait_for_animations,
    walk,
    words,
)
from tests.browser_helpers import assert_answers_kept_on_page, axe_violations
from tests.conftest import REPO

PATH = "es/self-assessment/"
SPANISH = yaml.safe_load(
    (REPO / "content" / "es" / "data" / "assessment.yml").read_text(encoding="utf-8")
)
ES_LEVELS = {level["id"]: level for level in SPANISH["levels"]}
ES_MESSAGES = {message["id"]: message for message in SPANISH["messages"]}
MESSAGES = {message["id"]: message for message in DATA["messages"]}
AUDIENCES = ["self", "other"]

# Each danger-screen answer, the help it shows at once (a level's "now", or a message), and the
# result a walk-through with every other answer calm ends at: level, alerts, safety messages.
URGENT_PATHS = [
    pytest.param({"harm": "yes"}, "crisis", ["crisis"], [], id="harm-crisis"),
    pytest.param({"confused": "yes"}, "medical", ["medical"], [], id="confused-medical-today"),
    pytest.param({"withdrawal_history": "yes"}, "withdrawal", ["withdrawal"], [],
                 id="seizures-in-past-withdrawal"),
    pytest.param({"alcohol": "heavy_most_days"}, "withdrawal", ["withdrawal"], [],
                 id="heavy-drinking-most-days"),
    pytest.param({"sedatives": "misused"}, "withdrawal", ["withdrawal"], [],
                 id="misused-sedatives"),
    pytest.param({"withdrawal_signs": "yes"}, "withdrawal", ["withdrawal"], [],
                 id="withdrawal-signs-now"),
    pytest.param({"opioids": "daily"}, "iop", [], ["opioid-medicine", "overdose-safety"],
                 id="daily-opioids"),
    # The other urgent safety messages.
    pytest.param({"sedatives": "prescribed"}, "outpatient", [], ["prescribed-sedatives"],
                 id="prescribed-sedatives"),
    pytest.param({"withdrawal_history": "not_sure", "withdrawal_signs": "not_sure"},
                 "withdrawal", ["withdrawal"], ["withdrawal-unsure"], id="withdrawal-unsure"),
    pytest.param({"home": "violence"}, "residential", [], ["violence-at-home"],
                 id="violence-at-home"),
    pytest.param({"pregnant": "yes", "opioids": "daily"}, "iop", [],
                 ["opioid-medicine", "overdose-safety", "pregnancy-and-opioids", "pregnancy-care"],
                 id="pregnancy-with-opioids"),
    pytest.param({"sedatives": "misused", "opioids": "treatment"}, "withdrawal", ["withdrawal"],
                 ["overdose-safety", "keep-taking-medicine", "mixing-sedatives"],
                 id="sedatives-with-opioid-medicine"),
]  # fmt: skip

# The danger-screen answers and what each shows at once, under the question.
DANGER_ANSWERS = [
    ("harm", "yes", "crisis"),
    ("confused", "yes", "medical"),
    ("withdrawal_history", "yes", "withdrawal"),
    ("alcohol", "heavy_most_days", "withdrawal"),
    ("sedatives", "misused", "withdrawal"),
    ("opioids", "daily", "message-opioid-medicine"),
    ("withdrawal_signs", "yes", "withdrawal"),
]

# Words that would make the page a diagnosis; any sentence using one must deny it.
_DIAGNOSIS = re.compile(r"diagn[oó]s", re.IGNORECASE)
_DENIAL = re.compile(r"\b(no|ni|not)\b", re.IGNORECASE)


def assert_never_a_diagnosis(page, where: str) -> None:
    """Every visible sentence that speaks of a diagnosis (in Spanish or English) says the page
    is not one."""
    text = words(page.locator("article").inner_text())
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if _DIAGNOSIS.search(sentence):
            assert _DENIAL.search(sentence), f"{where}: {sentence!r}"


def _expect_lines(box, keys: list[str]) -> None:
    for key in keys:
        assert box.locator(f"a[href='{tel_href(CRISIS[key]['call'])}']").count() >= 1, key


def _open(make_page, width: int = 1280):
    page = make_page(PATH, width=width)
    assert page.evaluate("document.documentElement.lang") == "es"
    return page


# ------------------------------------------------------------------ the data is the Spanish one


def test_every_danger_answer_and_urgent_message_is_walked_through() -> None:
    danger = {
        (q["id"], o["id"]) for s in DATA["steps"] for q in s["questions"] for o in q["options"]
        if o.get("danger")
    }  # fmt: skip
    assert danger == {(question, answer) for question, answer, _ in DANGER_ANSWERS}
    walked = {m for param in URGENT_PATHS for m in param.values[3]}
    assert {m["id"] for m in DATA["messages"] if m.get("urgent")} <= walked
    urgent_levels = {level["id"] for level in DATA["levels"] if level.get("urgent")}
    assert urgent_levels == {param.values[1] for param in URGENT_PATHS} & urgent_levels
    assert urgent_levels == {"crisis", "medical", "withdrawal"}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_page_speaks_spanish_in_both_wordings(make_page, audience: str) -> None:
    page = _open(make_page)
    assert words(page.locator("#q-audience legend").inner_text()) == words(
        SPANISH["audience"]["legend"]
    )
    label = page.locator(f"label[for='audience-{audience}']")
    assert words(label.inner_text()) == words(SPANISH["audience"][audience])
    choose_audience(page, audience)
    harm = next(q for q in SPANISH["steps"][0]["questions"] if q["id"] == "harm")
    assert words(page.locator("#q-harm legend").inner_text()) == words(harm["text"][audience])
    assert page.locator("#step-safety h3").inner_text() == SPANISH["steps"][0]["title"][audience]
    assert_never_a_diagnosis(page, "first step")


# ------------------------------------------------------------------ help at once


@pytest.mark.parametrize(("question", "answer", "key"), DANGER_ANSWERS)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_danger_answer_shows_spanish_help_at_once(
    make_page, question, answer, key, audience
) -> None:
    page = _open(make_page)
    choose_audience(page, audience)
    step = next(s for s in DATA["steps"] if question in [q["id"] for q in s["questions"]])
    for earlier in DATA["steps"]:
        if earlier is step:
            break
        answer_step(page, earlier, CALM)
    panel = page.locator(f"#q-{question} ~ .iop-urgent[data-urgent='{key}']")
    assert panel.count() == 0
    page.click(f"label[for='q-{question}-{answer}']")
    assert panel.is_visible()
    assert panel.get_attribute("role") == "alert"
    text = words(panel.inner_text())
    if key.startswith("message-"):
        message_id = key.removeprefix("message-")
        assert words(ES_MESSAGES[message_id]["text"][audience]) in text
        assert words(ES_MESSAGES[message_id]["title"][audience]) in text
        _expect_lines(panel, MESSAGES[message_id]["lines"])
    else:
        assert words(ES_LEVELS[key]["now"][audience]) in text
        assert words(panel.locator(".iop-urgent__title").inner_text()) == ES_LEVELS[key]["name"]
        expect_crisis_lines(panel)
    assert_never_a_diagnosis(page, "urgent help")


# ------------------------------------------------------------------ to the result


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize(("changes", "level", "alerts", "messages"), URGENT_PATHS)
def test_urgent_path_ends_at_its_level_named_in_spanish(
    make_page, changes, level, alerts, messages, audience
) -> None:
    page = _open(make_page, width=1280 if audience == "self" else 375)
    walk(page, audience, {**CALM, **changes})
    assert shown_result(page)["level"] == level
    level_box = page.locator(f".iop-result [data-level='{level}']")
    assert level_box.get_attribute("data-name") == ES_LEVELS[level]["name"]
    assert words(level_box.locator(".iop-result__name").inner_text()) == ES_LEVELS[level]["name"]
    assert words(ES_LEVELS[level]["summary"][audience]).split("{{")[0].strip() in words(
        level_box.inner_text()
    )
    # The level's own link leads to the Spanish page that explains it.
    link = level_box.locator("a").first.get_attribute("href")
    assert link == "../" + LEVELS[level]["link"], link
    first = page.locator(".iop-result__first")
    shown_alerts = [a.get_attribute("data-alert") for a in first.locator("[data-alert]").all()
                    if a.is_visible()]  # fmt: skip
    assert sorted(shown_alerts) == sorted(alerts)
    for alert_id in alerts:
        alert = first.locator(f"[data-alert='{alert_id}']")
        assert words(ES_LEVELS[alert_id]["now"][audience]) in words(alert.inner_text())
        assert alert.bounding_box()["y"] < level_box.bounding_box()["y"]
        expect_crisis_lines(alert)
    shown_messages = [m.get_attribute("data-message") for m in first.locator("[data-message]").all()
                      if m.is_visible()]  # fmt: skip
    assert sorted(shown_messages) == sorted(messages)
    for message_id in messages:
        box = first.locator(f"[data-message='{message_id}']")
        text = words(box.inner_text())
        assert words(ES_MESSAGES[message_id]["text"][audience]) in text, message_id
        assert words(ES_MESSAGES[message_id]["title"][audience]) in text, message_id
        assert box.bounding_box()["y"] < level_box.bounding_box()["y"], message_id
        _expect_lines(box, MESSAGES[message_id].get("lines") or [])
    if LEVELS[level].get("urgent"):
        expect_crisis_lines(first.locator(f"[data-alert='{level}']"))
    assert_never_a_diagnosis(page, "result")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_result_says_in_spanish_that_it_is_not_a_diagnosis(make_page, audience: str) -> None:
    page = _open(make_page)
    walk(page, audience, {**CALM, "confused": "yes"})
    assert shown_result(page)["level"] == "medical"
    lead = words(page.locator(".iop-result__lead").inner_text())
    assert re.search(r"\bno es un diagnóstico\b", lead, re.IGNORECASE), (
        f"the result does not say, in Spanish, that it is not a diagnosis: {lead!r}"
    )
    assert_never_a_diagnosis(page, "result")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_result_is_announced_in_spanish(make_page, audience: str) -> None:
    """The live region a screen reader speaks names the level in Spanish, in a Spanish
    sentence."""
    page = _open(make_page)
    walk(page, audience, {**CALM, "harm": "yes"})
    status = page.locator(".iop-status")
    assert status.get_attribute("aria-live") == "polite"
    announced = words(status.inner_text())
    assert ES_LEVELS["crisis"]["name"] in announced
    assert "Your result" not in announced, announced
    assert page.evaluate("document.activeElement.id") == "iop-result-title"


# ------------------------------------------------------------------ accessibility and privacy


@pytest.mark.parametrize("width", [1280, 375])
def test_no_axe_violations_at_start_and_at_the_result_in_spanish(make_page, width: int) -> None:
    page = _open(make_page, width=width)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == [], "initial state"
    choose_audience(page, "other")
    page.click("label[for='q-harm-yes']")
    page.mouse.move(0, 0)
    wait_for_animations(page)
    assert axe_violations(page) == [], "urgent help shown at once"
    answer_step(page, DATA["steps"][0], {**CALM, "harm": "yes"})
    for step in DATA["steps"][1:]:
        answer_step(page, step, {**CALM, "opioids": "daily", "home": "violence"})
    page.mouse.move(0, 0)
    wait_for_animations(page)
    assert shown_result(page)["level"] == "crisis"
    assert axe_violations(page) == [], "result"


def test_answers_never_leave_the_spanish_page(make_page) -> None:
    page = _open(make_page)
    page.wait_for_load_state("networkidle")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    walk(page, "other", {**CALM, "opioids": "daily", "home": "violence"})
    page.click(".iop-result [data-action='restart']")
    walk(page, "self", {**CALM, "harm": "yes", "sedatives": "misused"})
    assert_answers_kept_on_page(page, requests)
