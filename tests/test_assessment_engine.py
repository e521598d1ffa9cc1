"""The self-assessment's data file and reference engine: a broken assessment.yml is rejected with
its file and line, and the real rules keep their safety promises for every combination of answers.

Every case edits a copy of the real content/data/assessment.yml, so the tests follow the file as
editors change it; expected lines are found in the edited text, never typed as numbers.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.assessment import (
    RuleEngine,
    engine_data,
    evaluate,
    question_options,
    validate_assessment,
)
from generator.yaml_loader import load_yaml_text
from tests.conftest import REPO

SHOWN_PATH = "content/data/assessment.yml"
REAL_TEXT = (REPO / SHOWN_PATH).read_text(encoding="utf-8")
DATA = yaml.safe_load(REAL_TEXT)
OPTIONS = question_options(DATA)
LEVELS = [level["id"] for level in DATA["levels"]]
URGENT = {level["id"] for level in DATA["levels"] if level.get("urgent")}


def edited(*replacements: tuple[str, str]) -> str:
    """The real file with each ``old`` replaced by ``new``; each must occur exactly once."""
    text = REAL_TEXT
    for old, new in replacements:
        assert text.count(old) == 1, f"the test's anchor {old!r} is not unique in {SHOWN_PATH}"
        text = text.replace(old, new)
    return text


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line holding ``fragment`` (at the start of the line
    when ``fragment`` starts with its indentation, so list items at other depths do not count)."""
    hits = [
        number
        for number, line in enumerate(text.splitlines(), 1)
        if line.startswith(fragment) or (not fragment.startswith(" ") and fragment in line)
    ]
    assert len(hits) >= occurrence, f"{fragment!r} occurs {len(hits)} times"
    return hits[occurrence - 1]


def errors_for(text: str):
    return validate_assessment(load_yaml_text(text, SHOWN_PATH))


# ------------------------------------------------------------------ the real file


def test_real_file_is_valid() -> None:
    assert [error.format() for error in errors_for(REAL_TEXT)] == []


def test_validation_is_fast_enough_for_every_build() -> None:
    loaded = load_yaml_text(REAL_TEXT, SHOWN_PATH)
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        validate_assessment(loaded)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.05


def test_levels_with_their_links() -> None:
    links = {level["id"]: level["link"] for level in DATA["levels"]}
    assert links == {
        "crisis": "get-help-now/",
        "medical": "get-help-now/",
        "withdrawal": "levels-of-care/#withdrawal-management",
        "residential": "levels-of-care/#residential",
        "php": "levels-of-care/#php",
        "iop": "levels-of-care/#iop",
        "outpatient": "levels-of-care/#outpatient",
    }
    assert {"crisis", "medical", "withdrawal"} == URGENT


def test_questions_cover_the_six_asam_dimensions_and_practical_fit() -> None:
    used = {q["dimension"] for step in DATA["steps"] for q in step["questions"]}
    assert used == set(DATA["dimensions"])
    assert len(used) == 7


def test_no_phone_number_is_typed_into_the_data_file() -> None:
    # The page takes every number from site-config.yml; a number typed here would go stale.
    for number in ("988", "911", "662-4357", "010-0123", "222-1222", "799-7233", "88788", "435748"):
        assert number not in REAL_TEXT


# ------------------------------------------------------------------ broken files, with lines

# The lines after harm's "yes" answer, which make that answer's id unique in the file.
_HARM_YES_REST = '            label: "Yes"\n            danger: true\n\n      - id: confused'

