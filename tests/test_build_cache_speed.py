"""Parsed YAML kept between builds (generator.yaml_loader: front matter, data files, interface
strings, site-config.yml) and data-file text compiled through the page cache must never serve
stale output: every edit between two builds shows in the second, whether the first build's
entries come from memory (a `serve` process) or from `.cache/iop-guide/yaml` (a new process);
and an entry that is corrupt is ignored."""

from __future__ import annotations

import datetime
import marshal
from pathlib import Path

import pytest

from generator import yaml_loader
from generator.plugin import YAML_CACHE_DIR
from generator.yaml_loader import forget_parsed, load_yaml_text
from tests.conftest import build, page, tree_digest, write_files

# A data file whose text quotes a fact from site-config.yml, and pages that quote both.
FACTS = """\
weeks: 12
started: 2026-01-05
intake: "Call {{ organisation.phone }} to start."
"""


def _home(body: str = "Weeks: {{ data.facts.weeks }}. {{ data.facts.intake }}") -> str:
    return page("Home", body)


@pytest.fixture
def project(make_project) -> Path:
    project = make_project({"content/data/facts.yml": FACTS, "content/index.md": _home()})
    assert build(project) == 0
    return project


def _html(project: Path, relative: str = "index.html") -> str:
    return (project / "site" / relative).read_text(encoding="utf-8")


def _entries(project: Path) -> list[Path]:
    return sorted((project / YAML_CACHE_DIR).glob("*.marshal"))


@pytest.fixture(params=["memory", "disk"])
def where(request) -> str:
    """Where the second build finds the first build's parsed files: in memory (the same
    process, as `serve`) or only on disk (a new process, as the next `iop-guide build`)."""
    return request.param


def _second_build(project: Path, where: str) -> None:
    if where == "disk":
        forget_parsed()
    assert build(project) == 0


def test_a_build_keeps_every_file_it_parsed_and_a_second_build_publishes_the_same(
    project: Path,
) -> None:
    entries = _entries(project)
    # site-config.yml, two pages' front matter, the data file, the interface strings.
    assert len(entries) >= 4
    digest = tree_digest(project / "site")
    stamps = {path: path.stat().st_mtime_ns for path in entries}
    forget_parsed()
    assert build(project) == 0
    assert tree_digest(project / "site") == digest
    # Read from disk, none written again, none pruned.
    assert {path: path.stat().st_mtime_ns for path in _entries(project)} == stamps


def test_an_edited_data_file_shows_in_the_next_build(project: Path, where: str) -> None:
    assert "Weeks: 12. Call (555) 010-0123 to start." in _html(project)
    write_files(project, {"content/data/facts.yml": FACTS.replace("weeks: 12", "weeks: 16")})
    _second_build(project, where)
    assert "Weeks: 16." in _html(project)
    assert "Weeks: 12." not in _html(project)


def test_an_edited_data_file_text_with_a_tag_shows_in_the_next_build(
    project: Path, where: str
) -> None:
    write_files(
        project,
        {"content/data/facts.yml": FACTS.replace("to start.", "any day to start.")},
    )
    _second_build(project, where)
    assert "Call (555) 010-0123 any day to start." in _html(project)


def test_an_edited_configuration_shows_in_data_text_and_pages(project: Path, where: str) -> None:
    config = (project / "site-config.yml").read_text(encoding="utf-8")
    assert "    phone: (555) 010-0123\n" in config
    write_files(project, {"site-config.yml": config.replace("(555) 010-0123", "(555) 010-0999", 1)})
    _second_build(project, where)
    # The data file did not change: its text is still rendered with the new phone.
    assert "Call (555) 010-0999 to start." in _html(project)


def test_an_edited_front_matter_shows_in_the_next_build(project: Path, where: str) -> None:
    write_files(project, {"content/get-help-now.md": page("Help right now", "Call 988.")})
    _second_build(project, where)
    html = _html(project, "get-help-now/index.html")
    assert "<title>Help right now" in html


def test_a_front_matter_error_after_a_good_build_is_reported(project: Path, where: str) -> None:
    text = (project / "content" / "get-help-now.md").read_text(encoding="utf-8")
    write_files(
        project,
        {"content/get-help-now.md": text.replace("reviewed: 2026-01-10", "reviewed: someday")},
    )
    if where == "disk":
        forget_parsed()
    assert build(project) == 1


