"""What each answer of the self-assessment leads to, for the "How this tool decides" page.

The page is built from assessment.yml at every build, through this function (a Jinja filter in
templates), so the rules are written once and the explanation cannot drift from them. Each answer
lists the levels, safety messages, notes and questions for a professional it can lead to, with
any other answers they need, and the ids of their sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.assessment.engine import alternatives, answers_in, question_items

# Which parts of the file can follow from an answer, and the key holding each one's name.
_KINDS = (
    ("rules", "rule"),
    ("messages", "message"),
    ("notes", "note"),
    ("ask_a_professional", "ask"),
)


def _self_text(value: Any) -> str:
    return value["self"] if isinstance(value, dict) else str(value)


def answer_effects(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The steps, their questions and every answer, each answer with what it leads to.

    An effect is ``{"kind", "id", "level", "sources", "together"}``: ``together`` lists the
    other answers (question text, answer label) the rule needs as well; empty when this answer
    is enough by itself. Wording is the "you" version, as a reader checking their own answers
    would read it.
    """
    labels = {
        question["id"]: (
            _self_text(question["text"]),
            {option["id"]: _self_text(option["label"]) for option in question["options"]},
        )
        for _, question in question_items(data)
    }
    effects: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for key, kind in _KINDS:
        for entry in data.get(key) or []:
            if entry.get("when") is None:
                continue
            for alternative in alternatives(entry["when"]):
                for question_id, value in alternative.items():
                    together = [
                        {
                            "question": labels[other][0],
                            "answers": [labels[other][1][a] for a in answers_in(other_value)],
                        }
                        for other, other_value in alternative.items()
                        if other != question_id
                    ]
                    for answer in answers_in(value):
                        effects.setdefault((question_id, answer), []).append(
                            {
                                "kind": kind,
                                "id": entry["id"],
                                "level": entry.get("level"),
                                "sources": list(entry.get("sources") or []),
                                "together": together,
                            }
                        )
    return [
        {
            "id": step["id"],
            "title": _self_text(step["title"]),
            "questions": [
                {
                    "id": question["id"],
                    "text": _self_text(question["text"]),
                    "options": [
                        {
                            "id": option["id"],
                            "label": _self_text(option["label"]),
                            "danger": bool(option.get("danger")),
                            "effects": effects.get((question["id"], option["id"]), []),
                        }
                        for option in question["options"]
                    ],
                }
                for question in step["questions"]
            ],
        }
        for step in data["steps"]
    ]


# What the page's script reads (templates/assets/javascripts/assessment.js): the rules and the
# ids of what they show. The wording is in the page's HTML already; sending it twice, as JSON too,
# cost readers about a fifth of the page.
_ENGINE_KEYS = {
    "levels": ("id", "urgent"),
    "rules": ("id", "when", "level"),
    "messages": ("id", "when", "urgent"),
    "notes": ("id", "when", "levels"),
    "ask_a_professional": ("id", "when"),
}


def engine_data(data: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The part of assessment.yml the page's script needs: ids, rules, and urgency."""
    return {
        part: [{key: item[key] for key in keys if key in item} for item in data.get(part) or []]
        for part, keys in _ENGINE_KEYS.items()
    }