BROKEN = [
    pytest.param(
        [('when: {harm: "yes"}', 'when: {harmm: "yes"}')],
        "when: {harmm",
        "names an unknown question 'harmm'",
        id="rule-names-unknown-question",
    ),
    pytest.param(
        [("when: {home: [unsafe, violence]}", "when: {home: [unsafe, violent]}")],
        "when: {home: [unsafe, violent]}",
        "rule names an unknown answer 'violent' for question 'home'",
        id="rule-names-unknown-answer",
    ),
    pytest.param(
        [("when: {readiness: [unsure, not_ready]}", "when: {readiness: [unsure, not_redy]}")],
        "not_redy",
        "names an unknown answer 'not_redy' for question 'readiness'",
        id="note-names-unknown-answer-in-a-list",
    ),
    pytest.param(
        [
            (
                "  - id: health\n",
                "      - id: sleep\n"
                "        dimension: physical\n"
                "        text:\n"
                "          self: How do you sleep?\n"
                "          other: How do they sleep?\n"
                "        options:  # none yet\n\n"
                "  - id: health\n",
            )
        ],
        "options:  # none yet",
        "question 'sleep' has no options",
        id="question-with-empty-options",
    ),
    pytest.param(
        [
            (
                "  - id: health\n",
                "      - id: sleep\n"
                "        dimension: physical\n"
                "        text:\n"
                "          self: How do you sleep?\n"
                "          other: How do they sleep?\n"
                "        options: []\n\n"
                "  - id: health\n",
            )
        ],
        "options: []",
        "question 'sleep' has no options",
        id="question-with-options-list-empty",
    ),
    pytest.param(
        [
            (
                "  - id: health\n",
                "      - id: sleep\n"
                "        dimension: physical\n"
                "        text:\n"
                "          self: How do you sleep?\n"
                "          other: How do they sleep?\n\n"
                "  - id: health\n",
            )
        ],
        "- id: sleep",
        "question 'sleep' has no options",
        id="question-without-options-key",
    ),
    pytest.param(
        [("      - id: transport\n", "      - id: hours\n")],
        ("- id: hours", 2),
        "duplicate question id 'hours' (first used on line",
        id="duplicate-question-id",
    ),
    pytest.param(
        [("          - id: not_ready\n", "          - id: unsure\n")],
        ("- id: unsure", 2),
        "duplicate answer (in question 'readiness') id 'unsure'",
        id="duplicate-answer-id",
    ),
    pytest.param(
        [("  - id: php\n", "  - id: iop\n")],
        ("  - id: iop", 2),
        "duplicate level id 'iop'",
        id="duplicate-level-id",
    ),
    pytest.param(
        [("  - id: stressful-home\n", "  - id: struggling\n")],
        ("  - id: struggling", 2),
        "duplicate rule, message or note id 'struggling'",
        id="duplicate-rule-id",
    ),
    pytest.param(
        [
            (
                "    when: {mental: hard_to_cope}\n    level: php",
                "    when: {mental: hard_to_cope}\n    level: phpp",
            )
        ],
        "level: phpp",
        "unknown level 'phpp'",
        id="rule-names-unknown-level",
    ),
    pytest.param(
        [('when: {harm: "yes"}', "when: {harm: yes}")],
        "when: {harm: yes}",
        "the answer for 'harm' was read as true, not as text",
        id="unquoted-yes-in-a-rule",
    ),
    pytest.param(
        [
            (
                '          - id: "yes"\n' + _HARM_YES_REST,
                "          - id: yes\n" + _HARM_YES_REST,
            )
        ],
        "          - id: yes",
        "this id was read as true, not as text",
        id="unquoted-yes-as-an-answer-id",
    ),
    pytest.param(
        # php's two rules become residential ones: nothing asks for php any more.
        [
            (
                "    when: {mental: hard_to_cope}\n    level: php",
                "    when: {mental: hard_to_cope}\n    level: residential",
            ),
            (
                "    when: {continued_use: very_hard}\n    level: php",
                "    when: {continued_use: very_hard}\n    level: residential",
            ),
        ],
        "  - id: php",
        "level 'php' can never be the result",
        id="level-without-rules",
    ),
    pytest.param(
        # php is still named by a rule, but every answer that reaches it reaches residential too:
        # only reasoning over combinations of rules can tell.
        [
            (
                "    when: {mental: hard_to_cope}\n    level: php",
                "    when: {mental: hard_to_cope}\n    level: residential",
            ),
            (
                "  - id: hard-to-cope\n",
                "  - id: very-hard-to-stop-at-a-calm-home\n"
                "    when: {continued_use: very_hard, home: [supportive]}\n"
                "    level: residential\n"
                "    sources: [samhsa-iop-2021]\n"
                "    because: {self: a, other: b}\n\n"
                "  - id: hard-to-cope\n",
            ),
        ],
        "  - id: php",
        "level 'php' can never be the result",
        id="level-shadowed-by-a-combination-of-rules",
    ),
    pytest.param(
        [
            (
                "  - id: manageable-use\n",
                '  - id: everyone\n    when: {hours: ["yes", "no"]}\n    level: iop\n'
                "    sources: [samhsa-iop-2021]\n"
                "    because: {self: a, other: b}\n\n  - id: manageable-use\n",
            )
        ],
        "  - id: outpatient",
        "level 'outpatient' can never be the result",
        id="last-level-never-reached",
    ),
    pytest.param(
        [('    when: {harm: "yes"}', '    when: {harm: "yes", home: unsafe}')],
        ("            danger: true", 1),
        "danger answer 'yes' to 'harm' does not by itself lead to an urgent level",
        id="danger-answer-without-its-own-urgent-rule",
    ),
    pytest.param(
        [
            (
                "    name: Crisis help now\n    urgent: true\n",
                "    name: Crisis help now\n    urgent: true\n    nw: x\n",
            )
        ],
        "    nw: x",
        "unknown key 'nw'",
        id="misspelt-key",
    ),
    pytest.param(
        [
            (
                "    sources: [fda-benzodiazepines-2020]\n    because:\n      self: you take sed",
                "    because:\n      self: you take sed",
            )
        ],
        "  - id: misused-sedatives",
        "missing required key 'sources'",
        id="rule-without-a-source",
    ),
    pytest.param(
        [
            (
                "    level: php\n    sources: [samhsa-iop-2021]\n    because:\n      self: your",
                "    level: php\n    sources: [samhsa-iop-2012]\n    because:\n      self: your",
            )
        ],
        "sources: [samhsa-iop-2012]",
        "unknown source 'samhsa-iop-2012'",
        id="rule-names-an-unknown-source",
    ),
    pytest.param(
        [("    sources: [hotline]\n", "    sources: [hotlines]\n")],
        "sources: [hotlines]",
        "unknown source 'hotlines'",
        id="message-names-an-unknown-source",
    ),
    pytest.param(
        [("    sources: [hotline]\n", "    sources: []\n")],
        "    sources: []",
        "no source given",
        id="message-with-an-empty-source-list",
    ),
    pytest.param(
        [("    url: https://www.thehotline.org/\n", "    url: www.thehotline.org\n")],
        "    url: www.thehotline.org",
        "'www.thehotline.org' is not an https:// address",
        id="source-without-https-url",
    ),
    pytest.param(
        [
            (
                "  hotline:\n    title: National Domestic Violence Hotline\n",
                "  hotline:\n    titel: National Domestic Violence Hotline\n",
            )
        ],
        "    titel: National",
        "unknown key 'titel'",
        id="source-with-a-misspelt-key",
    ),
    pytest.param(
        [("    lines: [violence, emergency]\n", "    lines: [violence, police]\n")],
        "    lines: [violence, police]",
        "unknown help line 'police'",
        id="message-names-an-unknown-help-line",
    ),
    pytest.param(
        [
            (
                "    when: {home: violence}\n    urgent: true\n",
                "    when: {home: violence}\n    urgent: often\n",
            )
        ],
        "    urgent: often",
        "expected true or false, found 'often'",
        id="message-urgent-not-true-or-false",
    ),
    pytest.param(
        [
            (
                "daily]}\n    urgent: true\n    lines: [emergency]\n    link: {page: overdose.md, "
                'text: "Overdose: naloxone and what to do"}\n    sources: [fda-naloxone',
                "daily]}\n    urgent: true\n    lines: [emergency]\n    link: {page: overdose/, "
                'text: "Overdose: naloxone and what to do"}\n    sources: [fda-naloxone',
            )
        ],
        "link: {page: overdose/",
        "'overdose/' is not a page file name",
        id="message-link-not-a-page-file",
    ),
    pytest.param(
        [
            (
                '    link: {page: teens-and-young-adults.md, text: "Teens and young adults"}\n',
                "    link: {page: teens-and-young-adults.md}\n",
            )
        ],
        "    link: {page: teens-and-young-adults.md}",
        "missing required key 'text'",
        id="message-link-without-its-words",
    ),
    pytest.param(
        [("      - {withdrawal_signs: not_sure}\n", "      - {withdrawal_signs: unsure}\n")],
        "      - {withdrawal_signs: unsure}",
        "message names an unknown answer 'unsure' for question 'withdrawal_signs'",
        id="unknown-answer-in-a-list-of-alternatives",
    ),
    pytest.param(
        [("      - {withdrawal_signs: not_sure}\n", "      - withdrawal_signs\n")],
        "      - withdrawal_signs",
        "each item of a message's `when` list must name questions and answers",
        id="alternative-that-is-not-a-mapping",
    ),
    pytest.param(
        [
            (
                '    when: {pregnant: "yes"}\n    text:\n      self: >-\n        Do you work',
                '    when: {pregnnant: "yes"}\n    text:\n      self: >-\n        Do you work',
            )
        ],
        "when: {pregnnant",
        "question for a professional names an unknown question 'pregnnant'",
        id="question-for-a-professional-names-an-unknown-question",
    ),
    pytest.param(
        [("  - id: mixing-sedatives\n", "  - id: hard-to-stop\n")],
        ("  - id: hard-to-stop", 2),
        "duplicate rule, message or note id 'hard-to-stop'",
        id="message-id-used-by-a-rule",
    ),
    pytest.param(
        [
            (
                "    when: {opioids: [some_days, daily]}\n    urgent: true\n",
                "    when: {opioids: [some_days, daily]}\n",
            ),
            (
                "    when: {opioids: [treatment, some_days, daily]}\n    urgent: true\n",
                "    when: {opioids: [treatment, some_days, daily]}\n",
            ),
        ],
        ("            danger: true", 6),  # the sixth danger answer: opioids, daily
        "danger answer 'daily' to 'opioids' does not by itself lead to an urgent level",
        id="danger-answer-whose-message-is-no-longer-urgent",
    ),
    pytest.param(
        [("  hotline:\n    title:", "  Hotline:\n    title:")],
        "  Hotline:",
        "'Hotline' is not a valid id",
        id="source-id-not-lower-case",
    ),
    pytest.param(
        [("    year: 2014\n", "    year: twenty fourteen\n")],
        "    year: twenty fourteen",
        "expected a whole number, found 'twenty fourteen'",
        id="source-year-not-a-number",
    ),
    pytest.param(
        [("    lines: [violence, emergency]\n", "    lines: violence\n")],
        "    lines: violence",
        "expected a list, found 'violence'",
        id="message-lines-not-a-list",
    ),
    pytest.param(
        [
            (
                "    sources: [niaaa-navigator, niaaa-drinking-levels, niaaa-too-much]\n",
                "    sources: [niaaa]\n",
            )
        ],
        "    sources: [niaaa]",
        "unknown source 'niaaa'",
        id="note-names-an-unknown-source",
    ),
    pytest.param(
        [("  - id: cost\n", "  - id: family\n")],
        ("  - id: family", 2),
        "duplicate question for a professional id 'family'",
        id="duplicate-question-for-a-professional",
    ),
    pytest.param(
        [
            (
                "    title:\n      self: You deserve to be safe\n"
                "      other: They deserve to be safe\n",
                "",
            )
        ],
        "  - id: violence-at-home",
        "missing required key 'title'",
        id="message-without-a-title",
    ),
]


