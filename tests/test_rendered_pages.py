"""Pages' rendered Markdown kept between builds (generator.rendered_pages): reused only when the
page, its front matter, the configuration, the data files, the templates and the code that
renders it are all unchanged, and never standing in for a check that failed."""

from __future__ import annotations

import datetime
from pathlib import Path

import markupsafe
import pytest

from generator.page_rendering import make_page_environment
from generator.plugin import PAGE_CACHE_DIR, RENDERED_CACHE_DIR
from generator.rendered_pages import (
    NotCachable,
    RenderedPages,
    build_fingerprint,
    canonical,
    folder_digest,
)
from tests.conftest import build, page, write_files

# ---------------------------------------------------------------- keys


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ([1, 2], (1, 2)),  # Jinja prints a tuple with round brackets
        (True, 1),
        (1, 1.0),
        ("1", 1),
        ("<b>", markupsafe.Markup("<b>")),  # escaped, and not escaped
        ("2026-01-10", datetime.date(2026, 1, 10)),
        ({"a": 1}, {"a": 1, "b": None}),
        ({1: "x"}, {"1": "x"}),
        (["ab", "c"], ["a", "bc"]),
        ({"a": "b", "c": "d"}, {"a": "bc", "": "d"}),
        ([], {}),
        (None, "None"),
    ],
)
def test_values_that_could_render_differently_are_written_differently(one, other) -> None:
    assert canonical(one) != canonical(other)


def test_the_order_of_a_mapping_does_not_matter_and_equal_values_are_equal() -> None:
    one = {"b": [1, {"y": 2, "x": datetime.date(2026, 1, 10)}], "a": "é"}
    other = {"a": "é", "b": [1, {"x": datetime.date(2026, 1, 10), "y": 2}]}
    assert canonical(one) == canonical(other)


@pytest.mark.parametrize("value", [{1, 2}, object(), b"bytes", {"a": [frozenset()]}])
def test_a_value_of_another_type_is_not_cachable(value) -> None:
    with pytest.raises(NotCachable):
        canonical(value)


