"""YAML parser errors in plain words, at the line the editor has to change.

PyYAML says "expected <block end>, but found '<block mapping start>'" and sometimes points one
line late, at a blank line or comment after the mistake. Most such errors are indentation: a
line not lined up with the one above it. So the message names both lines, quotes them, and
says in a sentence what is wrong; the parser's own words follow for anyone who wants them.
"""

from __future__ import annotations

import yaml

from generator.errors import SiteError

INDENTATION_FIX = (
    "line the key up with the keys it belongs with (same number of spaces at the start), or "
    "indent it further under the key it belongs inside; use spaces, never tabs"
)


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _first_unclosed_quote(lines: list[str], start: int, end: int) -> int | None:
    """The first line in ``lines[start:end + 1]`` with an odd number of double quotes (not
    counting escaped ones or comments), where a quote was opened and not closed."""
    for index in range(max(start, 0), min(end, len(lines) - 1) + 1):
        text = lines[index].replace('\\"', "")
        if text.lstrip().startswith("#"):
            continue
        if text.count('"') % 2 == 1:
            return index
    return None


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def explain_yaml_error(
    exc: yaml.MarkedYAMLError, text: str, path: str, line_offset: int = 0
) -> SiteError:
    """A located error for ``exc``, raised while parsing ``text`` (shown as ``path``; its
    lines shifted by ``line_offset`` when the YAML sits inside a larger file)."""
    mark = exc.problem_mark or exc.context_mark
    lines = text.splitlines()
    problem = exc.problem or "invalid YAML"
    parser_words = problem
    if exc.context:
        parser_words += f", {exc.context}"
        if exc.context_mark is not None and exc.context_mark is not mark:
            parser_words += f" that starts on line {exc.context_mark.line + 1 + line_offset}"
    if mark is None or not lines:
        return SiteError(
            path,
            f"YAML syntax error: {parser_words}",
            "check the file's indentation and the colon after each key",
        )
    index = min(mark.line, len(lines) - 1)  # the end of the file counts as its last line
    context = exc.context or ""
    opened = exc.context_mark is not None and context.startswith(
        ("while scanning a quoted scalar", "while parsing a flow")
    )
    if opened:
        # An unclosed quote or bracket is found where the file ends or the next key begins;
        # the mistake is where it opened.
        index = min(exc.context_mark.line, len(lines) - 1)
        what = "quote" if "quoted" in context else "bracket"
    else:
        # A quote left open swallows the lines after it, up to the next quote, and the parser
        # then stumbles on what follows: look for the line where it opened.
        start = exc.context_mark.line if exc.context_mark is not None else 0
        unclosed = _first_unclosed_quote(lines, start, index)
        if unclosed is not None:
            index, opened, what = unclosed, True, "quote"
    # PyYAML reports some errors at the next token, past blank lines and comments.
    while index > 0 and not _is_content(lines[index]):
        index -= 1
    above = index - 1
    while above >= 0 and not _is_content(lines[above]):
        above -= 1
    number = index + 1 + line_offset
    line = lines[index]
    shown_above: tuple[tuple[int, str], ...] = ()
    if above >= 0:
        shown_above = ((above + 1 + line_offset, lines[above]),)
    above_words = f"line {above + 1 + line_offset} above it" if above >= 0 else "the line above"

    if "\t" in line[: len(line) - len(line.lstrip())]:
        sentence = f"line {number} is indented with a tab; YAML indentation must be spaces"
        fix = "replace the tab with spaces"
    elif opened:
        sentence = f"the {what} opened on line {number} is not closed where YAML expected it"
        fix = (
            'add the closing quote where the text ends ("like this")'
            if what == "quote"
            else "add the closing bracket after the last item ([a, b] or {key: value}), with "
            "commas between the items"
        )
    elif (
        problem.startswith(("expected <block end>", "did not find expected key"))
        or problem.startswith("did not find expected '-'")
    ) and (above < 0 or _indent(line) != _indent(lines[above])):
        sentence = (
            f"the indentation of line {number} ({_spaces(_indent(line))}) does not fit "
            f"{above_words} ({_spaces(_indent(lines[above]) if above >= 0 else 0)})"
        )
        fix = INDENTATION_FIX
    elif problem.startswith("mapping values are not allowed"):
        sentence = (
            f"line {number} has a ':' that YAML cannot place: either it is indented further "
            f"than {above_words}, or its text contains ': ' and needs quotes"
        )
        fix = (
            "line it up with the line above if it is a key of its own; if it is text, put the "
            'whole text in quotes, for example  name: "Step 1: Intake"'
        )
    else:
        sentence = ""
        fix = (
            "check indentation (spaces, not tabs), the colon after each key, and that text "
            "containing ': ' or starting with a special character is in quotes"
        )
    message = (
        f"YAML syntax error: {sentence} (the parser says: {parser_words})"
        if sentence
        else f"YAML syntax error: {parser_words}"
    )
    return SiteError(path, message, fix, line=number, source_line=line, context_lines=shown_above)
