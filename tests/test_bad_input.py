"""Every kind of bad input: a non-zero exit, a message naming the file and line (or key) and the
fix, from both `build` and `check`, and the previously built site left exactly as it was."""

from __future__ import annotations

import pytest

from tests.conftest import (
    _minimal_config,
    assert_fails_keeping_site,
    build,
    line_of,
    page,
    replace_once,
    write_files,
)

CONFIG = _minimal_config()


def _config_case(old: str, new: str, needle: str, *expected: str):
    text = replace_once(CONFIG, old, new)
    line = line_of(text, needle)
    expected = tuple(part.format(line=line, above=line - 1) for part in expected)
    return {"site-config.yml": text}, (f"site-config.yml:{line}", *expected)


BROKEN_PAGE_FRONT = page("Home").replace("reviewed: 2026-01-10\n", "reviewed: [2026-01-10\n")

CASES = {
    "yaml syntax error in site-config": _config_case(
        "  palette:\n", " palette:\n", " palette:", "YAML syntax error", "fix:"
    ),
    "unknown key in site-config": _config_case(
        "    phone: (555) 010-0123",
        "    phnoe: (555) 010-0123",
        "phnoe",
        "unknown key 'phnoe'",
        "did you mean 'phone'",
    ),
    "wrong type in site-config": _config_case(
        "    days_per_week: 3",
        "    days_per_week: three",
        "days_per_week",
        "extra.program.days_per_week",
        "expected a whole number",
    ),
    "missing required field in site-config": _config_case(
        "    email: intake@riverside.example.org\n",
        "",
        "  organisation:",
        "missing required key 'email'",
        "add 'email'",
    ),
    "privacy: a Google font": _config_case(
        "  language: en\n",
        "  language: en\n  font:\n    text: Roboto\n",
        "theme:",
        "theme.font",
        "font: false",
    ),
    "front matter YAML error": (
        {"content/index.md": BROKEN_PAGE_FRONT},
        (
            "content/index.md:4",
            "the bracket opened on line 4 is not closed",
            "starts on line 4",
            "fix: add the closing bracket",
        ),
    ),
    "missing front matter field": (
        {"content/index.md": page("Home").replace("description: A page for tests.\n", "")},
        ("content/index.md:2", "missing required key 'description'"),
    ),
    "invalid front matter field": (
        {"content/index.md": page("Home").replace("accessed: 2026-01-10", "accessed: last week")},
        ("content/index.md:10", "sources[0].accessed", "a date (YYYY-MM-DD)"),
    ),
    "unknown front matter key": (
        {"content/index.md": page("Home").replace("title: Home", "title: Home\ntilte: Home")},
        ("content/index.md:3", "unknown key 'tilte'", "did you mean 'title'"),
    ),
    "next_review before reviewed": (
        {
            "content/index.md": page("Home").replace(
                "next_review: 2027-01-10", "next_review: 2025-01-01"
            )
        },
        ("content/index.md:5", "next_review (2025-01-01) is not after reviewed (2026-01-10)"),
    ),
    "undefined Jinja variable": (
        {
            "content/index.md": page(
                "Home", "Line one.\n\nWe meet {{ program.days_per_weak }} days."
            )
        },
        ("content/index.md:16", "days_per_weak", "We meet {{ program.days_per_weak }} days."),
    ),
    "wrapped list line that fills in as a new numbered item": (
        {
            "content/index.md": page(
                "Home",
                "Steps:\n\n1. **Help them breathe.** Do what the operator at\n"
                "   {{ crisis.emergency.call }}. tells you.\n2. **Stay with them.**",
            )
        },
        ("content/index.md:17", 'fills in as "911."', "re-wrap the lines"),
    ),
    "Jinja syntax error": (
        {"content/index.md": page("Home", "Line one.\n\n{% if program.telehealth %}\nVideo.")},
        ("content/index.md:", "template syntax error", "{% endif %}"),
    ),
    "link to a page that does not exist": (
        {"content/index.md": page("Home", "Read [this](no-such-page.md).")},
        ("content/index.md:14", "no-such-page.md", "fix:"),
    ),
    "link to an anchor that does not exist": (
        {"content/index.md": page("Home", "Read [this](get-help-now.md#nowhere).")},
        ("content/index.md:14", "#nowhere", "fix:"),
    ),
    "missing image": (
        {"content/index.md": page("Home", "Text.\n\n![A chart of hours](chart.png)")},
        ("content/index.md:16", "chart.png", "fix:"),
    ),
    "data file that fails to parse": (
        {"content/data/levels.yml": "columns: [unclosed\n"},
        ("content/data/levels.yml:1", "YAML syntax error", "the bracket opened on line 1"),
    ),
    "invalid data file": (
        {"content/data/glossary.yml": "terms:\n  - term: IOP\n    definiton: typo\n"},
        ("content/data/glossary.yml:3", "unknown key 'definiton'", "did you mean 'definition'"),
    ),
    "unknown variable in a data file's text": (
        {
            "content/data/notes.yml": "intro:\n  text: Call {{ organisation.phnoe }} today.\n",
        },
        (
            "content/data/notes.yml:2",
            "intro.text",
            "unknown variable",
            "write 'organisation.phone' instead",
        ),
    ),
    "failing expression in a data file's text": (
        {"content/data/notes.yml": "intro:\n  text: '{{ 1 // 0 }} hours'\n"},
        ("content/data/notes.yml:2", "intro.text", "ZeroDivisionError"),
    ),
    "file that is not UTF-8": (
        {"content/get-help-now.md": page("Get help now", "Caf\u00e9").encode("latin-1")},
        ("content/get-help-now.md:14", "not UTF-8", "save the file as UTF-8"),
    ),
}