@pytest.mark.parametrize(("replacements", "where", "message"), BROKEN)
def test_broken_file_is_rejected_with_file_and_line(replacements, where, message) -> None:
    text = edited(*replacements)
    fragment, occurrence = where if isinstance(where, tuple) else (where, 1)
    expected_line = line_of(text, fragment.strip("\n"), occurrence)
    errors = errors_for(text)
    located = [(error.path, error.line) for error in errors if message in error.message]
    assert located == [(SHOWN_PATH, expected_line)], [error.format() for error in errors]
    assert (
        f"{SHOWN_PATH}:{expected_line}:" in next(e for e in errors if message in e.message).format()
    )


def test_danger_questions_must_come_first() -> None:
    option = "          - id: hard_to_cope\n"
    text = edited((option, option + "            danger: true\n"))
    errors = errors_for(text)
    ordering = [(e.line, e.message) for e in errors if "comes after" in e.message]
    assert ordering == [
        (
            line_of(text, "      - id: mental"),
            "question 'mental' has danger answers but comes after 'age', which has none",
        )
    ], [e.format() for e in errors]


def test_urgent_level_needs_its_message() -> None:
    start = REAL_TEXT.index("    now:\n      self: >-\n        Call or text")
    end = REAL_TEXT.index("  - id: medical\n")
    text = REAL_TEXT[:start] + "\n" + REAL_TEXT[end:]
    errors = errors_for(text)
    assert [(e.line, e.message) for e in errors] == [
        (line_of(text, "    urgent: true"), "urgent level 'crisis' has no `now` message")
    ]


