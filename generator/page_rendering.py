"""Render a page's Markdown through Jinja2 before Markdown conversion, failing loudly and safely.

Pages quote the organisation's facts and data files (``{{ program.days_per_week }}``) instead of
typing them. ``StrictUndefined`` turns a misspelt variable into an error naming the page line,
never an empty string in a published page; the environment is built once per build and shared,
so templates and partials are compiled once.

Pages and data files come from volunteers and outside contributors, often built by CI before
anyone has read them, so they are rendered in Jinja's immutable sandbox: a page can quote, loop
and compare, but cannot reach Python's internals, change a data file's values for the next page,
or build a gigabyte string. Compiling a page is most of what Jinja costs, so pages without a tag
skip Jinja, and compiled pages are kept on disk between builds, keyed by their text and by
everything that changes the compiled code (``generator.template_cache``).
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
import re
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.data_files import DataFiles
from generator.errors import SiteError
from generator.page_prefetch import PagePrefetch, ThemeTemplates
from generator.phone_numbers import phone_href
from generator.template_cache import PageCodeCache, environment_fingerprint
from generator.template_errors import syntax_error_text, undefined_problem
from generator.yaml_loader import LoadedYaml

# Names under which page text is handed to the loader; a page cannot collide with a template file
# because file names never contain a NUL.
_PAGE_NAME_PREFIX = "\0page/"

# The sandbox's own range limit is 100,000; these bound what * and ** can build, far above any
# honest page (a page multiplies hours by days) and far below what would exhaust memory.
MAX_REPEATED_LENGTH = 1_000_000
MAX_POWER_BITS = 4096


def tel_href(number: Any) -> str:
    """``tel:`` link for a displayed phone number; short codes (988, 911) stay as they are."""
    return phone_href(number)


def table_cell(value: Any) -> str:
    """A value as the text of one Markdown table cell: a pipe would end the cell (so it is
    escaped with a backslash) and a line break would end the row (so it becomes a space). What
    the filters ``string`` and two ``replace`` did, in one call instead of three through the
    sandbox: a data table has dozens of cells."""
    return str(value).replace("|", "\\|").replace("\n", " ")


class PageSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with ``*`` and ``**`` bounded too.

    The sandbox already refuses attributes starting with ``_`` (so ``cycler.__init__`` and the
    like fail), methods that change a list or mapping, and ranges over 100,000 items; it does
    not bound ``'x' * 10**10``, which would exhaust the build machine's memory.
    """

    intercepted_binops = frozenset({"*", "**"})

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        # Jinja returns an undefined value that fails only when used, and a chain such as
        # `x | attr('__init__') | attr('__globals__')` then fails as a misspelt variable. Failing
        # here names the real reason.
        raise SecurityError(
            f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe"
        )

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            _check_power(left, right)
            return operator.pow(left, right)
        _check_repetition(left, right)
        return operator.mul(left, right)


def _check_power(base: Any, exponent: Any) -> None:
    if not (isinstance(base, int) and isinstance(exponent, int)) or abs(base) <= 1:
        return
    if exponent > 0 and abs(base).bit_length() * exponent > MAX_POWER_BITS:
        raise SecurityError(f"{base} ** {exponent} is too large a number")


def _check_repetition(left: Any, right: Any) -> None:
    for sequence, count in ((left, right), (right, left)):
        repeats = isinstance(sequence, (str, list, tuple)) and isinstance(count, int)
        if repeats and len(sequence) * count > MAX_REPEATED_LENGTH:
            raise SecurityError(
                f"repeating {len(sequence)} items {count} times is too long "
                f"(over {MAX_REPEATED_LENGTH:,})"
            )


def page_template_name(source: str) -> str:
    """The name a page's text is compiled and cached under: made from the text itself."""
    return _PAGE_NAME_PREFIX + hashlib.sha256(source.encode("utf-8")).hexdigest()


class _PageLoader(jinja2.BaseLoader):
    """Theme partials from the templates folder by name, and page text under a name made from it.

    Jinja's bytecode cache is consulted only for templates that come through a loader, never
    for ``from_string``; handing the page text to ``load`` under a content-derived name lets
    compiled pages be reused across builds.
    """

    def __init__(self, templates_dir: Path | None) -> None:
        self.files = jinja2.FileSystemLoader(str(templates_dir)) if templates_dir else None
        self.pages: dict[str, str] = {}
        # A child compiling pages ahead of the build, if one was started (generator.page_prefetch).
        self.prefetch: PagePrefetch | None = None

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, None, Any]:
        source = self.pages.get(template)
        if source is not None:
            # No file name: tracebacks then name the template "<template>", where
            # _template_line looks for the page line.
            return source, None, lambda: True
        if self.files is None:
            raise jinja2.TemplateNotFound(template)
        return self.files.get_source(environment, template)

    def list_templates(self) -> list[str]:
        return self.files.list_templates() if self.files else []

    def compile_page(self, environment: jinja2.Environment, source: str) -> jinja2.Template:
        name = page_template_name(source)
        if self.prefetch is not None:
            self.prefetch.wait_for(name)
        self.pages[name] = source
        try:
            # Not environment.get_template: its in-memory cache would keep every page of a large
            # site compiled for the whole build.
            return self.load(environment, name, environment.make_globals(None))
        finally:
            del self.pages[name]


