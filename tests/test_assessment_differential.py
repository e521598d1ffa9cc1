"""The page's JavaScript engine against the Python reference, under Node: the same level, reasons,
safety messages, notes, questions for a professional and urgent alerts for 20,000 random complete
sets of answers (the whole space, some 45 million, is too large to try), every one-answer change
from a calm and a risky baseline, and random part-answered and malformed sets, as the page
evaluates mid-way.

The reader's audience ("you" or "they") is not an input of either engine: both return ids, and
the page shows the wording the template wrote for each id.
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.assessment import RuleEngine, question_options
from tests.conftest import REPO

SCRIPT = REPO / "templates/assets/javascripts/assessment.js"
DATA = yaml.safe_load((REPO / "content/data/assessment.yml").read_text(encoding="utf-8"))
OPTIONS = question_options(DATA)

# Node reads the data and a job, and prints one compact line per answer set, in the same order
# as Python's itertools.product (the last question changes fastest).
_NODE_RUNNER = r"""
const fs = require("fs");
const { evaluate } = require(process.argv[2]);
const data = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const job = JSON.parse(fs.readFileSync(process.argv[4], "utf8"));
const line = (r) => [r.level, r.reasons.join(","), r.also.join(","), r.messages.join(","),
                     r.notes.join(","), r.asks.join(","), r.alerts.join(",")].join("|");
const out = [];
if (job.exhaustive) {
  const names = Object.keys(job.options);
  const choices = names.map((n) => job.options[n]);
  const index = choices.map(() => 0);
  for (;;) {
    const answers = {};
    names.forEach((n, i) => { answers[n] = choices[i][index[i]]; });
    out.push(line(evaluate(data, answers)));
    let k = index.length - 1;
    while (k >= 0 && ++index[k] === choices[k].length) { index[k] = 0; k--; }
    if (k < 0) break;
  }
} else {
  for (const answers of job.cases) out.push(line(evaluate(data, answers)));
}
fs.writeFileSync(process.argv[5], out.join("\n") + "\n");
"""


def _line(result) -> str:
    return "|".join(
        [
            result.level,
            ",".join(result.reasons),
            ",".join(result.also),
            ",".join(result.messages),
            ",".join(result.notes),
            ",".join(result.asks),
            ",".join(result.alerts),
        ]
    )


def _run_node(tmp_path: Path, job: dict) -> list[str]:
    node = shutil.which("node")
    assert node, "Node.js is needed to run the page's engine (it is on every test machine)"
    runner = tmp_path / "runner.js"
    runner.write_text(_NODE_RUNNER, encoding="utf-8")
    data_file = tmp_path / "data.json"
    data_file.write_text(json.dumps(DATA), encoding="utf-8")
    job_file = tmp_path / "job.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    out = tmp_path / "out.txt"
    subprocess.run(
        [node, str(runner), str(SCRIPT), str(data_file), str(job_file), str(out)],
        check=True,
        timeout=120,
    )
    return out.read_text(encoding="utf-8").splitlines()


def _first_difference(python: list[str], node: list[str], cases: list[dict]) -> str:
    for case, expected, actual in zip(cases, python, node, strict=True):
        if expected != actual:
            return f"answers {case}: Python {expected!r}, JavaScript {actual!r}"
    return f"{len(python)} Python results, {len(node)} JavaScript results"


def _complete_cases(count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [{name: rng.choice(choices) for name, choices in OPTIONS.items()} for _ in range(count)]


def test_random_complete_sets_and_single_changes_give_the_same_result(tmp_path: Path) -> None:
    cases = _complete_cases(20_000, seed=20261128) + _single_changes_from_baseline()
    engine = RuleEngine(DATA)
    python = [_line(engine.evaluate(case)) for case in cases]
    node = _run_node(tmp_path, {"exhaustive": False, "cases": cases})
    if python != node:
        pytest.fail(_first_difference(python, node, cases))
    # The comparison means something only if the results vary: every level, every safety
    # message, and many different results.
    assert {line.split("|")[0] for line in python} == {level["id"] for level in DATA["levels"]}
    shown = {m for line in python for m in line.split("|")[3].split(",") if m}
    assert shown == {message["id"] for message in DATA["messages"]}
    assert len(set(python)) > 5_000


def test_the_small_answer_space_of_the_danger_screen_is_tried_whole(tmp_path: Path) -> None:
    """Every combination of the questions that can call for urgent help, the rest calm."""
    danger = [n for n, c in OPTIONS.items() if n in _DANGER_SCREEN]
    calm = {name: choices[0] for name, choices in OPTIONS.items()}
    combos = itertools.product(*(OPTIONS[n] for n in danger))
    cases = [{**calm, **dict(zip(danger, combo, strict=True))} for combo in combos]
    engine = RuleEngine(DATA)
    python = [_line(engine.evaluate(case)) for case in cases]
    node = _run_node(tmp_path, {"exhaustive": False, "cases": cases})
    assert len(cases) > 1_000
    if python != node:
        pytest.fail(_first_difference(python, node, cases))


_DANGER_SCREEN = {
    question["id"] for question in DATA["steps"][0]["questions"] + DATA["steps"][1]["questions"]
} | {"pregnant", "age"}


def _random_cases(count: int, seed: int) -> list[dict[str, str]]:
    """Part-answered sets (as mid-way on the page), with now and then an answer no rule knows."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        answers = {}
        for name, choices in OPTIONS.items():
            roll = rng.random()
            if roll < 0.25:
                continue  # not answered yet
            answers[name] = "unknown" if roll > 0.98 else rng.choice(choices)
        cases.append(answers)
    return cases


def _single_changes_from_baseline() -> list[dict[str, str]]:
    """Every one-answer change from the calmest answers, and from the riskiest."""
    cases = []
    for baseline in (
        {name: choices[0] for name, choices in OPTIONS.items()},
        {name: choices[-1] for name, choices in OPTIONS.items()},
    ):
        cases.append(baseline)
        for name, choices in OPTIONS.items():
            for choice in choices:
                if choice != baseline[name]:
                    cases.append({**baseline, name: choice})
    return cases


def test_part_answered_sets_give_the_same_result(tmp_path: Path) -> None:
    cases = _random_cases(20_000, seed=20261120) + _single_changes_from_baseline()
    engine = RuleEngine(DATA)
    python = [_line(engine.evaluate(case)) for case in cases]
    node = _run_node(tmp_path, {"exhaustive": False, "cases": cases})
    if python != node:
        pytest.fail(_first_difference(python, node, cases))
    assert any(line.startswith("crisis|") for line in python)
    assert any(line.startswith("outpatient|") for line in python)


def test_page_script_is_small_and_keeps_answers_in_the_page() -> None:
    source = SCRIPT.read_text(encoding="utf-8")
    assert len(SCRIPT.read_bytes()) < 10 * 1024
    for forbidden in (
        "fetch(",
        "XMLHttpRequest",
        "sendBeacon",
        "WebSocket",
        "localStorage",
        "sessionStorage",
        "indexedDB",
        "document.cookie",
        "import(",
    ):
        assert forbidden not in source, forbidden
