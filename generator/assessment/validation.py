"""Validation of content/data/assessment.yml: its schema, and the promises no schema can state.

Every problem is a `SiteError` at its line, all collected in one run: unknown ids, a rule or
message without a source, an unknown help line or page, a danger answer that does not by itself
lead to urgent help, a level that no answers can reach. The engine (engine.py) trusts a file
that passed here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.assessment.engine import alternatives, answers_in, conditions, question_items
from generator.errors import SiteError
from generator.schema import Field, validate
from generator.yaml_loader import KeyPath, LoadedYaml

# ------------------------------------------------------------------------------- the schema

_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _id_check(value: Any) -> tuple[str, str] | None:
    if isinstance(value, bool):
        # YAML 1.1 reads unquoted yes/no/on/off as booleans: the commonest slip in this file.
        word = "yes" if value else "no"
        return (
            f"this id was read as {str(value).lower()}, not as text",
            f'put it in quotes: "{word}" (YAML reads yes, no, on and off without quotes as '
            "true or false)",
        )
    if not _ID_PATTERN.match(value):
        return (
            f"'{value}' is not a valid id",
            "use lower-case letters, digits, '-' and '_' only, e.g. stepping_down",
        )
    return None


_ID = Field((str, bool), check=_id_check, doc="a short id, e.g. home")
_WORDING = Field(
    dict,
    keys={
        "self": Field(str, doc="the wording for a reader asking about themselves ('you')"),
        "other": Field(str, doc="the wording for a reader asking about someone else ('they')"),
    },
    doc="two versions of the text, self and other",
)
_WHEN = Field(
    (dict, list),
    doc="question id: answer id (or a list of answer ids); or a list of these, any one enough",
)
# The help lines the page can show: the keys of `extra.crisis` in site-config.yml.
HELP_LINES = ("lifeline", "helpline", "emergency", "poison", "violence")
_PAGE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*\.md(#[a-z0-9][a-z0-9-]*)?$")


def _line_check(value: Any) -> tuple[str, str] | None:
    if value not in HELP_LINES:
        return (f"unknown help line '{value}'", f"use one of: {', '.join(HELP_LINES)}")
    return None


def _page_check(value: Any) -> tuple[str, str] | None:
    if not _PAGE_PATTERN.match(value):
        return (
            f"'{value}' is not a page file name",
            "name a page in content/ by its file name, e.g. medicines.md or levels-of-care.md#iop",
        )
    return None


def _url_check(value: Any) -> tuple[str, str] | None:
    if not value.startswith("https://"):
        return (f"'{value}' is not an https:// address", "give the source's full https:// URL")
    return None


def _source_ids_check(value: Any) -> tuple[str, str] | None:
    if not value:
        return ("no source given", "name at least one id from the `sources:` block")
    return None


_SOURCE_IDS = Field(
    list,
    items=Field(str),
    check=_source_ids_check,
    doc="the ids, from the `sources:` block, of the sources this is based on",
    example="[asam-oud-2020]",
)
_SOURCE = Field(
    dict,
    keys={
        "title": Field(str),
        "publisher": Field(str),
        "url": Field(str, check=_url_check),
        "year": Field(int, required=False),
    },
)
_LINK = Field(
    dict,
    keys={
        "page": Field(str, check=_page_check, doc="a page's file name, e.g. medicines.md"),
        "text": Field(str, doc="the link's words, e.g. Medicines for opioid use disorder"),
    },
)

_OPTION = Field(
    dict,
    keys={
        "id": _ID,
        "label": Field((str, dict), doc="what the reader sees: text, or self/other wording"),
        "danger": Field(bool, required=False, doc="true for an answer that needs help now"),
    },
)
_QUESTION = Field(
    dict,
    keys={
        "id": _ID,
        "dimension": Field(str, doc="one of the ids under `dimensions`"),
        "text": _WORDING,
        "hint": Field(dict, required=False, keys=_WORDING.keys),
        # Checked by hand below, so a missing or empty list gets a message about the question.
        "options": Field((list, type(None)), required=False, items=_OPTION),
    },
)
_STEP = Field(
    dict,
    keys={
        "id": _ID,
        "title": _WORDING,
        "intro": Field(dict, required=False, keys=_WORDING.keys),
        "questions": Field(list, items=_QUESTION),
    },
)
_LEVEL = Field(
    dict,
    keys={
        "id": _ID,
        "name": Field(str, doc="the level's name, as the reader sees it"),
        "link": Field(str, doc="its page and section on the built site, e.g. levels-of-care/#iop"),
        "summary": _WORDING,
        "urgent": Field(bool, required=False, doc="show `now` at once, with the crisis lines"),
        "now": Field(dict, required=False, keys=_WORDING.keys),
        # The crisis lines under `now` of an urgent level, in order: the line its text sends
        # the reader to first comes first. Required on urgent levels (checked below).
        "lines": Field(list, required=False, items=Field(str, check=_line_check)),
    },
)
_RULE = Field(
    dict,
    keys={
        "id": _ID,
        "when": _WHEN,
        "level": Field(str),
        "because": _WORDING,
        "sources": _SOURCE_IDS,
    },
)
_MESSAGE = Field(
    dict,
    keys={
        "id": _ID,
        "when": _WHEN,
        "title": _WORDING,
        "text": _WORDING,
        "sources": _SOURCE_IDS,
        "urgent": Field(bool, required=False, doc="show it at once, under the question"),
        "lines": Field(list, required=False, items=Field(str, check=_line_check)),
        "link": Field(dict, required=False, keys=_LINK.keys),
    },
)
_NOTE = Field(
    dict,
    keys={
        "id": _ID,
        "when": _WHEN,
        "levels": Field(list, required=False, items=Field(str)),
        "text": _WORDING,
        "sources": _SOURCE_IDS,
    },
)
_ASK = Field(
    dict,
    keys={
        "id": _ID,
        "text": _WORDING,
        "when": Field(_WHEN.kind, required=False, doc=_WHEN.doc),
    },
)
ASSESSMENT = Field(
    dict,
    keys={
        "sources": Field(dict, open=True, keys={}, doc="source id: title, publisher, url"),
        "audience": Field(
            dict, keys={"legend": Field(str), "self": Field(str), "other": Field(str)}
        ),
        "dimensions": Field(dict, open=True, keys={}, doc="dimension id: name"),
        "levels": Field(list, items=_LEVEL, doc="levels of care, most intensive first"),
        "steps": Field(list, items=_STEP, doc="the questions, one group per step"),
        "rules": Field(list, items=_RULE),
        "messages": Field(list, required=False, items=_MESSAGE, doc="safety messages"),
        "notes": Field(list, required=False, items=_NOTE),
        "ask_a_professional": Field(list, items=_ASK),
    },
)


# ------------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class _Question:
    id: str
    options: tuple[str, ...]
    danger: frozenset[str]
    path: KeyPath


def validate_assessment(loaded: LoadedYaml) -> list[SiteError]:
    """Every problem in assessment.yml, each at its line; an empty list when the file is sound."""
    errors = validate(loaded, ASSESSMENT)
    if errors:
        # Cross-references below assume the structure is right; fix that first.
        return errors
    data = loaded.data
    errors.extend(_check_wording_labels(loaded))
    level_ids = _unique_ids(
        loaded, "level", [(("levels", i), lv) for i, lv in enumerate(data["levels"])], errors
    )
    _unique_ids(loaded, "step", [(("steps", i), s) for i, s in enumerate(data["steps"])], errors)
    questions = _questions(loaded, errors)
    dimension_ids = set(data["dimensions"])
    for question_path, question in question_items(data):
        if question["dimension"] not in dimension_ids:
            errors.append(
                loaded.error(
                    (*question_path, "dimension"),
                    f"question '{question['id']}' names an unknown dimension "
                    f"'{question['dimension']}'",
                    f"use one of: {', '.join(sorted(dimension_ids))}",
                )
            )
    levels = {level["id"]: level for level in data["levels"]}
    for index, level in enumerate(data["levels"]):
        if level.get("urgent") and "now" not in level:
            errors.append(
                loaded.error(
                    ("levels", index, "urgent"),
                    f"urgent level '{level['id']}' has no `now` message",
                    "add `now:` with self and other wording: what to do at once",
                )
            )
        if level.get("urgent") and not level.get("lines"):
            errors.append(
                loaded.error(
                    ("levels", index, "urgent"),
                    f"urgent level '{level['id']}' does not say which crisis lines to show",
                    "add `lines:` with the keys of extra.crisis in the order the reader should "
                    "call them, for example [lifeline, emergency, helpline]",
                )
            )
    rule_entries = [(("rules", i), rule) for i, rule in enumerate(data["rules"])]
    message_entries = [(("messages", i), m) for i, m in enumerate(data.get("messages") or [])]
    note_entries = [(("notes", i), note) for i, note in enumerate(data.get("notes") or [])]
    ask_entries = [(("ask_a_professional", i), a) for i, a in enumerate(data["ask_a_professional"])]
    # Rules, messages and notes share one namespace: the page finds each by id.
    _unique_ids(
        loaded, "rule, message or note", rule_entries + message_entries + note_entries, errors
    )
    _unique_ids(loaded, "question for a professional", ask_entries, errors)
    source_ids = _check_sources(loaded, errors)
    for path, entry in rule_entries + message_entries + note_entries:
        _check_when(loaded, path, entry["when"], questions, errors)
        for index, source_id in enumerate(entry["sources"]):
            if source_id not in source_ids:
                errors.append(
                    loaded.error(
                        (*path, "sources", index),
                        f"unknown source '{source_id}'",
                        f"define it under `sources:` at the top, or use one of: "
                        f"{', '.join(source_ids) or '(none defined yet)'}",
                    )
                )
    for path, ask in ask_entries:
        if "when" in ask:
            _check_when(loaded, path, ask["when"], questions, errors)
    for path, rule in rule_entries:
        if rule["level"] not in level_ids:
            errors.append(_unknown_level(loaded, (*path, "level"), rule["level"], level_ids))
    for path, note in note_entries:
        for index, level_id in enumerate(note.get("levels") or []):
            if level_id not in level_ids:
                errors.append(_unknown_level(loaded, (*path, "levels", index), level_id, level_ids))
    if errors:
        return errors
    errors.extend(_check_danger(loaded, questions, levels))
    errors.extend(_check_reachable(loaded, questions))
    return errors


def _check_sources(loaded: LoadedYaml, errors: list[SiteError]) -> list[str]:
    """The `sources:` block: each id well formed, each entry a title, publisher and URL."""
    for source_id in loaded.data["sources"]:
        if isinstance(source_id, (str, bool)):
            problem = _id_check(source_id)
        else:
            problem = (f"'{source_id}' is not a valid id", "start the id with a letter")
        if problem is not None:
            errors.append(loaded.error(("sources", source_id), *problem))
        errors.extend(validate(loaded, _SOURCE, ("sources", source_id)))
    return [str(source_id) for source_id in loaded.data["sources"]]


def _unique_ids(
    loaded: LoadedYaml, kind: str, entries: list[tuple[KeyPath, dict]], errors: list[SiteError]
) -> list[str]:
    """Report each repeated id at its second use, naming the line of the first."""
    first_path: dict[str, KeyPath] = {}
    for path, entry in entries:
        entry_id = entry["id"]
        if entry_id in first_path:
            errors.append(
                loaded.error(
                    (*path, "id"),
                    f"duplicate {kind} id '{entry_id}' (first used on line "
                    f"{loaded.line_of((*first_path[entry_id], 'id'))})",
                    "give each one its own id",
                )
            )
        else:
            first_path[entry_id] = path
    return list(first_path)


def _questions(loaded: LoadedYaml, errors: list[SiteError]) -> dict[str, _Question]:
    questions: dict[str, _Question] = {}
    entries = list(question_items(loaded.data))
    _unique_ids(loaded, "question", entries, errors)
    for path, question in entries:
        options = question.get("options") or []
        if len(options) < 2:
            at = (*path, "options") if "options" in question else (*path, "id")
            problem = "has no options" if not options else "has only one option"
            errors.append(
                loaded.error(
                    at,
                    f"question '{question['id']}' {problem}",
                    "give it at least two options, each with an id and a label",
                )
            )
        option_entries = [((*path, "options", i), option) for i, option in enumerate(options)]
        option_ids = _unique_ids(
            loaded, f"answer (in question '{question['id']}')", option_entries, errors
        )
        danger = frozenset(option["id"] for option in options if option.get("danger"))
        questions.setdefault(
            question["id"], _Question(question["id"], tuple(option_ids), danger, path)
        )
    return questions


def _check_wording_labels(loaded: LoadedYaml) -> list[SiteError]:
    errors: list[SiteError] = []
    for path, question in question_items(loaded.data):
        for index, option in enumerate(question.get("options") or []):
            if isinstance(option["label"], dict):
                errors.extend(validate(loaded, _WORDING, (*path, "options", index, "label")))
    return errors


_OWNERS = {
    "rules": "rule",
    "messages": "message",
    "notes": "note",
    "ask_a_professional": "question for a professional",
}


def _check_when(
    loaded: LoadedYaml,
    path: KeyPath,
    when: dict | list,
    questions: Mapping[str, _Question],
    errors: list[SiteError],
) -> None:
    """A `when` names real questions and answers; as a list, each item is one such mapping."""
    owner = _OWNERS[path[0]]
    example = "e.g. when: {home: unsafe}"
    if not when:
        errors.append(
            loaded.error(
                (*path, "when"),
                f"{owner} has an empty `when`",
                f"name at least one question and its answer, {example}",
            )
        )
        return
    listed = isinstance(when, list)
    for index, alternative in enumerate(alternatives(when)):
        at_alternative = (*path, "when", index) if listed else (*path, "when")
        if not isinstance(alternative, dict) or not alternative:
            errors.append(
                loaded.error(
                    at_alternative,
                    f"each item of a {owner}'s `when` list must name questions and answers",
                    f"write one mapping per item, {example}",
                )
            )
            continue
        for question_id, value in alternative.items():
            _check_condition(
                loaded, (*at_alternative, question_id), owner, question_id, value, questions, errors
            )


def _check_condition(
    loaded: LoadedYaml,
    at: KeyPath,
    owner: str,
    question_id: Any,
    value: Any,
    questions: Mapping[str, _Question],
    errors: list[SiteError],
) -> None:
    question = questions.get(question_id)
    if question is None:
        errors.append(
            loaded.error(
                at,
                f"{owner} names an unknown question '{question_id}'",
                f"use one of the question ids: {', '.join(questions)}",
            )
        )
        return
    answers = answers_in(value)
    if not answers:
        errors.append(loaded.error(at, f"no answer given for question '{question_id}'", "list one"))
    for answer in answers:
        if isinstance(answer, bool):
            word = "yes" if answer else "no"
            errors.append(
                loaded.error(
                    at,
                    f"the answer for '{question_id}' was read as {str(answer).lower()}, "
                    "not as text",
                    f'put it in quotes: "{word}" (YAML reads yes and no without quotes as '
                    "true and false)",
                )
            )
        elif answer not in question.options:
            errors.append(
                loaded.error(
                    at,
                    f"{owner} names an unknown answer '{answer}' for question '{question_id}'",
                    f"use one of its answers: {', '.join(question.options)}",
                )
            )


def _unknown_level(
    loaded: LoadedYaml, at: KeyPath, level_id: Any, level_ids: list[str]
) -> SiteError:
    return loaded.error(
        at, f"unknown level '{level_id}'", f"use one of the level ids: {', '.join(level_ids)}"
    )


def _check_danger(
    loaded: LoadedYaml, questions: Mapping[str, _Question], levels: Mapping[str, dict]
) -> list[SiteError]:
    """Danger answers come first and always lead to urgent help, whatever else is said: an
    urgent level, or an urgent safety message (one shown at once, under the question)."""
    errors: list[SiteError] = []
    urgent_whens = [
        rule["when"] for rule in loaded.data["rules"] if levels[rule["level"]].get("urgent")
    ] + [m["when"] for m in loaded.data.get("messages") or [] if m.get("urgent")]
    seen_safe_question = None
    for question in questions.values():
        if not question.danger:
            seen_safe_question = seen_safe_question or question
            continue
        if seen_safe_question is not None:
            errors.append(
                loaded.error(
                    (*question.path, "id"),
                    f"question '{question.id}' has danger answers but comes after "
                    f"'{seen_safe_question.id}', which has none",
                    "move the danger questions to the start: they must be asked first",
                )
            )
        for answer in sorted(question.danger):
            # Only an alternative that needs nothing but this answer fires whatever else is said.
            covered = any(
                list(alternative) == [question.id]
                and answer in answers_in(alternative[question.id])
                for when in urgent_whens
                for alternative in alternatives(when)
            )
            if not covered:
                index = question.options.index(answer)
                errors.append(
                    loaded.error(
                        (*question.path, "options", index, "danger"),
                        f"danger answer '{answer}' to '{question.id}' does not by itself lead "
                        "to an urgent level",
                        f'add a rule `when: {{{question.id}: "{answer}"}}` with an urgent '
                        "level, or an urgent message with that `when`",
                    )
                )
    return errors


def _check_reachable(loaded: LoadedYaml, questions: Mapping[str, _Question]) -> list[SiteError]:
    """Each level must be the result of at least one combination of answers.

    A level is reached when one of its rules matches and no rule of a more intensive level
    does (the last level: when no more intensive rule matches). That is a small satisfiability
    question per rule, answered by a search over only the questions the competing rules name,
    with answers that no rule tells apart merged, so it stays fast as the file grows.
    """
    errors: list[SiteError] = []
    domains = {question_id: frozenset(q.options) for question_id, q in questions.items()}
    # A rule with a list of alternatives is one rule per alternative, as far as levels go.
    compiled = [
        (rule["level"], alternative)
        for rule in loaded.data["rules"]
        for alternative in conditions(rule["when"])
    ]
    level_ids = [level["id"] for level in loaded.data["levels"]]
    for rank, level_id in enumerate(level_ids):
        higher = [conds for lvl, conds in compiled if level_ids.index(lvl) < rank]
        own = [conds for lvl, conds in compiled if lvl == level_id]
        if rank == len(level_ids) - 1:
            own = [{}]  # the last level is the result when no more intensive rule matches
        if any(_can_avoid(domains, conds, higher) for conds in own):
            continue
        if own and own != [{}]:
            fix = (
                "every answer that leads here also leads to a more intensive level: check the "
                "rules above it"
            )
        elif own:
            fix = "some rule of a more intensive level matches every combination of answers"
        else:
            fix = f"add a rule with `level: {level_id}`, or remove the level"
        errors.append(
            loaded.error(
                ("levels", rank, "id"),
                f"level '{level_id}' can never be the result: no combination of answers leads "
                "to it",
                fix,
            )
        )
    return errors


def _can_avoid(
    domains: Mapping[str, frozenset[str]],
    required: Mapping[str, frozenset[str]],
    avoid: list[dict[str, frozenset[str]]],
) -> bool:
    """Is there a full set of answers that matches ``required`` but none of ``avoid``?"""
    allowed = {q: domains[q] & required.get(q, domains[q]) for q in domains}
    if any(not answers for answers in allowed.values()):
        return False
    # A rule that cannot match under `allowed` needs no attention; one that cannot fail is fatal.
    live = []
    for conds in avoid:
        if any(not (allowed[q] & answers) for q, answers in conds.items()):
            continue
        if all(allowed[q] <= answers for q, answers in conds.items()):
            return False
        live.append(conds)
    names = sorted({q for conds in live for q in conds})
    # Answers that every live rule treats alike are interchangeable: try one of each kind.
    choices = []
    for q in names:
        kinds: dict[tuple[bool, ...], str] = {}
        for answer in sorted(allowed[q]):
            signature = tuple(answer in conds.get(q, ()) for conds in live)
            kinds.setdefault(signature, answer)
        choices.append(list(kinds.values()))
    return _search(names, choices, live, {})


def _search(
    names: list[str],
    choices: list[list[str]],
    live: list[dict[str, frozenset[str]]],
    chosen: dict[str, str],
) -> bool:
    depth = len(chosen)
    if depth == len(names):
        return True
    question = names[depth]
    for answer in choices[depth]:
        chosen[question] = answer
        matched = any(
            all(q in chosen and chosen[q] in answers for q, answers in conds.items())
            for conds in live
        )
        if not matched and _search(names, choices, live, chosen):
            del chosen[question]
            return True
        del chosen[question]
    return False
