"""Safety properties of the real rules in content/data/assessment.yml, over 20,000 random complete
sets of answers plus every one-answer change from a calm and from a risky baseline (the whole
space, some 45 million sets, is too large to try).

Each property is one of the promises of issue 9: danger answers always lead to urgent help, more
risk never lowers the level, daily opioid use always brings the medicine and naloxone messages,
pregnancy with opioid use never leaves withdrawal management as the only path, a "not sure"
about withdrawal always puts a caution above the level and never suggests less than a "yes",
and confusion is always urgent.
"""

from __future__ import annotations

import random
import re

import pytest
import yaml

from generator.assessment import RuleEngine, question_options
from tests.conftest import REPO

DATA = yaml.safe_load((REPO / "content/data/assessment.yml").read_text(encoding="utf-8"))
OPTIONS = question_options(DATA)
LEVELS = [level["id"] for level in DATA["levels"]]
RANK = {level: index for index, level in enumerate(LEVELS)}
URGENT_LEVELS = {level["id"] for level in DATA["levels"] if level.get("urgent")}
MESSAGES = {message["id"]: message for message in DATA["messages"]}
ENGINE = RuleEngine(DATA)
DANGER = {
    (question["id"], option["id"])
    for step in DATA["steps"]
    for question in step["questions"]
    for option in question["options"]
    if option.get("danger")
}
OPIOID_USE = {"treatment", "some_days", "daily"}


def _samples() -> list[dict[str, str]]:
    rng = random.Random(20261128)
    cases = [
        {name: rng.choice(choices) for name, choices in OPTIONS.items()} for _ in range(20_000)
    ]
    for baseline in (
        {name: choices[0] for name, choices in OPTIONS.items()},
        {name: choices[-1] for name, choices in OPTIONS.items()},
    ):
        cases.append(baseline)
        for name, choices in OPTIONS.items():
            cases.extend(
                {**baseline, name: choice} for choice in choices if choice != baseline[name]
            )
    return cases


SAMPLES = _samples()


@pytest.fixture(scope="module")
def results():
    return [(answers, ENGINE.evaluate(answers)) for answers in SAMPLES]


def test_the_samples_cover_every_answer_and_every_level(results) -> None:
    for name, choices in OPTIONS.items():
        assert {answers[name] for answers, _ in results} == set(choices), name
    assert {result.level for _, result in results} == set(LEVELS)


def test_any_danger_answer_leads_to_an_urgent_result(results) -> None:
    checked = 0
    for answers, result in results:
        if any((name, answer) in DANGER for name, answer in answers.items()):
            assert ENGINE.is_urgent(result), answers
            urgent_messages = [m for m in result.messages if MESSAGES[m].get("urgent")]
            assert result.level in URGENT_LEVELS or urgent_messages, answers
            checked += 1
    assert checked > len(results) // 2


def test_more_risk_never_lowers_the_level(results) -> None:
    """Options are listed from least to most risk: one answer moved one step down the list,
    every other answer unchanged, never gives a less intensive level (a larger rank)."""
    comparisons = 0
    for answers, result in results:
        for name, choices in OPTIONS.items():
            position = choices.index(answers[name])
            if position + 1 < len(choices):
                riskier = ENGINE.evaluate({**answers, name: choices[position + 1]})
                assert RANK[riskier.level] <= RANK[result.level], (name, answers)
                comparisons += 1
    assert comparisons > len(results) * 10


def test_daily_opioid_use_always_shows_medicine_and_naloxone(results) -> None:
    checked = 0
    for answers, result in results:
        if answers["opioids"] == "daily":
            assert {"opioid-medicine", "overdose-safety"} <= set(result.messages), answers
            checked += 1
    assert checked > 1_000


def test_pregnancy_with_opioids_never_leaves_withdrawal_management_alone(results) -> None:
    withdrawal_results = 0
    for answers, result in results:
        if answers["pregnant"] == "yes" and answers["opioids"] in OPIOID_USE:
            assert "pregnancy-and-opioids" in result.messages, answers
            assert MESSAGES["pregnancy-and-opioids"]["urgent"]
            # Opioid use alone never asks for withdrawal management: only alcohol, sedatives or
            # a past severe withdrawal can.
            assert "daily-opioids" not in result.reasons or result.level != "withdrawal"
            withdrawal_results += result.level == "withdrawal"
    assert withdrawal_results > 100  # the case the property is about does occur


def test_not_sure_about_withdrawal_puts_the_caution_above_the_level(results) -> None:
    checked = 0
    for answers, result in results:
        if "not_sure" in (answers["withdrawal_history"], answers["withdrawal_signs"]):
            # Messages are shown above the level, and this one also at once, under the question.
            assert "withdrawal-unsure" in result.messages, answers
            checked += 1
    assert MESSAGES["withdrawal-unsure"]["urgent"]
    assert checked > 1_000


def test_not_sure_on_a_danger_question_never_suggests_less_than_the_danger_answer(
    results,
) -> None:
    """Not knowing is no reason to suggest less care: on a question with a danger answer, "I'm
    not sure" leads to at least the level that answer leads to, whatever the other answers."""
    unsure = {
        question: {option for q, option in DANGER if q == question}
        for question, choices in OPTIONS.items()
        if "not_sure" in choices and any(q == question for q, _ in DANGER)
    }
    assert set(unsure) == {"withdrawal_history", "withdrawal_signs"}
    checked = 0
    for answers, _ in results:
        for question, dangers in unsure.items():
            for danger in dangers:
                as_danger = ENGINE.evaluate({**answers, question: danger})
                as_unsure = ENGINE.evaluate({**answers, question: "not_sure"})
                assert RANK[as_unsure.level] <= RANK[as_danger.level], (question, answers)
                checked += 1
    assert checked > len(results)


