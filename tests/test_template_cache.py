"""Faster page rendering that must never change what is published: pages without tags skip Jinja
with the same output, and compiled pages kept between builds are reused only for the same text,
compiled by the same Jinja and Python, in the same environment."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import template_cache
from generator.page_rendering import (
    has_template_syntax,
    make_page_environment,
    render_page_markdown,
    without_template_syntax,
)
from generator.plugin import PAGE_CACHE_DIR, THEME_CACHE_DIR
from generator.template_cache import environment_fingerprint
from tests.conftest import REPO, build, page, write_files

# ---------------------------------------------------------------- pages without tags


def _through_jinja(env: jinja2.Environment, source: str) -> str:
    return env.from_string(source).render()


TRICKY_TEXTS = [
    "",
    "\n",
    "plain",
    "line\n",
    "two\n\n",
    "windows\r\nline endings\r\n",
    "old mac\rline\r",
    "mixed\r\n\r\n\n\r",
    "## Costs {#costs}\n",  # a heading id, not a Jinja comment in our environment
    "{ {not a tag} }\n{ %also not% }\n",
    "# {#}\n",
    "\ttabs  and  spaces  \n",
]


@pytest.mark.parametrize("keep_trailing_newline", [True, False])
@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_skipping_jinja_gives_what_jinja_gives(text: str, keep_trailing_newline: bool) -> None:
    env = make_page_environment(None)
    env.keep_trailing_newline = keep_trailing_newline
    assert not has_template_syntax(env, text)
    assert without_template_syntax(env, text) == _through_jinja(env, text)


# No deadline: on a shared machine a slow example is not a wrong one.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=["a", " ", "{", "}", "#", "%", "-", "\n", "\r", "é"], max_size=60))
def test_skipping_jinja_gives_what_jinja_gives_for_any_tagless_text(text: str) -> None:
    env = make_page_environment(None)
    if has_template_syntax(env, text):
        return  # a tag: the other path, covered by every other test of pages
    assert without_template_syntax(env, text) == _through_jinja(env, text)
    rendered, error = render_page_markdown(env, text, {}, "content/x.md", 1)
    assert error is None and rendered == _through_jinja(env, text)


@pytest.mark.parametrize("text", ["a {{ x }}", "{% if 1 %}a{% endif %}", "{## n ##}", "{{- x }}"])
def test_anything_jinja_reads_goes_through_jinja(text: str) -> None:
    assert has_template_syntax(make_page_environment(None), text)


# ---------------------------------------------------------------- the compiled-page cache


def _cache_entries(project: Path) -> dict[str, int]:
    """Every cached file with its modification time, by path inside the cache."""
    root = project / PAGE_CACHE_DIR
    return {
        path.relative_to(root).as_posix(): path.stat().st_mtime_ns
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _html(project: Path, relative: str = "index.html") -> str:
    return (project / "site" / relative).read_text(encoding="utf-8")


@pytest.fixture
def cached_project(make_project) -> Path:
    project = make_project(
        {
            "content/data/facts.yml": "weeks: 12\n",
            "content/index.md": page(
                "Home", "Weeks: {{ data.facts.weeks }}. Name: {{ organisation.name }}."
            ),
        }
    )
    assert build(project) == 0
    return project


def test_a_second_build_compiles_nothing_and_publishes_the_same(cached_project: Path) -> None:
    first_entries = _cache_entries(cached_project)
    first_html = _html(cached_project)
    # Both pages with tags, and the data-table partial: one entry each.
    assert len(first_entries) == 3
    assert build(cached_project) == 0
    assert _cache_entries(cached_project) == first_entries  # nothing written again
    assert _html(cached_project) == first_html


def test_a_changed_page_is_compiled_again_and_its_old_entry_removed(cached_project: Path) -> None:
    before = _cache_entries(cached_project)
    write_files(cached_project, {"content/index.md": page("Home", "Now: {{ data.facts.weeks }}.")})
    assert build(cached_project) == 0
    after = _cache_entries(cached_project)
    assert "Now: 12." in _html(cached_project)
    assert len(after) == len(before)
    assert len(set(after) - set(before)) == 1


def test_a_changed_data_file_or_configuration_is_never_stale(cached_project: Path) -> None:
    write_files(cached_project, {"content/data/facts.yml": "weeks: 16\n"})
    assert build(cached_project) == 0
    assert "Weeks: 16." in _html(cached_project)

    config = (cached_project / "site-config.yml").read_text(encoding="utf-8")
    name = config.split("  organisation:\n    name: ", 1)[1].split("\n", 1)[0]
    write_files(cached_project, {"site-config.yml": config.replace(name, "Harbor Health", 1)})
    assert build(cached_project) == 0
    assert "Name: Harbor Health." in _html(cached_project)


def test_entries_are_checked_against_the_page_text(cached_project: Path, make_project) -> None:
    """An entry holding another page's code (a corrupt or tampered cache) is not used: Jinja
    stores the source checksum with the code and compiles again when they differ."""
    root = cached_project / PAGE_CACHE_DIR
    entries = sorted(path for path in root.rglob("*") if path.is_file())
    contents = [path.read_bytes() for path in entries]
    for path, content in zip(entries, [*contents[1:], contents[0]], strict=True):
        path.write_bytes(content)  # every entry now holds another template's code
    # Entries sit in <language>/<fingerprint>/: the garbage goes beside them.
    garbage = root / next(iter(_cache_entries(cached_project))).rsplit("/", 1)[0] / "x"
    garbage.write_bytes(b"not a cache entry")
    expected = _html(cached_project)
    assert build(cached_project) == 0
    assert _html(cached_project) == expected
    assert not garbage.exists()  # unused entries are pruned


def test_the_cache_folder_changes_with_jinja_python_and_environment(monkeypatch) -> None:
    templates = REPO / "templates"
    baseline = environment_fingerprint(make_page_environment(templates))
    assert environment_fingerprint(make_page_environment(templates)) == baseline

    with_filter = make_page_environment(templates)
    with_filter.filters["shout"] = str.upper
    assert environment_fingerprint(with_filter) != baseline

    trimmed = make_page_environment(templates)
    trimmed.trim_blocks = True
    assert environment_fingerprint(trimmed) != baseline

    unsandboxed = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    assert environment_fingerprint(unsandboxed) != baseline

    monkeypatch.setattr(jinja2, "__version__", "99.0.0")
    assert environment_fingerprint(make_page_environment(templates)) != baseline
    monkeypatch.undo()
    monkeypatch.setattr(template_cache.sys, "version", "3.99.0 (future)")
    assert environment_fingerprint(make_page_environment(templates)) != baseline


def test_an_old_fingerprint_folder_is_removed_after_a_build(cached_project: Path) -> None:
    # Each language has its folder of fingerprints (the project's is English only).
    stale = cached_project / PAGE_CACHE_DIR / "en" / "0123456789abcdef0123"
    stale.mkdir()
    (stale / "__jinja2_old.cache").write_bytes(b"old")
    assert build(cached_project) == 0
    assert not stale.exists()
    assert len(_cache_entries(cached_project)) == 3


def test_a_failed_build_prunes_nothing(cached_project: Path) -> None:
    before = _cache_entries(cached_project)
    write_files(cached_project, {"content/index.md": page("Home", "{{ nothing_here }}")})
    assert build(cached_project) == 1
    assert set(before) <= set(_cache_entries(cached_project))


# ---------------------------------------------------------------- compiled theme templates


def _theme_entries(project: Path) -> dict[str, int]:
    root = project / THEME_CACHE_DIR
    return {
        path.relative_to(root).as_posix(): path.stat().st_mtime_ns
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_theme_templates_are_compiled_once_across_builds(cached_project: Path) -> None:
    first = _theme_entries(cached_project)
    assert len(first) > 20  # Material's templates and partials, and ours
    html = _html(cached_project)
    assert build(cached_project) == 0
    assert _theme_entries(cached_project) == first
    assert _html(cached_project) == html


def test_an_edited_theme_template_is_never_stale(cached_project: Path) -> None:
    strip = cached_project / "templates" / "partials" / "crisis-strip.html"
    strip.write_text(strip.read_text(encoding="utf-8") + "<!-- edited strip -->\n")
    assert build(cached_project) == 0
    assert "<!-- edited strip -->" in _html(cached_project)
    assert "<!-- edited strip -->" in _html(cached_project, "get-help-now/index.html")


def test_theme_entries_of_another_environment_are_removed(cached_project: Path) -> None:
    stale = cached_project / THEME_CACHE_DIR / "0123456789abcdef0123"
    stale.mkdir()
    (stale / "old.cache").write_bytes(b"old")
    assert build(cached_project) == 0
    assert not stale.exists()


def test_a_cache_folder_that_cannot_be_written_never_fails_a_build(make_project) -> None:
    """A cache is only a shortcut: here `.cache` is a file, so no folder can be made in it (the
    tests run as root, for whom a read-only folder is still writable)."""
    project = make_project(
        {
            ".cache": "not a folder\n",
            "content/index.md": page("Home", "Name: {{ organisation.name }}."),
        }
    )
    assert build(project) == 0
    assert build(project) == 0
    assert "Name: " in _html(project) and "{{" not in _html(project)
    assert (project / ".cache").read_text() == "not a folder\n"


_CELL_VALUES = st.one_of(
    st.text(alphabet=st.sampled_from("ab |\n<>&\"'\\{}"), max_size=30),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.dates(),
)


@settings(max_examples=300)
@given(value=_CELL_VALUES)
def test_the_table_cell_filter_gives_what_the_filters_it_replaced_gave(value) -> None:
    """The data table's cells went through `string` and two `replace`s; `table_cell` does it in
    one call, and must print exactly the same in the page environment (autoescape on)."""
    env = make_page_environment(REPO / "templates")
    before = env.from_string('{{ v | string | replace("|", "\\\\|") | replace("\\n", " ") }}')
    after = env.from_string("{{ v | table_cell }}")
    assert after.render(v=value) == before.render(v=value)


# ---------------------------------------------------------------- reading an entry


def _bucket(source: str) -> jinja2.bccache.Bucket:
    env = make_page_environment(REPO / "templates")
    checksum = template_cache.MemoryBytecodeCache().get_source_checksum(source)
    return jinja2.bccache.Bucket(env, "key", checksum)


def _jinja_entry(source: str) -> bytes:
    """An entry as Jinja writes it, for ``source``'s compiled code."""
    env = make_page_environment(REPO / "templates")
    bucket = _bucket(source)
    bucket.code = compile(env.compile(source, raw=True), "<template>", "exec")
    return bucket.bytecode_to_string()


