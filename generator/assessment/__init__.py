"""The self-assessment: content/data/assessment.yml checked, evaluated and explained.

Three jobs, one module each: ``validation`` (the file's schema and the promises a schema cannot
state, each error at its line), ``engine`` (the reference rules engine that the page's JavaScript
is tested against) and ``export`` (what each answer leads to, for the "How this tool decides"
page). Nothing here imports MkDocs.
"""

from generator.assessment.engine import (
    AssessmentResult,
    RuleEngine,
    evaluate,
    question_options,
)
from generator.assessment.export import answer_effects, engine_data
from generator.assessment.validation import HELP_LINES, validate_assessment

__all__ = [
    "HELP_LINES",
    "AssessmentResult",
    "RuleEngine",
    "answer_effects",
    "engine_data",
    "evaluate",
    "question_options",
    "validate_assessment",
]