def make_page_environment(
    templates_dir: Path | None, cache_dir: Path | None = None
) -> jinja2.Environment:
    """The Jinja environment for page Markdown (theme templates use MkDocs' own environment).

    Autoescape is on so that a value such as ``Smith & Sons <Recovery>`` in site-config.yml
    shows as text, not as broken HTML. With ``cache_dir``, compiled pages are kept there between
    builds (see ``PageCodeCache``).
    """
    loader = _PageLoader(templates_dir)
    env = PageSandbox(
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
    env.filters["table_cell"] = table_cell
    if cache_dir is not None:
        # After the filters are in place: they are part of the fingerprint.
        # A folder that cannot be written (a read-only checkout): build without the cache.
        with contextlib.suppress(OSError):
            env.bytecode_cache = PageCodeCache(cache_dir / environment_fingerprint(env))
    if templates_dir and (templates_dir / "partials" / "data-table.html").is_file():
        env.globals["data_table"] = env.get_template("partials/data-table.html").module.data_table
    return env


def start_page_prefetch(
    env: jinja2.Environment,
    page_files: list[str],
    body_of: Callable[[str], str],
    theme: ThemeTemplates | None = None,
) -> None:
    """Start compiling ``page_files`` (absolute paths, in the order the build reads them; each
    page's Markdown is ``body_of(text)``), then ``theme``'s templates, in a second process,
    where that helps (``generator.page_prefetch``)."""
    loader = env.loader
    if isinstance(loader, _PageLoader) and loader.prefetch is None:
        loader.prefetch = PagePrefetch.start(env, page_files, page_template_name, body_of, theme)


def keep_compiled_page(env: jinja2.Environment, page_name: str) -> None:
    """Keep the compiled code of page text that was not rendered this build (its rendered text
    was reused) from being pruned as unused. ``page_name`` is ``page_template_name`` of the
    text."""
    cache = env.bytecode_cache
    if isinstance(cache, PageCodeCache):
        cache.keep(page_name)


def note_page_read(env: jinja2.Environment) -> None:
    """Tell the second process, if one runs, that the build has begun reading its next page."""
    loader = env.loader
    if isinstance(loader, _PageLoader) and loader.prefetch is not None:
        loader.prefetch.page_read()


def stop_page_prefetch(env: jinja2.Environment, *, finish: bool = False) -> None:
    """Reap the second process, if one was started, once every page has been read: with
    ``finish``, after it has compiled the theme's templates, else at once (a failed build)."""
    loader = env.loader
    if isinstance(loader, _PageLoader) and loader.prefetch is not None:
        if finish:
            loader.prefetch.finish()
        else:
            loader.prefetch.close()
        loader.prefetch = None


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
    if not has_template_syntax(env, source):
        return without_template_syntax(env, source), None
    try:
        loader = env.loader
        if isinstance(loader, _PageLoader):
            template = loader.compile_page(env, source)
        else:
            template = env.from_string(source)
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
    except SecurityError as exc:
        return None, _error(
            path,
            source,
            _template_line(exc),
            first_line,
            f"not allowed in pages: {exc}",
            NOT_ALLOWED_FIX,
        )
    except Exception as exc:
        line = _template_line(exc)
        message, fix = syntax_error_text(exc, env) or (
            f"template error: {type(exc).__name__}: {exc}",
            "check the expression on this line",
        )
        return None, _error(path, source, line, first_line, message, fix)


NOT_ALLOWED_FIX = (
    "a page can quote variables, use filters, loops and conditions, and do arithmetic; it cannot "
    "use names starting with _, change data, or build huge values (README.md, For editors > "
    "What a page can do)"
)


def has_template_syntax(env: jinja2.Environment, source: str) -> bool:
    """Whether ``source`` holds anything Jinja would treat as a tag, a variable or a comment."""
    return (
        env.variable_start_string in source
        or env.block_start_string in source
        or env.comment_start_string in source
        or (env.line_statement_prefix is not None and env.line_statement_prefix in source)
        or (env.line_comment_prefix is not None and env.line_comment_prefix in source)
    )


_NEWLINE_RE = re.compile(r"\r\n|\r|\n")


def without_template_syntax(env: jinja2.Environment, source: str) -> str:
    """What Jinja renders for text with no tags, without compiling it.

    Jinja's lexer turns every line break into ``newline_sequence`` and, unless
    ``keep_trailing_newline``, drops one trailing line break; nothing else changes plain text.
    """
    lines = _NEWLINE_RE.split(source)
    if not env.keep_trailing_newline and lines[-1] == "":
        del lines[-1]
    return env.newline_sequence.join(lines)


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
            # Through the page loader, so the compiled text is kept between builds like pages.
            if isinstance(env.loader, _PageLoader):
                return env.loader.compile_page(env, value).render(context)
            return env.from_string(value).render(context)
        except jinja2.TemplateSyntaxError as exc:
            problem, fix = syntax_error_text(exc, env) or (
                f"template syntax error: {exc.message}",
                "check that every {{ has a matching }}",
            )
        except jinja2.UndefinedError as exc:
            problem, fix = undefined_problem(env, value, context, exc.message or "")
        except SecurityError as exc:
            problem = f"not allowed in data files: {exc}"
            fix = NOT_ALLOWED_FIX
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