SOURCE = "Call {{ 1 + 2 }} now.\n{% for n in [1, 2] %}{{ n }}{% endfor %}\n"


def test_an_entry_loads_the_code_jinja_would_load() -> None:
    entry = _jinja_entry(SOURCE)
    ours, jinjas = _bucket(SOURCE), _bucket(SOURCE)
    template_cache.load_entry(ours, entry)
    jinjas.bytecode_from_string(entry)
    assert ours.code is not None
    assert ours.code == jinjas.code


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda entry: b"", id="empty"),
        pytest.param(lambda entry: b"xx" + entry[2:], id="another-magic"),
        pytest.param(lambda entry: entry[: len(jinja2.bccache.bc_magic) + 3], id="cut-in-checksum"),
        pytest.param(lambda entry: entry[: len(entry) // 2], id="cut-in-code"),
        pytest.param(lambda entry: entry[:-8] + b"\xff" * 8, id="damaged-code"),
    ],
)
def test_a_damaged_entry_is_not_used(damage) -> None:
    bucket = _bucket(SOURCE)
    template_cache.load_entry(bucket, damage(_jinja_entry(SOURCE)))
    assert bucket.code is None


def test_an_entry_for_other_text_is_not_used() -> None:
    bucket = _bucket(SOURCE + "changed\n")
    template_cache.load_entry(bucket, _jinja_entry(SOURCE))
    assert bucket.code is None
