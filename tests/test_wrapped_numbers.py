"""A wrapped line inside a list that fills in as "911. …" would become a list item of its own
(generator.wrapped_numbers); the build stops on it, and leaves every other line alone."""

from __future__ import annotations

import textwrap

import jinja2
import markdown
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.wrapped_numbers import wrapped_number_errors

CONTEXT = {"crisis": {"emergency": {"call": "911"}, "lifeline": {"name": "988 Lifeline"}}}
ENVIRONMENT = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)


def _errors(body: str) -> list:
    source = textwrap.dedent(body).strip("\n")
    return wrapped_number_errors(ENVIRONMENT, source, CONTEXT, "content/page.md", 14)


def _items(body: str) -> int:
    """How many list items Python-Markdown makes of ``body`` once it is filled in."""
    filled = ENVIRONMENT.from_string(textwrap.dedent(body)).render(CONTEXT)
    return markdown.markdown(filled).count("<li>")


NUMBERED = """
    1. **Help them breathe.** Do what the operator at
       {{ crisis.emergency.call }}. tells you, step by step.
    2. **Stay with them.**
"""


def test_a_list_line_that_fills_in_as_a_number_and_period_is_refused_with_its_line() -> None:
    assert _items(NUMBERED) == 3, "the premise: Markdown makes a third item of the wrapped line"
    (error,) = _errors(NUMBERED)
    assert error.path == "content/page.md" and error.line == 15
    assert '"911."' in error.message and "{{ crisis.emergency.call }}" in error.message
    assert "re-wrap" in error.fix
    assert error.source_line.strip().startswith("{{ crisis.emergency.call }}.")


def test_a_bullet_list_line_counts_too() -> None:
    body = """
        - Call for help. If no one answers, call
          {{ crisis.emergency.call }}. Then wait.
    """
    assert _items(body) == 2
    assert [error.line for error in _errors(body)] == [15]


def test_lines_that_stay_whole_are_left_alone() -> None:
    cases = {
        "a paragraph, where Markdown starts no list": """
            If someone will not wake up, call
            {{ crisis.emergency.call }}. Then stay with them.
        """,
        "an expression that fills in as a name": """
            1. Call the
               {{ crisis.lifeline.name }}. It is free.
        """,
        "a number at the end of its sentence": """
            1. Do what they tell you at
               {{ crisis.emergency.call }}.
        """,
        "a number in the middle of the line": """
            1. Do what they tell you at the
               {{ crisis.emergency.call }} desk. Then wait.
        """,
        "a loop variable, which cannot be filled in alone": """
            1. First step.
            {% for step in ["b", "c"] %}
            {{ loop.index + 1 }}. {{ step }}
            {% endfor %}
        """,
    }
    for name, body in cases.items():
        assert _errors(body) == [], name