def test_very_confused_is_always_urgent(results) -> None:
    checked = 0
    for answers, result in results:
        if answers["confused"] == "yes":
            assert RANK[result.level] <= RANK["medical"], answers
            assert "medical" in result.alerts
            checked += 1
    assert checked > 1_000


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"opioids": "daily"}, {"messages": {"opioid-medicine", "overdose-safety"}}),
        ({"pregnant": "yes", "opioids": "daily"}, {"messages": {"pregnancy-and-opioids"}}),
        ({"alcohol": "heavy_most_days"}, {"level": "withdrawal"}),
        ({"withdrawal_signs": "yes"}, {"level": "withdrawal"}),
        ({"sedatives": "prescribed"}, {"messages": {"prescribed-sedatives"}}),
        ({"withdrawal_history": "not_sure", "withdrawal_signs": "not_sure"},
         {"messages": {"withdrawal-unsure"}}),
        ({"confused": "yes"}, {"level": "medical"}),
        ({"physical": "serious"}, {"level": "medical"}),
        ({"age": "teen"}, {"messages": {"teen"}}),
        ({"history": "returned_to_use"}, {"level": "iop"}),
        ({"home": "violence"}, {"messages": {"violence-at-home"}}),
        ({"opioids": "treatment"}, {"messages": {"keep-taking-medicine"}}),
        ({"sedatives": "prescribed", "alcohol": "heavy_some_days"},
         {"messages": {"mixing-sedatives"}}),
    ],
    ids=[
        "1-daily-opioids", "2-pregnancy", "3-heavy-drinking-almost-every-day",
        "3-withdrawal-signs", "4-prescribed-sedatives", "5-not-sure-twice", "6-confused",
        "7-worsening-health", "8-teen", "9-returned-to-use", "10-violence",
        "11-medicine-as-prescribed", "combination-sedatives-and-alcohol",
    ],
)  # fmt: skip
def test_each_finding_of_the_review_from_calm_answers(answers, expected) -> None:
    calm = {name: choices[0] for name, choices in OPTIONS.items()}
    result = ENGINE.evaluate({**calm, **answers})
    if "level" in expected:
        assert result.level == expected["level"]
    assert expected.get("messages", set()) <= set(result.messages)
    # The calm answers alone show none of these: the finding's answers are what brings them.
    before = ENGINE.evaluate(calm)
    assert before.level == "outpatient" and before.messages == ()


def test_questions_for_a_professional_cover_medicine_and_pregnancy_where_they_apply() -> None:
    calm = {name: choices[0] for name, choices in OPTIONS.items()}
    assert "opioid-medicine" not in ENGINE.evaluate(calm).asks
    assert "opioid-medicine" in ENGINE.evaluate({**calm, "opioids": "daily"}).asks
    assert "keep-medicine" in ENGINE.evaluate({**calm, "opioids": "treatment"}).asks
    assert "alcohol-medicine" in ENGINE.evaluate({**calm, "alcohol": "heavy_some_days"}).asks
    assert "pregnancy" in ENGINE.evaluate({**calm, "pregnant": "yes"}).asks
    assert "pregnancy" not in ENGINE.evaluate(calm).asks


def test_every_text_has_a_you_and_a_they_version() -> None:
    """Finding 11: the "someone I care about" wording keeps what the "you" wording says."""
    texts = [m["text"] for m in DATA["messages"]] + [n["text"] for n in DATA["notes"]]
    assert all(set(text) == {"self", "other"} for text in texts)
    keep = MESSAGES["keep-taking-medicine"]["text"]
    assert "talk to your doctor before you change it" in " ".join(keep["self"].lower().split())
    assert "talk to their doctor before they change it" in " ".join(keep["other"].lower().split())


def test_each_urgent_level_lists_first_the_line_its_text_sends_the_reader_to(built_site) -> None:
    """The urgent box under "Medical care today" says to call emergency services first, so 911
    comes first there; "withdrawal management" says to call the helpline first. The order comes
    from each level's `lines` in assessment.yml."""
    crisis = yaml.safe_load((REPO / "site-config.yml").read_text(encoding="utf-8"))["extra"][
        "crisis"
    ]
    calls = {key: crisis[key]["call"] for key in ("lifeline", "emergency", "helpline")}
    html = (built_site / "self-assessment" / "index.html").read_text(encoding="utf-8")
    checked = 0
    for level in DATA["levels"]:
        if not level.get("urgent"):
            continue
        start = html.index(f'data-urgent="{level["id"]}"')
        box = html[start : html.index("</ul>", start)]
        shown = [re.sub(r"\D", "", number) for number in re.findall(r'href="tel:([^"]+)"', box)]
        assert shown == [re.sub(r"\D", "", str(calls[key])) for key in level["lines"]], level["id"]
        checked += 1
    medical = next(level for level in DATA["levels"] if level["id"] == "medical")
    assert medical["lines"][0] == "emergency"
    assert checked == len(URGENT_LEVELS)