def test_the_folder_digest_follows_every_file_but_compiled_python(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    write_files(folder, {"partials/a.html": "A", "b.txt": "B"})
    first = folder_digest([folder])
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    assert folder_digest([folder]) == first
    for change in (
        lambda: (folder / "partials" / "a.html").write_text("a"),
        lambda: (folder / "partials" / "c.html").write_text(""),
        lambda: (folder / "b.txt").rename(folder / "d.txt"),
    ):
        change()
        changed = folder_digest([folder])
        assert changed != first
        first = changed


def test_a_damaged_or_misnamed_entry_is_a_miss(tmp_path: Path) -> None:
    pages = RenderedPages(tmp_path, "fingerprint")
    key = pages.key("Weeks: {{ data.weeks }}.", "title: Home\n")
    pages.put(key, "Weeks: 12.")
    assert pages.get(key) == "Weeks: 12."
    entry = tmp_path / f"{key}.md"
    good = entry.read_bytes()
    for damaged in (b"", good[:-1], good.replace(b"12", b"16"), good[:20]):
        entry.write_bytes(damaged)
        assert pages.get(key) is None, damaged
    other = pages.key("Weeks: {{ data.weeks }}.", "title: Start\n")
    assert other != key
    entry.write_bytes(good)
    (tmp_path / f"{other}.md").write_bytes(good)  # the right text filed under another key
    assert pages.get(other) is None
    assert RenderedPages(tmp_path, "another fingerprint").key("x", "") != pages.key("x", "")
    # The page's name and its front matter are kept apart in the key, not run together.
    assert pages.key("x", "a") != pages.key("xa", "") and pages.key("ax", "") != pages.key("x", "a")


# ---------------------------------------------------------------- builds

PAGE_TEXT = "Weeks: {{ data.facts.weeks }}. Name: {{ organisation.name }}. Title: {{ page.title }}."


def _rendered(project: Path) -> dict[str, bytes]:
    root = project / RENDERED_CACHE_DIR
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _html(project: Path) -> str:
    return (project / "site" / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def project(make_project) -> Path:
    project = make_project(
        {
            "content/data/facts.yml": "weeks: 12\n",
            "content/index.md": page("Home", PAGE_TEXT),
        }
    )
    assert build(project) == 0
    assert "Weeks: 12. Name: Riverside" in _html(project)
    return project


def test_a_second_build_reuses_what_the_first_rendered(project: Path) -> None:
    before = _rendered(project)
    assert len(before) == 2  # the two pages with tags
    (name,) = [name for name, entry in before.items() if b"Weeks: 12." in entry]
    entry = project / RENDERED_CACHE_DIR / name
    # An entry written for the same key is what the next build publishes: so it is read.
    key = entry.name.removesuffix(".md")
    RenderedPages(entry.parent, "unused").put(key, "Weeks: from the cache.\n")
    assert build(project) == 0
    assert "Weeks: from the cache." in _html(project)


@pytest.mark.parametrize(
    "change",
    [
        {"content/data/facts.yml": "weeks: 16\n"},
        {"content/index.md": page("Home", PAGE_TEXT).replace("title: Home", "title: Start")},
        {"content/index.md": page("Home", PAGE_TEXT + " Again.")},
    ],
    ids=["data file", "front matter", "page text"],
)
def test_a_changed_input_is_never_stale_and_its_old_entry_goes(project: Path, change) -> None:
    before = _rendered(project)
    write_files(project, change)
    assert build(project) == 0
    html = _html(project)
    assert ("Weeks: 16." in html) or ("Title: Start." in html) or ("Again." in html)
    after = _rendered(project)
    assert len(after) == len(before)
    assert after != before


def test_a_changed_configuration_or_template_is_never_stale(project: Path) -> None:
    config = (project / "site-config.yml").read_text(encoding="utf-8")
    name = config.split("  organisation:\n    name: ", 1)[1].split("\n", 1)[0]
    write_files(project, {"site-config.yml": config.replace(name, "Harbor Health", 1)})
    assert build(project) == 0
    assert "Name: Harbor Health." in _html(project)

    # A page can include any file in templates/: its text is part of every key.
    write_files(
        project,
        {
            "templates/partials/note.html": "First note.",
            "content/index.md": page("Home", PAGE_TEXT + ' {% include "partials/note.html" %}'),
        },
    )
    assert build(project) == 0
    assert "First note." in _html(project)
    write_files(project, {"templates/partials/note.html": "Second note."})
    assert build(project) == 0
    assert "Second note." in _html(project)


def test_a_page_that_fails_a_check_on_its_rendered_text_fails_every_build(make_project) -> None:
    wrapped = """
        1. **Help them breathe.** Do what the operator at
           {{ crisis.emergency.call }}. tells you, step by step.
        2. **Stay with them.**
    """
    project = make_project({"content/index.md": page("Home", wrapped)})
    assert build(project) != 0
    assert build(project) != 0  # not passed the second time from a kept rendering


def test_compiled_pages_outlive_builds_that_reuse_the_rendered_text(project: Path) -> None:
    compiled_root = project / PAGE_CACHE_DIR
    compiled = sorted(path for path in compiled_root.rglob("*") if path.is_file())
    assert compiled
    assert build(project) == 0  # every page's rendered text reused; nothing compiled or loaded
    assert sorted(path for path in compiled_root.rglob("*") if path.is_file()) == compiled
    mtimes = [path.stat().st_mtime_ns for path in compiled]
    write_files(project, {"content/data/facts.yml": "weeks: 20\n"})
    assert build(project) == 0
    assert "Weeks: 20." in _html(project)
    # Rendered afresh from the code kept by the first build, not compiled again.
    assert [path.stat().st_mtime_ns for path in compiled] == mtimes


def test_a_file_that_cannot_be_read_turns_the_cache_off_and_fails_nothing(
    tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "templates"
    write_files(folder, {"partials/a.html": "A", "partials/4913": "an editor's test file"})
    env = make_page_environment(None)
    assert build_fingerprint(env, {"site": {}}, [folder]) is not None
    vanished = folder / "partials" / "4913"
    read_bytes = Path.read_bytes

    def read_or_vanish(path: Path) -> bytes:
        if path == vanished:  # deleted after it was listed, as editors' temporary files are
            raise FileNotFoundError(path)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_or_vanish)
    assert build_fingerprint(env, {"site": {}}, [folder]) is None