LEVELS = """\
columns:
  - {key: name, heading: Level of care}
  - {key: hours, heading: Treatment each week}
levels:
  iop:
    name: Intensive outpatient
    hours_min: 9
    hours_min_teens: 6
    hours: "{{ data.levels.levels.iop.hours_min }} or more hours"
"""
LEVELS_PAGE = page(
    "Home",
    "Teens: {{ data.levels.levels.iop.hours_min_teens }} hours. [Help](get-help-now.md)",
)
WEEK = """\
columns:
  - {key: day, heading: Day}
days:
  - {day: Monday, kind: group, hours: 3, when: "", sessions: [Check-in group]}
  - {day: Wednesday, kind: group, hours: 3, when: "", sessions: [Skills group]}
  - {day: Friday, kind: group, hours: 3, when: "", sessions: [Family group]}
"""
GLOSSARY = "terms:\n  - term: Intensive outpatient program\n    abbr: IOP\n    definition: Care.\n"
GLOSSARY_PAGE = page(
    "Glossary",
    "{% for entry in data.glossary.terms %}\n"
    "{{ entry.term }}: {{ entry.definition }}\n"
    "{% endfor %}",
)

# Mistakes an editor made while trying the site (issue 12); same harness as CASES.
EDITOR_CASES = {
    "a number with a letter in a data file": (
        {
            "content/data/levels.yml": replace_once(LEVELS, "hours_min: 9", "hours_min: 9O"),
            "content/index.md": LEVELS_PAGE,
        },
        (
            "content/data/levels.yml:7",
            "[levels.iop.hours_min] expected a whole number, found '9O'",
            "fix: write a whole number here",
        ),
    ),
    "a misspelt key in a data file": (
        {
            "content/data/levels.yml": replace_once(LEVELS, "hours_min_teens:", "hours_min_teen:"),
            "content/index.md": LEVELS_PAGE,
        },
        (
            "1 problem to fix",
            "content/data/levels.yml:8",
            "unknown key 'hours_min_teen'",
            "did you mean 'hours_min_teens'?",
            "1 error in places that quote it (content/index.md:14) follow from it",
        ),
    ),
    "a misspelt definition in the glossary": (
        {
            "content/data/glossary.yml": replace_once(GLOSSARY, "definition:", "definiton:"),
            "content/glossary.md": GLOSSARY_PAGE,
        },
        (
            "1 problem to fix",
            "content/data/glossary.yml:4",
            "unknown key 'definiton' (and the required key 'definition' is missing)",
            "did you mean 'definition'?",
            "1 error in places that quote it (content/glossary.md:15)",
        ),
    ),
    "a glossary with two terms of one anchor": (
        {
            "content/data/glossary.yml": GLOSSARY + "  - term: Iop\n    definition: The same id.\n",
        },
        ("content/data/glossary.yml:5", "link id '#iop'", "the first is on line 2", "merge"),
    ),
    "a level without a column's key": (
        {
            "content/data/levels.yml": replace_once(
                LEVELS, "  - {key: hours,", "  - {key: cost, heading: Cost}\n  - {key: hours,"
            ),
        },
        (
            "content/data/levels.yml:6",
            "[levels.iop.cost] missing required key 'cost' (the 'cost' column of the comparison",
            "add 'cost' under 'levels.iop'",
        ),
    ),
    "a sample week with fewer hours than the IOP minimum": (
        {
            "content/data/levels.yml": LEVELS,
            "content/data/week.yml": replace_once(
                WEEK, "day: Friday, kind: group, hours: 3", "day: Friday, kind: group, hours: 2"
            ),
        },
        (
            "content/data/week.yml:3",
            "the sample week adds up to 8 hours, fewer than the IOP minimum of 9 hours a week "
            "(content/data/levels.yml:7)",
            "fix: add hours",
        ),
    ),
    "a week day of an unknown kind": (
        {
            "content/data/week.yml": replace_once(
                WEEK, "day: Monday, kind: group", "day: Monday, kind: gruop"
            )
        },
        (
            "content/data/week.yml:4",
            "[days[0].kind] 'gruop' is not allowed here",
            "did you mean 'group'?",
        ),
    ),
    "a vanity phone number with too many letters": _config_case(
        "    phone: (555) 010-0123",
        "    phone: 1-800-LAKESIDE",
        "LAKESIDE",
        "extra.organisation.phone",
        "has 12 digits (read on a phone keypad: 180052537433)",
        "exactly 10 digits after the 1",
    ),
    "a phone number with words in it": _config_case(
        "    phone: (555) 010-0123",
        "    phone: (555) 010-0123 or text us",
        "text us",
        "does not look like a phone number",
        "ext. 12",
    ),
    "a link starting with /": (
        {"content/index.md": page("Home", "Read [help](/get-help-now/).")},
        (
            "content/index.md:14",
            "link '/get-help-now/' starts with '/'",
            "published under a sub-path",
            "fix: write 'get-help-now.md' instead",
        ),
    ),
    "a misspelt link": (
        {"content/index.md": page("Home", "Read [help](get-hlep-now.md).")},
        ("content/index.md:14", "broken link 'get-hlep-now.md'", "did you mean 'get-help-now.md'?"),
    ),
    "a link to a missing heading": (
        {"content/index.md": page("Home", "Read [this](get-help-now.md#get-hlep).")},
        (
            "content/index.md:14",
            "broken link 'get-help-now.md#get-hlep': get-help-now.md has no heading or term with "
            "the id '#get-hlep'",
            "did you mean '#get-help-now'? the ids on get-help-now.md are: #get-help-now",
        ),
    ),
    "an unknown filter": (
        {"content/index.md": page("Home", "Call {{ organisation.name | uper }}.")},
        ("content/index.md:14", "there is no filter called 'uper'", "did you mean 'upper'"),
    ),
    "several misspelt variables on a page": (
        {
            "content/index.md": page(
                "Home", "We meet {{ program.days_per_wek }} days.\n\nCall {{ organisation.phnoe }}."
            )
        },
        (
            "2 problems to fix",
            "content/index.md:14: unknown variable: 'program' has no 'days_per_wek'; did you mean "
            "'program.days_per_week'?",
            "content/index.md:16: unknown variable: 'organisation' has no 'phnoe'; did you mean "
            "'organisation.phone'?",
        ),
    ),
    "a misspelt required front matter key": (
        {"content/index.md": page("Home").replace("title: Home", "tilte: Home")},
        (
            "1 problem to fix",
            "content/index.md:2",
            "unknown key 'tilte' (and the required key 'title' is missing)",
            "did you mean 'title'?",
        ),
    ),
    "an unclosed quote in site-config": _config_case(
        "    name: Riverside Recovery Services\n",
        '    name: "Riverside Recovery Services\n',
        '"Riverside',
        "the quote opened on line {line} is not closed",
        "fix: add the closing quote",
    ),
    "an indentation error in site-config": _config_case(
        "  palette:\n",
        " palette:\n",
        " palette:",
        "the indentation of line {line} (1 space) does not fit line {above} above it (2 spaces)",
        "{above} |   favicon: assets/images/logo.svg\n    {line} |  palette:",
        "fix: line the key up",
    ),
}

