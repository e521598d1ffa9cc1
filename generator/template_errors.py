"""Jinja's failures in a page or data file, told in an editor's words with a suggestion.

Jinja says "'dict object' has no attribute 'days_per_wek'" and stops at the first one. An editor
needs the name they typed, the name they probably meant, and every misspelling on the page in
one run. So when a render fails on an unknown name, the page's expressions are read again from
Jinja's own parse tree and each one is looked up the way Jinja would, without rendering.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from typing import Any

import jinja2
from jinja2 import nodes

from generator.errors import SiteError

# Messages start with these, so later steps (generator.follow_on_errors) can tell a render
# failure from the other errors without matching free text.
UNKNOWN_VARIABLE = "unknown variable"
TEMPLATE_ERROR = "template error"
SYNTAX_ERROR = "template syntax error"
RENDER_PREFIXES = (UNKNOWN_VARIABLE, TEMPLATE_ERROR, SYNTAX_ERROR)

VARIABLES_FIX = (
    "the variables a page can use are listed in README.md (For editors > Variables); they come "
    "from site-config.yml and content/data/"
)

# Names Jinja gives a template itself, which are never in the context.
_JINJA_NAMES = {"loop", "self", "caller", "varargs", "kwargs", "super", "true", "false", "none"}

_NO_FILTER = re.compile(r"No (?P<what>filter|test) named '(?P<name>[^']+)'")


def syntax_error_text(exc: Exception, env: jinja2.Environment) -> tuple[str, str] | None:
    """Message and fix for an unknown filter or test (``| uper``), or None for other errors."""
    match = _NO_FILTER.search(str(exc))
    if match is None:
        return None
    what, name = match["what"], match["name"]
    known = sorted(env.filters if what == "filter" else env.tests)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    message = f"{SYNTAX_ERROR}: there is no {what} called '{name}'"
    if close:
        fix = "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    else:
        fix = f"use a known {what}, for example: {', '.join(known[:12])}"
    return message, fix


def undefined_text(message: str) -> tuple[str, str]:
    """Jinja's own "has no attribute" text in editor words, for when the name cannot be found
    in the page's expressions (it came from a loop or a data file's text)."""
    match = re.match(r"'.*' has no attribute '(?P<name>[^']+)'", message)
    if match:
        return (f"{UNKNOWN_VARIABLE}: something on this line has no '{match['name']}'", "")
    match = re.match(r"'(?P<name>[^']+)' is undefined", message)
    if match:
        return (f"{UNKNOWN_VARIABLE}: there is no variable called '{match['name']}'", "")
    return (f"{UNKNOWN_VARIABLE}: {message}", "")


def unknown_variable_errors(
    env: jinja2.Environment,
    source: str,
    context: Mapping[str, Any],
    path: str,
    first_line: int,
) -> list[SiteError]:
    """One error for every name in ``source`` that does not exist, with the likely name.

    ``first_line`` is the file line of the source's first line. Names made inside the template
    (``{% set %}``, loop variables) are skipped: only their own expressions can be checked.
    """
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError:
        return []
    local_names = {
        name.name for name in tree.find_all(nodes.Name) if name.ctx in ("store", "param")
    }
    guarded = _guarded_nodes(tree)
    lines = source.splitlines()
    errors: list[SiteError] = []
    seen: set[tuple[int, str]] = set()
    for chain, line in expression_chains(tree, guarded):
        root = chain[0]
        if root in local_names or root in _JINJA_NAMES or root in env.globals:
            continue
        problem = _first_missing(env, context, chain)
        if problem is None or (line, problem[0]) in seen:
            continue
        seen.add((line, problem[0]))
        message, fix = problem
        source_line = lines[line - 1] if 0 < line <= len(lines) else ""
        errors.append(
            SiteError(
                path,
                f"{UNKNOWN_VARIABLE}: {message}",
                fix,
                line=first_line + line - 1,
                source_line=source_line,
            )
        )
    return errors


def _guarded_nodes(tree: nodes.Template) -> set[int]:
    """Expressions that may be missing on purpose: ``x is defined``, ``x | default(...)``."""
    guarded: set[int] = set()
    for node in tree.find_all((nodes.Test, nodes.Filter)):
        if node.name in ("defined", "undefined", "default", "d") and node.node is not None:
            guarded.update(id(child) for child in _walk(node.node))
    return guarded


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def expression_chains(
    tree: nodes.Template, guarded: set[int] | frozenset[int] = frozenset()
) -> Iterator[tuple[list[Any], int]]:
    """Each ``a.b['c'].d`` in the template as ``['a', 'b', 'c', 'd']`` and its line, longest
    form only (``a.b`` inside ``a.b.c`` is not reported twice)."""
    inner: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        inner.add(id(node.node))
    for node in tree.find_all((nodes.Name, nodes.Getattr, nodes.Getitem)):
        if id(node) in inner or id(node) in guarded:
            continue
        if isinstance(node, nodes.Name) and node.ctx != "load":
            continue
        chain = _chain(node)
        if chain is not None:
            yield chain, node.lineno


def _chain(node: nodes.Node) -> list[Any] | None:
    parts: list[Any] = []
    while True:
        if isinstance(node, nodes.Name):
            return [node.name, *reversed(parts)]
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            parts.append(node.arg.value)
        else:
            return None
        node = node.node


def _first_missing(
    env: jinja2.Environment, context: Mapping[str, Any], chain: list[Any]
) -> tuple[str, str] | None:
    root = chain[0]
    if root not in context:
        close = difflib.get_close_matches(root, [str(k) for k in context], n=1)
        fix = f"did you mean '{close[0]}'? Otherwise: " if close else ""
        return (f"there is no variable called '{root}'", fix + VARIABLES_FIX)
    value = context[root]
    for index, part in enumerate(chain[1:], start=1):
        found = env.getitem(value, part) if not isinstance(part, str) else env.getattr(value, part)
        if isinstance(found, jinja2.Undefined):
            owner = _dotted(chain[:index])
            keys = [str(k) for k in value] if isinstance(value, Mapping) else []
            close = difflib.get_close_matches(str(part), keys, n=1)
            if close:
                fix = f"write '{owner}.{close[0]}' instead"
                message = f"'{owner}' has no '{part}'; did you mean '{owner}.{close[0]}'?"
            else:
                fix = f"'{owner}' has: {', '.join(keys)}" if keys else VARIABLES_FIX
                message = f"'{owner}' has no '{part}'"
            return message, fix
        value = found
    return None


def _dotted(chain: list[Any]) -> str:
    text = str(chain[0])
    for part in chain[1:]:
        text += f"[{part!r}]" if not isinstance(part, str) else f".{part}"
    return text


def undefined_problem(
    env: jinja2.Environment,
    source: str,
    context: Mapping[str, Any],
    jinja_message: str,
    line: int | None = None,
) -> tuple[str, str]:
    """Message and fix for the unknown name in ``source`` (a page, or a data file's text) on
    ``line`` (None: anywhere), in editor words."""
    found = [
        error
        for error in unknown_variable_errors(env, source, context, "", 1)
        if line is None or error.line == line
    ]
    if found:
        return found[0].message, found[0].fix
    message, fix = undefined_text(jinja_message)
    return message, fix or "check the spelling; " + VARIABLES_FIX


def page_render_errors(
    error: SiteError,
    env: jinja2.Environment,
    source: str,
    context: Mapping[str, Any],
    path: str,
    first_line: int,
) -> list[SiteError]:
    """Every unknown name on the page when rendering stopped at one; else just ``error``."""
    if not error.message.startswith(UNKNOWN_VARIABLE):
        return [error]
    found = unknown_variable_errors(env, source, context, path, first_line)
    if error.line not in {found_error.line for found_error in found}:
        found.insert(0, error)  # the failing line holds a name this reading cannot check
    return sorted(found, key=lambda e: e.line or 0)
