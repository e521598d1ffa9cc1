"""The self-assessment's reference rules engine: answers in, ids of what to show out.

The page runs the same rules in JavaScript (templates/assets/javascripts/assessment.js); this
engine is the one the tests trust and compare the page's with. It returns ids only, so the
reader's audience ("you" or "they") never changes a result: the page shows the wording the
template wrote for each id.

A `when` is one set of conditions (every question listed, any of the answers given for it) or a
list of such sets, any of which is enough. Rules set the level; safety messages, notes and the
questions for a professional only add text, so they can never make a result less safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.yaml_loader import KeyPath

Conditions = dict[str, frozenset[str]]


def answers_in(value: Any) -> list[Any]:
    """A condition's answers: one answer id, or a list of them."""
    return value if isinstance(value, list) else [value]


def alternatives(when: Any) -> list[Mapping[str, Any]]:
    """A `when` as its list of condition sets (a single mapping is a list of one)."""
    return list(when) if isinstance(when, list) else [when]


def conditions(when: Any) -> list[Conditions]:
    """Each alternative of a `when` as question id: the answers that satisfy it."""
    return [
        {question: frozenset(answers_in(value)) for question, value in alternative.items()}
        for alternative in alternatives(when)
    ]


def matches(compiled: list[Conditions], answers: Mapping[str, str]) -> bool:
    """Unanswered questions satisfy nothing, so the page can react while the reader answers."""
    return any(
        all(answers.get(question) in accepted for question, accepted in alternative.items())
        for alternative in compiled
    )


def question_items(data: Mapping[str, Any]) -> Iterable[tuple[KeyPath, dict]]:
    """Every question with its key path, in page order."""
    for step_index, step in enumerate(data["steps"]):
        for index, question in enumerate(step["questions"]):
            yield ("steps", step_index, "questions", index), question


def question_options(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every question id with its answer ids, in page order and from least to most risk."""
    return {
        question["id"]: [option["id"] for option in question["options"]]
        for _, question in question_items(data)
    }


@dataclass(frozen=True)
class AssessmentResult:
    """What the reader is shown, as ids into the data file (the page supplies the wording).

    ``reasons`` are the rules that decided the level, ``also`` the other matching rules that ask
    for more than the least intensive level, ``messages`` the safety messages that apply (shown
    above the level), ``notes`` the practical notes, ``asks`` the questions for a professional,
    and ``alerts`` the urgent levels any matching rule reached (shown at once, even mid-way).
    """

    level: str
    reasons: tuple[str, ...]
    also: tuple[str, ...]
    messages: tuple[str, ...]
    notes: tuple[str, ...]
    asks: tuple[str, ...]
    alerts: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "reasons": list(self.reasons),
            "also": list(self.also),
            "messages": list(self.messages),
            "notes": list(self.notes),
            "asks": list(self.asks),
            "alerts": list(self.alerts),
        }


class RuleEngine:
    """The rules of one data file, prepared once so that evaluating many answer sets is cheap."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.level_ids = [level["id"] for level in data["levels"]]
        rank = {level_id: index for index, level_id in enumerate(self.level_ids)}
        urgent = {level["id"] for level in data["levels"] if level.get("urgent")}
        self.urgent_ranks = sorted(rank[level_id] for level_id in urgent)
        self.urgent_messages = frozenset(
            message["id"] for message in data.get("messages") or [] if message.get("urgent")
        )
        self.rules = [
            (rule["id"], rank[rule["level"]], conditions(rule["when"])) for rule in data["rules"]
        ]
        self.messages = [
            (message["id"], conditions(message["when"])) for message in data.get("messages") or []
        ]
        self.notes = [
            (
                note["id"],
                None if note.get("levels") is None else frozenset(note["levels"]),
                conditions(note["when"]),
            )
            for note in data.get("notes") or []
        ]
        self.asks = [
            (ask["id"], None if ask.get("when") is None else conditions(ask["when"]))
            for ask in data["ask_a_professional"]
        ]

    def evaluate(self, answers: Mapping[str, str]) -> AssessmentResult:
        """The result for ``answers`` (question id: answer id), complete or part-answered."""
        lowest = len(self.level_ids) - 1
        matched = [(rule_id, rank) for rule_id, rank, when in self.rules if matches(when, answers)]
        best = min((rank for _, rank in matched), default=lowest)
        level = self.level_ids[best]
        reached = {rank for _, rank in matched}
        return AssessmentResult(
            level=level,
            reasons=tuple(rule_id for rule_id, rank in matched if rank == best),
            also=tuple(rule_id for rule_id, rank in matched if best < rank < lowest),
            messages=tuple(
                message_id for message_id, when in self.messages if matches(when, answers)
            ),
            notes=tuple(
                note_id
                for note_id, levels, when in self.notes
                if (levels is None or level in levels) and matches(when, answers)
            ),
            asks=tuple(
                ask_id for ask_id, when in self.asks if when is None or matches(when, answers)
            ),
            alerts=tuple(self.level_ids[rank] for rank in self.urgent_ranks if rank in reached),
        )

    def is_urgent(self, result: AssessmentResult) -> bool:
        """An urgent result shows help at once: an urgent level, or an urgent safety message."""
        return bool(result.alerts) or any(m in self.urgent_messages for m in result.messages)


def evaluate(data: Mapping[str, Any], answers: Mapping[str, str]) -> AssessmentResult:
    """The reference result for one set of answers (see ``RuleEngine`` to evaluate many)."""
    return RuleEngine(data).evaluate(answers)