def test_urgent_level_needs_its_crisis_lines() -> None:
    text = edited(
        ("    urgent: true\n    lines: [lifeline, emergency, helpline]\n", "    urgent: true\n")
    )
    errors = errors_for(text)
    assert [(e.line, e.message) for e in errors] == [
        (
            line_of(text, "    urgent: true"),
            "urgent level 'crisis' does not say which crisis lines to show",
        )
    ]


def test_every_problem_is_reported_in_one_run() -> None:
    text = edited(
        ('when: {harm: "yes"}', 'when: {harmm: "yes"}'),
        ("when: {home: [unsafe, violence]}", "when: {home: [unsafe, unsafe_place]}"),
        (
            "    when: {mental: hard_to_cope}\n    level: php",
            "    when: {mental: hard_to_cope}\n    level: phpp",
        ),
    )
    assert len(errors_for(text)) == 3


def test_check_command_stops_on_a_broken_file(make_project) -> None:
    """End to end: `iop-guide check` fails and names the file and line, as an editor sees it."""
    text = edited(("when: {home: [unsafe, violence]}", "when: {home: [unsafe, unsafe_place]}"))
    project = make_project({SHOWN_PATH: text})
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "check",
            "--config",
            str(project / "site-config.yml"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 1
    expected = f"{SHOWN_PATH}:{line_of(text, 'unsafe_place')}:"
    assert expected in result.stderr
    assert "unknown answer 'unsafe_place'" in result.stderr


def test_build_exports_the_rules_and_the_page_script(make_project, tmp_path: Path) -> None:
    """The page carries the data file as JSON, and the engine and styles are published."""
    from tests.conftest import build

    project = make_project(
        {
            SHOWN_PATH: REAL_TEXT,
            "content/self-assessment.md": (REPO / "content/self-assessment.md").read_text(),
            "content/how-this-tool-decides.md": (
                REPO / "content/how-this-tool-decides.md"
            ).read_text(),
            "content/data/levels.yml": (REPO / "content/data/levels.yml").read_text(),
        }
    )
    out = tmp_path / "out"
    assert build(project, "--out", str(out)) == 0
    html = (out / "self-assessment/index.html").read_text(encoding="utf-8")
    start = html.index('<script type="application/json" id="assessment-data">') + len(
        '<script type="application/json" id="assessment-data">'
    )
    exported = json.loads(html[start : html.index("</script>", start)])
    # The text quotes the hours of each level from levels.yml instead of typing them again.
    levels = yaml.safe_load((REPO / "content/data/levels.yml").read_text())["levels"]
    expected = json.dumps(DATA)
    for expression in set(re.findall(r"\{\{ data\.levels\.levels\.(\w+)\.(\w+) \}\}", expected)):
        level, key = expression
        expected = expected.replace(
            f"{{{{ data.levels.levels.{level}.{key} }}}}", str(levels[level][key])
        )
    assert "{{" not in expected
    # The page's script gets the rules; the words (hours quoted) are in the page's HTML.
    assert exported == engine_data(json.loads(expected))
    for text in (level["name"] for level in json.loads(expected)["levels"]):
        assert text in html
    assert '<script src="../assets/javascripts/assessment.js" defer></script>' in html
    assert (out / "assets/javascripts/assessment.js").is_file()
    assert (out / "assets/stylesheets/assessment.css").is_file()
    # One fieldset per question plus the "who is this about" question, each a real radio group.
    assert html.count("<fieldset") == sum(len(s["questions"]) for s in DATA["steps"]) + 1
    assert html.count('type="radio"') == sum(len(o) for o in OPTIONS.values()) + 2
    # "How this tool decides" is built from the same file: every question and answer is on it.
    decides = (out / "how-this-tool-decides/index.html").read_text(encoding="utf-8")
    for question, answers in OPTIONS.items():
        for answer in answers:
            assert f'data-question="{question}" data-answer="{answer}"' in decides


# ------------------------------------------------------------------ the reference engine


def test_unanswered_questions_match_nothing() -> None:
    result = evaluate(DATA, {})
    assert (result.level, result.reasons, result.alerts) == ("outpatient", (), ())


def test_a_single_danger_answer_is_enough_mid_way() -> None:
    result = evaluate(DATA, {"harm": "yes"})
    assert (result.level, result.reasons, result.alerts) == (
        "crisis",
        ("harm-thoughts",),
        ("crisis",),
    )


def test_reasons_decide_and_also_lists_the_rest() -> None:
    result = evaluate(
        DATA,
        {
            "withdrawal_history": "yes",
            "home": "unsafe",
            "mental": "struggling",
            "continued_use": "manageable",
        },
    )
    assert result.level == "withdrawal"
    assert result.reasons == ("past-withdrawal",)
    # Lower-level rules that still ask for more than outpatient, in file order; outpatient's
    # own rules ("manageable-use") are not worth a mention next to withdrawal management.
    assert result.also == ("unsafe-home", "struggling")
    assert result.alerts == ("withdrawal",)


def test_notes_apply_only_at_their_levels() -> None:
    both = {"responsibilities": "yes", "hours": "no"}
    assert evaluate(DATA, {**both, "history": "not_enough"}).notes == (
        "keep-up-with-life",
        "hours-hard",
    )
    assert evaluate(DATA, {**both, "home": "unsafe"}).notes == ("time-away",)


# ------------------------------------------------------------------ the reachability check

_LEVEL_IDS = ["l0", "l1", "l2", "l3"]


@st.composite
def small_assessments(draw):
    """Random small assessment files: 2 to 4 questions, up to 6 rules of one or two conditions."""
    question_count = draw(st.integers(2, 4))
    questions = {
        f"q{index}": [f"a{answer}" for answer in range(draw(st.integers(2, 3)))]
        for index in range(question_count)
    }
    rules = []
    for index in range(draw(st.integers(0, 6))):
        names = draw(
            st.lists(st.sampled_from(sorted(questions)), min_size=1, max_size=2, unique=True)
        )
        when = {
            name: draw(
                st.lists(st.sampled_from(questions[name]), min_size=1, unique=True).map(sorted)
            )
            for name in names
        }
        rules.append(
            {
                "id": f"r{index}",
                "when": when,
                "level": draw(st.sampled_from(_LEVEL_IDS)),
                "because": {"self": "x", "other": "y"},
                "sources": ["s"],
            }
        )
    wording = {"self": "x", "other": "y"}
    return {
        "sources": {"s": {"title": "T", "publisher": "P", "url": "https://example.org/"}},
        "audience": {"legend": "Who?", "self": "Me", "other": "Them"},
        "dimensions": {"d": "D"},
        "levels": [
            {"id": level, "name": level, "link": "x/", "summary": wording} for level in _LEVEL_IDS
        ],
        "steps": [
            {
                "id": "s",
                "title": wording,
                "questions": [
                    {
                        "id": name,
                        "dimension": "d",
                        "text": wording,
                        "options": [{"id": answer, "label": answer} for answer in answers],
                    }
                    for name, answers in questions.items()
                ],
            }
        ],
        "rules": rules,
        "ask_a_professional": [{"id": "a", "text": wording}],
    }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_assessments())