# Text that must not appear for a case: the errors that were folded into the real one.
ABSENT = {
    "a misspelt key in a data file": ("content/index.md:14:",),
    "a misspelt definition in the glossary": ("content/glossary.md:15:", "missing required key"),
    "a misspelt required front matter key": ("missing required key",),
}
CASES.update(EDITOR_CASES)


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_with_file_line_and_fix_and_keeps_the_old_site(
    case: str, command: str, make_project, capsys
) -> None:
    files, expected = CASES[case]
    project = make_project()
    assert build(project) == 0
    assert_fails_keeping_site(
        project,
        command,
        capsys,
        expected,
        breaking=lambda: write_files(project, files),
        absent=ABSENT.get(case, ()),
    )


def test_errors_are_all_reported_in_one_run(make_project, capsys) -> None:
    """An editor fixes every typo in one go, not one per build."""
    config = replace_once(CONFIG, "    phone: (555) 010-0123", "    phnoe: (555) 010-0123")
    config = replace_once(config, "    days_per_week: 3", "    days_per_week: three")
    project = make_project()
    write_files(project, {"site-config.yml": config})
    assert build(project) == 1
    message = capsys.readouterr().err
    assert "unknown key 'phnoe'" in message and "expected a whole number" in message

    project = make_project(
        {
            "content/index.md": page("Home", "{{ nope }}"),
            "content/get-help-now.md": page("Get help now").replace("title: Get", "titel: Get"),
        }
    )
    assert build(project) == 1
    message = capsys.readouterr().err
    assert "content/index.md:14" in message and "content/get-help-now.md:2" in message
