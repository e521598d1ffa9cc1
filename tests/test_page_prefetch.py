"""A cold build compiles pages and theme templates in a second process (generator.page_prefetch).

It must change nothing but where the compiling happens: the same site as a build without it,
every page's error still reported by the build, an edit never served stale, and the build never
stuck waiting for a child that has stopped. And it must do what it is for: the build's own
process compiles no page and no main template the child compiled.

Builds run in a fresh interpreter (tests/prefetch_probe.py), as `iop-guide build` does: the
child is forked only from a process with no other thread, and this session's browser driver
keeps one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.utils.meta import get_data

from generator import page_prefetch
from generator.page_prefetch import PagePrefetch, prefetch_available
from generator.page_rendering import make_page_environment, page_template_name
from generator.plugin import PAGE_CACHE_DIR, THEME_CACHE_DIR, markdown_body
from tests.conftest import REPO, page, replace_once, tree_digest, write_files


def _probe(*arguments: str) -> tuple[dict, str]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.prefetch_probe", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("PROBE ")]
    assert lines, done.stdout + done.stderr
    return json.loads(lines[-1].removeprefix("PROBE ")), done.stderr


def _build(project: Path, *options: str) -> tuple[dict, str]:
    shutil.rmtree(project / ".cache", ignore_errors=True)  # cold: nothing compiled is kept
    return _probe("build", str(project / "site-config.yml"), *options)


def _topic(number: int) -> str:
    parts = "".join(f"\n\nPart {part}: {{{{ crisis.lifeline.call }}}}." for part in range(20))
    return page(
        f"Topic {number}",
        f"Topic {number}: {{{{ organisation.name }}}}, "
        f"{{{{ program.days_per_week }}}} days a week.{parts}",
    )


@pytest.fixture
def project(make_project) -> Path:
    return make_project({f"content/topic-{number}.md": _topic(number) for number in range(12)})


def _pages_compiled(result: dict) -> list[str]:
    return [name for name in result["compiled"] if name.startswith("\0page/")]


def test_markdown_body_is_what_mkdocs_hands_the_plugin_for_every_real_page() -> None:
    """The child compiles the text MkDocs will hand ``on_page_markdown``; a difference would
    only cost speed, but for the real pages there is none."""
    pages = sorted((REPO / "content").rglob("*.md"))
    assert len(pages) > 40
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert markdown_body(text) == get_data(text)[0], path


def test_the_build_compiles_no_page_or_main_template_the_child_compiled(project: Path) -> None:
    result, _ = _build(project)
    assert result["exit"] == 0
    if not result["available"]:
        pytest.fail("a fresh `iop-guide build` process here should fork the page compiler")
    assert _pages_compiled(result) == []
    assert "main.html" not in result["compiled"]
    assert "partials/crisis-strip.html" not in result["compiled"]
    assert any((project / THEME_CACHE_DIR).rglob("*.cache"))
    with_child = tree_digest(project / "site")

    # Without the child the same cold build compiles every page itself (so the check above can
    # fail), and publishes exactly the same site.
    result, _ = _build(project, "--no-child")
    assert result["exit"] == 0
    assert len(_pages_compiled(result)) == 14  # 12 topics, home, get help now
    assert "main.html" in result["compiled"]
    assert tree_digest(project / "site") == with_child


def test_a_page_error_is_still_reported_by_the_build_with_its_line(project: Path) -> None:
    broken = page("Broken", "Fine line.\n\nThis {{ organisation.name line is broken.")
    write_files(project, {"content/topic-3.md": broken})
    result, err = _build(project)
    assert result["exit"] != 0
    line = broken.splitlines().index("This {{ organisation.name line is broken.") + 1
    assert f"content/topic-3.md:{line}" in err


def test_an_edit_between_builds_is_never_served_from_the_childs_entries(project: Path) -> None:
    result, _ = _build(project)
    assert result["exit"] == 0
    path = project / "content" / "topic-5.md"
    path.write_text(
        replace_once(path.read_text(encoding="utf-8"), "Topic 5:", "Topic 5 (edited):"),
        encoding="utf-8",
    )
    # Warm this time: the child's entries from the first build are kept.
    result, _ = _probe("build", str(project / "site-config.yml"))
    assert result["exit"] == 0
    html = (project / "site" / "topic-5" / "index.html").read_text(encoding="utf-8")
    assert "Topic 5 (edited):" in html
    assert len(_pages_compiled(result)) <= 1  # at most the edited page, if the child lost


def _page_files(folder: Path, count: int, tags: int) -> list[str]:
    files = []
    for number in range(count):
        path = folder / f"page-{number}.md"
        body = f"Page {number}:" + "".join(f" {{{{ value_{tag} }}}}" for tag in range(tags))
        path.write_text(f"---\ntitle: Page {number}\n---\n{body}\n", encoding="utf-8")
        files.append(str(path))
    return files


def test_the_child_fills_the_page_cache_and_skips_pages_without_tags(tmp_path: Path) -> None:
    files = _page_files(tmp_path, 5, 3)
    plain = tmp_path / "plain.md"
    plain.write_text("---\ntitle: Plain\n---\nNo tags here.\n", encoding="utf-8")
    result, _ = _probe("fill", str(tmp_path / "cache"), *files, str(plain))
    assert result == {"started": True, "cached": [True, True, True, True, True, False]}


def test_the_child_skips_pages_the_build_has_reached(tmp_path: Path) -> None:
    """When the build catches up (the second core is busy), the child moves on ahead instead
    of compiling pages the build is compiling itself. Of 200 pages all read at once, it can
    have begun at most the first few before it heard."""
    files = _page_files(tmp_path, 200, 40)
    result, _ = _probe("overtaken", str(tmp_path / "cache"), *files)
    assert result["started"] is True
    assert result["cached"] <= 3


def test_the_build_never_waits_for_a_child_that_has_stopped(tmp_path: Path) -> None:
    files = _page_files(tmp_path, 400, 40)
    result, _ = _probe("stopped", str(tmp_path / "cache"), *files)
    assert result["started"] is True
    assert result["alive"] is False
    assert result["seconds"] < 5


def test_no_child_where_it_could_not_help(monkeypatch, tmp_path: Path) -> None:
    env = make_page_environment(REPO / "templates", tmp_path / "cache")
    monkeypatch.setattr(page_prefetch.threading, "active_count", lambda: 1)
    monkeypatch.setattr(page_prefetch.os, "sched_getaffinity", lambda _pid: {0})
    assert not prefetch_available()  # one core: the child would only compete with the build
    assert PagePrefetch.start(env, [], page_template_name, markdown_body) is None
    monkeypatch.setattr(page_prefetch.os, "sched_getaffinity", lambda _pid: {0, 1})
    monkeypatch.setattr(page_prefetch.threading, "active_count", lambda: 2)
    assert not prefetch_available()  # another thread runs: forking would be unsafe
    no_cache = make_page_environment(REPO / "templates")
    monkeypatch.setattr(page_prefetch.threading, "active_count", lambda: 1)
    assert prefetch_available()
    assert (
        PagePrefetch.start(no_cache, [], page_template_name, markdown_body) is None
    )  # nowhere to write


def test_each_language_keeps_its_compiled_pages_in_its_own_folder(project: Path) -> None:
    result, _ = _build(project)
    assert result["exit"] == 0
    folders = {entry.parent for entry in (project / PAGE_CACHE_DIR).rglob("*.cache")}
    assert folders and all(folder.parent.parent == project / PAGE_CACHE_DIR for folder in folders)
