"""Render a page's Markdown through Jinja2 before Markdown conversion, failing loudly.

Pages quote the organisation's facts and data files (``{{ program.days_per_week }}``) instead of
typing them. ``StrictUndefined`` turns a misspelt variable into an error naming the page line,
never an empty string in a published page; the environment is built once per build and shared,
so templates and partials are compiled once.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from generator.data_files import DataFiles
from generator.errors import SiteError
from generator.phone_numbers import phone_href
from generator.template_errors import syntax_error_text, undefined_problem
from generator.yaml_loader import LoadedYaml

_PAGE_TEMPLATE_NAME = "<page>"


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory by their owner (the plugin, for the life of a `serve`
    process), so a rebuild recompiles only the templates that changed: MkDocs makes a new Jinja
    environment, and so recompiles every template, on each rebuild. Jinja stores each entry with
    its source's checksum and ignores it when the source differs, so an edited template is always
    recompiled."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


def tel_href(number: Any) -> str:
    """``tel:`` link for a displayed phone number; short codes (988, 911) stay as they are."""
    return phone_href(number)


def make_page_environment(templates_dir: Path | None) -> jinja2.Environment:
    """The Jinja environment for page Markdown (theme templates use MkDocs' own environment).

    Autoescape is on so that a value such as ``Smith & Sons <Recovery>`` in site-config.yml
    shows as text, not as broken HTML.
    """
    loader = jinja2.FileSystemLoader(str(templates_dir)) if templates_dir else None
    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        # Markdown's attribute lists write heading ids as `## Title {#id}`, which Jinja would
        # read as the start of a comment; page comments are written {## like this ##} instead.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters["tel"] = tel_href
    if templates_dir and (templates_dir / "partials" / "data-table.html").is_file():
        env.globals["data_table"] = env.get_template("partials/data-table.html").module.data_table
    return env


def page_context(
    extra: Mapping[str, Any],
    data: Mapping[str, Any],
    site: Mapping[str, Any],
    meta: Mapping[str, Any],
) -> dict[str, Any]:
    """What a page's Markdown can use: the organisation's facts, data files, site and page."""
    return {**extra, "data": data, "site": site, "page": meta}


def render_page_markdown(
    env: jinja2.Environment,
    source: str,
    context: Mapping[str, Any],
    path: str,
    first_line: int,
) -> tuple[str | None, SiteError | None]:
    """Render ``source`` (a page body starting at ``first_line`` of ``path``).

    Returns the Markdown, or an error naming the file, the line and the offending source line.
    """
    try:
        template = env.from_string(source)
        template.name = _PAGE_TEMPLATE_NAME
        return template.render(context), None
    except jinja2.TemplateSyntaxError as exc:
        line = exc.lineno or 1
        message, fix = syntax_error_text(exc, env) or (
            f"template syntax error: {exc.message}",
            "check that every {{ has a matching }} and every {% if %}/{% for %} has its "
            "{% endif %}/{% endfor %}",
        )
        return None, _error(path, source, line, first_line, message, fix)
    except jinja2.UndefinedError as exc:
        line = _template_line(exc)
        message, fix = undefined_problem(env, source, context, exc.message or "", line)
        return None, _error(path, source, line, first_line, message, fix)
    except Exception as exc:
        line = _template_line(exc)
        message, fix = syntax_error_text(exc, env) or (
            f"template error: {type(exc).__name__}: {exc}",
            "check the expression on this line",
        )
        return None, _error(path, source, line, first_line, message, fix)


def _template_line(exc: BaseException) -> int | None:
    """The page line Jinja was rendering when it failed (Jinja rewrites its traceback for this)."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<template>":
            line = frame.lineno
    return line


def _error(
    path: str, source: str, line: int | None, first_line: int, message: str, fix: str
) -> SiteError:
    source_line = ""
    file_line = None
    if line is not None:
        lines = source.splitlines()
        if 0 < line <= len(lines):
            source_line = lines[line - 1]
        file_line = first_line + line - 1
    return SiteError(path, message, fix, line=file_line, source_line=source_line)


def render_data_strings(
    env: jinja2.Environment, loaded: LoadedYaml, context: Mapping[str, Any]
) -> tuple[Any, list[SiteError]]:
    """A data file's values with every ``{{ ... }}`` in its text rendered.

    So a data file can quote a fact that lives elsewhere (the self-assessment quoting the hours
    of a level from levels.yml, say) instead of typing it a second time. Errors name the data
    file, the line and the key.
    """
    errors: list[SiteError] = []

    def render(value: Any, key_path: tuple[Any, ...]) -> Any:
        if isinstance(value, dict):
            return {key: render(item, (*key_path, key)) for key, item in value.items()}
        if isinstance(value, list):
            return [render(item, (*key_path, index)) for index, item in enumerate(value)]
        if not isinstance(value, str) or ("{{" not in value and "{%" not in value):
            return value
        try:
            return env.from_string(value).render(context)
        except jinja2.TemplateSyntaxError as exc:
            problem, fix = syntax_error_text(exc, env) or (
                f"template syntax error: {exc.message}",
                "check that every {{ has a matching }}",
            )
        except jinja2.UndefinedError as exc:
            problem, fix = undefined_problem(env, value, context, exc.message or "")
        except Exception as exc:  # a filter or test failing on a value: same as on pages
            problem, fix = syntax_error_text(exc, env) or (
                f"template error: {type(exc).__name__}: {exc}",
                "check the expression in this text",
            )
        errors.append(loaded.error(key_path, problem, fix))
        return value

    return render(loaded.data, ()), errors


def render_data_files(
    env: jinja2.Environment, data: DataFiles, context: Mapping[str, Any]
) -> list[SiteError]:
    """Render the text of every data file in place (see ``render_data_strings``)."""
    errors: list[SiteError] = []
    for stem, loaded in data.loaded.items():
        data.values[stem], file_errors = render_data_strings(env, loaded, context)
        errors.extend(file_errors)
    return errors