def test_reachability_check_agrees_with_trying_every_combination(data) -> None:
    loaded = load_yaml_text(yaml.safe_dump(data, sort_keys=False), SHOWN_PATH)
    errors = validate_assessment(loaded)
    flagged = {
        error.message.split("'")[1] for error in errors if "never be the result" in error.message
    }
    assert all("never be the result" in error.message for error in errors), errors
    engine = RuleEngine(data)
    options = question_options(data)
    reached = {
        engine.evaluate(dict(zip(options, combo, strict=True))).level
        for combo in itertools.product(*options.values())
    }
    assert flagged == set(_LEVEL_IDS) - reached


def test_help_lines_are_the_crisis_lines_of_site_config() -> None:
    """A message may name only lines the page can show: the keys of extra.crisis."""
    from generator.assessment import HELP_LINES

    config = yaml.safe_load((REPO / "site-config.yml").read_text(encoding="utf-8"))
    assert set(HELP_LINES) == set(config["extra"]["crisis"])


def test_check_command_stops_on_an_unknown_source(make_project) -> None:
    text = edited(("    sources: [hotline]\n", "    sources: [hotlines]\n"))
    project = make_project({SHOWN_PATH: text})
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "check",
            "--config",
            str(project / "site-config.yml"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 1
    assert f"{SHOWN_PATH}:{line_of(text, 'sources: [hotlines]')}:" in result.stderr
    assert "unknown source 'hotlines'" in result.stderr


def test_answer_effects_name_levels_messages_and_combinations() -> None:
    from generator.assessment import answer_effects

    steps = answer_effects(DATA)
    options = {
        (question["id"], option["id"]): option
        for step in steps
        for question in step["questions"]
        for option in question["options"]
    }
    assert set(options) == {(q, a) for q, answers in OPTIONS.items() for a in answers}
    daily = {(e["kind"], e["id"]) for e in options[("opioids", "daily")]["effects"]}
    assert {("rule", "daily-opioids"), ("message", "opioid-medicine")} <= daily
    assert ("message", "overdose-safety") in daily
    mixing = [
        e
        for e in options[("alcohol", "heavy_some_days")]["effects"]
        if e["id"] == "mixing-sedatives"
    ]
    assert len(mixing) == 1 and mixing[0]["together"][0]["question"].startswith("Do you take")
    assert options[("harm", "no")]["effects"] == []
    assert options[("harm", "yes")]["danger"] is True
    assert all(e["sources"] for o in options.values() for e in o["effects"] if e["kind"] != "ask")
