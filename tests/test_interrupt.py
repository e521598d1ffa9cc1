"""Ctrl-C during a build: a short line instead of a traceback, the shell's usual status (130),
and the site built before left exactly as it was, with no temporary folder behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import generator.plugin
from tests.conftest import REPO, build, run_cli, tree_digest


def _leftovers(project: Path) -> list[str]:
    return [path.name for path in project.iterdir() if path.name.startswith(".site.")]


def _without_escaping(command: Callable[[], int]) -> int:
    """Run ``command``; a KeyboardInterrupt that escapes it fails this test, not the session."""
    try:
        return command()
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped the command as a KeyboardInterrupt (a traceback for editors)")


def test_an_interrupted_build_says_so_and_keeps_the_site(
    make_project, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project()
    assert build(project) == 0
    before = tree_digest(project / "site")

    def pressed_ctrl_c(html: str) -> str:
        # What Python raises in the main thread when the terminal sends SIGINT.
        raise KeyboardInterrupt

    # Midway through the build: after MkDocs has begun writing pages into the staging folder.
    monkeypatch.setattr(generator.plugin, "name_task_list_boxes", pressed_ctrl_c)
    capsys.readouterr()
    code = _without_escaping(lambda: build(project))
    message = capsys.readouterr().err
    assert code == 130, message
    assert "Build stopped (Ctrl-C). The previous site folder was left exactly as it was." in message
    assert "Traceback" not in message
    assert tree_digest(project / "site") == before
    assert _leftovers(project) == []
    # Nothing of the stopped build lingers in this process: the next build still finds a
    # broken link (the stopped build's link filter would have swallowed its warning).
    monkeypatch.undo()
    index = project / "content" / "index.md"
    index.write_text(index.read_text() + "\nSee [the lost page](lost-page.md).\n")
    capsys.readouterr()
    assert build(project) == 1
    assert "broken link 'lost-page.md'" in capsys.readouterr().err


def test_an_interrupted_check_says_so(make_project, capsys, monkeypatch) -> None:
    project = make_project()

    def pressed_ctrl_c(html: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(generator.plugin, "name_task_list_boxes", pressed_ctrl_c)
    code = _without_escaping(lambda: run_cli("check", "--config", str(project / "site-config.yml")))
    message = capsys.readouterr().err
    assert code == 130, message
    assert "`iop-guide check` stopped (Ctrl-C)." in message
    assert "Traceback" not in message


def _live_children(pid: int) -> list[str]:
    """The processes ``pid`` started that are still running (not yet-unreaped zombies)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    live = []
    for child in children:
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            live.append(child)
    return live


def test_ctrl_c_in_a_terminal_stops_a_real_build_quietly(make_project) -> None:
    """A real SIGINT to the whole process group, as a terminal sends it, once the pages are
    written and the booklet's workers have started: the command, and the workers it started,
    print no traceback, and nothing is left running."""
    project = make_project()
    assert build(project) == 0
    before = tree_digest(project / "site")
    shutil.rmtree(project / ".cache" / "iop-guide" / "booklets")  # so workers lay it out again
    config = str(project / "site-config.yml")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "build", "--config", config],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        written = any((project / name / "index.html").exists() for name in _leftovers(project))
        # The booklet's workers (generator.booklet_jobs: two on a machine of two cores or
        # more) start once the pages are written; one of them idles, since there is one booklet.
        if written and len(_live_children(process.pid)) >= min(2, os.cpu_count() or 1):
            break
        time.sleep(0.005)
    assert process.poll() is None, "the build ended before it could be interrupted"
    workers = _live_children(process.pid)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Build stopped (Ctrl-C)" in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert workers, "no worker was running when Ctrl-C came"
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "a worker outlived it"
    assert tree_digest(project / "site") == before
    assert _leftovers(project) == []