def test_old_entries_are_pruned_after_an_edit(project: Path) -> None:
    before = set(_entries(project))
    write_files(project, {"content/data/facts.yml": FACTS.replace("weeks: 12", "weeks: 16")})
    assert build(project) == 0
    after = set(_entries(project))
    assert len(after) == len(before)
    assert len(after - before) == 1  # the edited file's new entry; its old one is gone


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data[: len(data) // 2], id="cut-short"),
        pytest.param(lambda data: b"\0" * 32 + data[32:], id="bad-checksum"),
        pytest.param(lambda data: data[:-1] + bytes([data[-1] ^ 0xFF]), id="flipped-byte"),
        pytest.param(lambda data: b"not a cache entry at all", id="garbage"),
    ],
)
def test_a_corrupt_entry_is_ignored_and_written_again(project: Path, damage) -> None:
    expected = tree_digest(project / "site")
    entries = _entries(project)
    good = {path: path.read_bytes() for path in entries}
    for path in entries:
        path.write_bytes(damage(good[path]))
    forget_parsed()
    assert build(project) == 0
    assert tree_digest(project / "site") == expected
    assert {path: path.read_bytes() for path in _entries(project)} == good


def test_an_entry_with_a_valid_checksum_but_another_shape_is_ignored(project: Path) -> None:
    expected = tree_digest(project / "site")
    for path in _entries(project):
        payload = marshal.dumps(["not", "an", "entry"])
        import hashlib

        path.write_bytes(hashlib.sha256(payload).digest() + payload)
    forget_parsed()
    assert build(project) == 0
    assert tree_digest(project / "site") == expected


def test_a_cache_folder_that_cannot_be_written_never_fails_a_build(project: Path) -> None:
    folder = project / YAML_CACHE_DIR
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.write_text("a file where the folder should be", encoding="utf-8")
    expected = tree_digest(project / "site")
    forget_parsed()
    assert build(project) == 0
    assert tree_digest(project / "site") == expected


# ---------------------------------------------------------------- the loader itself

TEXT = """\
title: Día uno
reviewed: 2026-01-10
sizes: [1, 2.5, true, null, "x"]
nested:
  - a: 1
    2026-02-03: a date as a key
  - -0.0
"""


def test_a_document_from_the_cache_equals_a_fresh_parse(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(yaml_loader, "_cache_folder", None)
    fresh = yaml_loader._parse_yaml_text(TEXT, "x.yml", 3)
    yaml_loader.use_cache_folder(tmp_path / "yaml")
    try:
        forget_parsed()
        first = load_yaml_text(TEXT, "x.yml", 3)  # parsed, written
        forget_parsed()
        second = load_yaml_text(TEXT, "other.yml", 3)  # from disk
        third = load_yaml_text(TEXT, "x.yml", 5)  # from memory, another offset
    finally:
        yaml_loader.use_cache_folder(None)
    assert len(list((tmp_path / "yaml").glob("*.marshal"))) == 1
    for loaded in (first, second, third):
        assert loaded.data == fresh.data
        assert loaded.lines == fresh.lines
        assert type(loaded.data["reviewed"]) is datetime.date
        assert type(loaded.data["sizes"][2]) is bool
    assert second.path == "other.yml"
    assert third.line_of(("reviewed",)) == fresh.line_of(("reviewed",)) + 2


def test_each_reading_gets_objects_of_its_own() -> None:
    first = load_yaml_text(TEXT, "x.yml")
    first.data["title"] = "changed"
    first.data["nested"][0]["a"] = 99
    second = load_yaml_text(TEXT, "x.yml")
    assert second.data["title"] == "Día uno"
    assert second.data["nested"][0]["a"] == 1


@pytest.mark.parametrize(
    "text",
    [
        "when: 2026-01-10 10:30:00\n",  # a datetime, not kept
        "raw: !!binary aGVsbG8=\n",  # bytes, not kept
        "pairs: !!omap [{a: 1}]\n",  # tuples, not kept
        "base: &b {x: 1}\nother: *b\n",  # aliases: one object in two places, not kept
    ],
)
def test_documents_the_cache_does_not_keep_are_parsed_every_time(tmp_path: Path, text: str) -> None:
    yaml_loader.use_cache_folder(tmp_path / "yaml")
    try:
        first = load_yaml_text(text, "x.yml")
        second = load_yaml_text(text, "x.yml")
    finally:
        yaml_loader.use_cache_folder(None)
    assert first.data == second.data
    assert not (tmp_path / "yaml").exists() or not list((tmp_path / "yaml").iterdir())
