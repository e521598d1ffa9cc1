"""Shared fixtures: small real projects built in-process, and the real site in a real browser.

Builds go through the same code path as the `iop-guide` command (``generator.cli.main``), so the
tests see what an editor sees: exit codes and messages, not mocks.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from bench.synthetic import one_language_config
from generator import cli

# Property tests check answers, not speed: on a shared 2-core CI machine one example can take
# longer than Hypothesis's default 200 ms deadline, and that is not a wrong answer.
settings.register_profile("iop-guide", deadline=None)
settings.load_profile("iop-guide")

REPO = Path(__file__).resolve().parent.parent

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google at start-up.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

MINIMAL_CONFIG = (REPO / "site-config.yml").read_text(encoding="utf-8")

PAGE = """\
---
title: {title}
description: A page for tests.
reviewed: 2026-01-10
next_review: 2027-01-10
sources:
  - title: Clinical Issues in Intensive Outpatient Treatment
    publisher: SAMHSA
    url: https://www.ncbi.nlm.nih.gov/books/NBK64088/
    accessed: 2026-01-10
---
# {title}

{body}
"""


def page(title: str, body: str = "Some text.") -> str:
    """A valid page with front matter, for fixture projects."""
    return PAGE.format(title=title, body=textwrap.dedent(body).strip())


CLINICAL_REVIEW = 'clinical_review: {by: "Dana Reyes, MD", date: 2026-01-20}\n'


def clinically_reviewed(text: str) -> str:
    """A fixture page that records a clinical review, for tests of what a release publishes."""
    return text.replace("sources:\n", CLINICAL_REVIEW + "sources:\n", 1)


def real_address_config() -> str:
    """The fixture configuration with a site_url of its own (the example address is a release
    problem)."""
    config = _minimal_config()
    assert "https://iop-guide.example.org/" in config
    return config.replace("https://iop-guide.example.org/", "https://iop.riverside-recovery.org/")


def reviewed_defaults() -> dict[str, str]:
    """The default fixture project with clinical reviews and a real address: releasable."""
    return {
        "site-config.yml": real_address_config(),
        "content/index.md": clinically_reviewed(page("Home", "See [help](get-help-now.md).")),
        "content/get-help-now.md": clinically_reviewed(page("Get help now", "Call 988.")),
    }


def _minimal_config() -> str:
    """The real site-config.yml with a navigation that matches the fixture pages."""
    # One language: tests of the languages feature declare theirs (see one_language_config).
    head, _, rest = one_language_config(MINIMAL_CONFIG).partition("\nnav:\n")
    _, _, tail = rest.partition("\nextra:\n")
    nav = "\nnav:\n  - Home: index.md\n  - Get help now: get-help-now.md\n"
    return head + nav + "\nextra:\n" + tail


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """``make_project(files={...})``: a small valid project in tmp_path, with the real templates.

    ``files`` maps relative paths to text (or bytes) that replace or add to the defaults; a value
    of None deletes a default file.
    """

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        project = tmp_path / "project"
        if project.exists():
            shutil.rmtree(project)
        shutil.copytree(REPO / "templates", project / "templates")
        defaults: dict[str, str | bytes | None] = {
            "site-config.yml": _minimal_config(),
            "content/index.md": page(
                "Home",
                "Call {{ organisation.phone }}. See [help](get-help-now.md).",
            ),
            "content/get-help-now.md": page("Get help now", "Call {{ crisis.lifeline.call }}."),
        }
        defaults.update(files or {})
        write_files(project, defaults)
        return project

    return make


def write_files(project: Path, files: dict[str, str | bytes | None]) -> None:
    """Write (or, for None, delete) files in a project, as an editor saving them would."""
    for relative, content in files.items():
        path = project / relative
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def run_cli(*args: str) -> int:
    """Run the `iop-guide` command in-process and return its exit code."""
    return cli.main(list(args))


def build(project: Path, *extra: str) -> int:
    return run_cli("build", "--config", str(project / "site-config.yml"), *extra)


# ---------------------------------------------------------------- the real site, in a browser


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per test session with `iop-guide build`."""
    out = tmp_path_factory.mktemp("real-site") / "site"
    code = run_cli("build", "--config", str(REPO / "site-config.yml"), "--out", str(out))
    assert code == 0, "the real site does not build: run `iop-guide check`"
    return out


def start_serve(
    project: Path, port: int, stderr: int | None = subprocess.DEVNULL
) -> subprocess.Popen:
    """`iop-guide serve` for a fixture project, as an editor starts it."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "serve",
            "--config",
            str(project / "site-config.yml"),
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch_text(url: str) -> str:
    """The page at ``url`` as text, or "" while the server is not answering (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def serve_directory(directory: Path) -> tuple[subprocess.Popen, str]:
    """A static server on a free loopback port, as a deployer's host would serve the folder."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            "--bind",
            "127.0.0.1",
            "--directory",
            str(directory),
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    return process, url


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    process, url = serve_directory(built_site)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _is_local(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in ("127.0.0.1", "localhost", "::1")


@pytest.fixture
def make_page(browser, site_url: str) -> Iterator[Callable[..., object]]:
    """``make_page(path, width, height, javascript)``: a loaded page in a fresh browser context.

    Every request to a host other than the local server is aborted and recorded in
    ``page.outside_requests``, so a test can prove the site sends nothing anywhere else.
    """
    contexts = []

    def make(path: str = "", width: int = 1280, height: int = 900, javascript: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": height}, java_script_enabled=javascript
        )
        contexts.append(context)
        outside: list[str] = []

        def guard(route) -> None:
            if _is_local(route.request.url):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        new_page = context.new_page()
        new_page.outside_requests = outside
        new_page.goto(site_url + path)
        return new_page

    yield make
    for context in contexts:
        context.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regenerate-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current output (review the diff before committing)",
    )


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with the first ``old`` replaced; fails loudly when a fixture's text moved."""
    assert old in text, f"fixture text not found: {old!r}"
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    """The number of the first line of ``text`` that contains ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in fixture")


def tree_digest(folder: Path) -> str:
    """One hash of every path and file under ``folder``: equal only if nothing changed."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def assert_fails_keeping_site(
    project: Path,
    command: str,
    capsys,
    expected: Iterable[str],
    *,
    breaking: Callable[[], object],
    absent: Iterable[str] = (),
) -> str:
    """Break a built project (``breaking``), run ``command``: it exits 1 with every part of
    ``expected`` in one plain message (no traceback, no MkDocs summary, none of ``absent``), and
    the site built before is byte-for-byte untouched with no temporary folder left. Returns the
    message.

    This is the promise editors get for every kind of bad input, so every bad-input test checks
    it the same way, here.
    """
    before = tree_digest(project / "site")
    breaking()
    capsys.readouterr()
    code = run_cli(command, "--config", str(project / "site-config.yml"))
    message = capsys.readouterr().err
    assert code == 1, message
    for part in expected:
        assert part in message, f"{part!r} missing from:\n{message}"
    for part in absent:
        assert part not in message, f"{part!r} should have been folded:\n{message}"
    assert "Traceback" not in message
    assert "Aborted with" not in message, "MkDocs' summary is noise after our own"
    assert tree_digest(project / "site") == before, "a failed run changed the site folder"
    leftovers = [p.name for p in project.iterdir() if p.name.startswith(".site.")]
    assert leftovers == [], "a failed build left its temporary folder behind"
    return message
