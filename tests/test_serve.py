"""`iop-guide serve`: a change to a page, a data file, a template or site-config.yml shows up in
the served site without a restart."""

from __future__ import annotations

import subprocess
import time

import pytest

from tests.conftest import fetch_text, free_port, page, start_serve, write_files

WAIT_SECONDS = 60  # an upper bound for slow CI machines, not a timing assertion


def _wait_for(url: str, text: str) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        body = fetch_text(url)
        if text in body:
            return body
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared at {url}")


@pytest.fixture
def served_project(make_project):
    project = make_project(
        {
            "content/index.md": page(
                "Home",
                "We meet {{ program.days_per_week }} days. {{ data.facts.colour }}. "
                "[Help](get-help-now.md)",
            ),
            "content/data/facts.yml": "colour: Blue sky\n",
        }
    )
    port = free_port()
    process = start_serve(project, port)
    try:
        yield project, f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_rebuilds_on_every_kind_of_change(served_project) -> None:
    project, url = served_project
    _wait_for(url, "We meet 3 days")

    config = (project / "site-config.yml").read_text()
    write_files(
        project, {"site-config.yml": config.replace("days_per_week: 3", "days_per_week: 4")}
    )
    _wait_for(url, "We meet 4 days")

    write_files(project, {"content/data/facts.yml": "colour: Green field\n"})
    _wait_for(url, "Green field")

    index = (project / "content" / "index.md").read_text()
    write_files(project, {"content/index.md": index.replace("We meet", "Groups meet")})
    _wait_for(url, "Groups meet 4 days")

    strip = project / "templates" / "partials" / "crisis-strip.html"
    write_files(project, {str(strip.relative_to(project)): strip.read_text() + "<p>Edited</p>"})
    _wait_for(url, "<p>Edited</p>")


def test_serve_recovers_without_restart_once_a_broken_page_is_fixed(served_project) -> None:
    project, url = served_project
    _wait_for(url, "We meet 3 days")
    index = (project / "content" / "index.md").read_text()
    broken = index.replace("{{ program.days_per_week }}", "{{ program.days_per_weak }}")
    write_files(project, {"content/index.md": broken})
    # The failed rebuild publishes nothing from the broken page.
    deadline = time.monotonic() + WAIT_SECONDS
    while "We meet 3 days" in fetch_text(url) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "days_per_weak" not in fetch_text(url)
    write_files(project, {"content/index.md": index.replace("We meet", "Fixed: we meet")})
    _wait_for(url, "Fixed: we meet 3 days")


def test_serve_polls_for_changes_every_tenth_of_a_second(tmp_path) -> None:
    """MkDocs polls every 0.5 s; the plugin shortens it, through attributes watchdog owns, so a
    watchdog release that renames them must fail here rather than silently slow `serve` down."""
    from mkdocs.livereload import LiveReloadServer

    from generator.plugin import SERVE_POLL_SECONDS, _poll_faster

    server = LiveReloadServer(
        builder=lambda: None, host="127.0.0.1", port=free_port(), root=str(tmp_path)
    )
    try:
        server.watch(str(tmp_path))
        _poll_faster(server)
        emitters = list(server.observer.emitters)
        assert emitters
        assert {emitter.timeout for emitter in emitters} == {SERVE_POLL_SECONDS}
        assert server.observer.timeout == SERVE_POLL_SECONDS
    finally:
        server.server_close()


def _start_serve(project, port: int) -> subprocess.Popen:
    return start_serve(project, port, stderr=subprocess.PIPE)


def _error_body(url: str) -> str:
    """The body of the page at ``url`` even when it is served with an error status."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for_error_page(url: str, text: str) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        body = _error_body(url)
        if text in body:
            return body
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared at {url}")


def test_a_broken_first_build_serves_an_error_page_until_it_is_fixed(make_project) -> None:
    """Started on a broken page, the preview answers at once with the problems (not a hung
    request or an exit), and serves the site once the page is fixed."""
    broken = page("Home", "We meet {{ program.days_per_wek }} days.")
    project = make_project({"content/index.md": broken})
    port = free_port()
    process = _start_serve(project, port)
    try:
        url = f"http://127.0.0.1:{port}/"
        body = _wait_for_error_page(url, "preview-problems")
        assert "content/index.md:14" in body
        assert "did you mean &#x27;program.days_per_week&#x27;?" in body
        # Every address shows the problems, not an empty or stale page.
        assert "content/index.md:14" in _error_body(url + "get-help-now/")
        write_files(
            project, {"content/index.md": page("Home", "We meet {{ program.days_per_week }} days.")}
        )
        _wait_for(url, "We meet 3 days")
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_on_a_busy_port_says_which_option_to_use(make_project) -> None:
    import socket

    project = make_project()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _start_serve(project, port)
        _, stderr = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in stderr
    assert f"--dev-addr 127.0.0.1:{port + 1}" in stderr and "make serve PORT=" in stderr
    assert "Traceback" not in stderr


def test_a_config_error_at_start_is_shown_in_the_browser_too(make_project) -> None:
    """A typo in site-config.yml that MkDocs can read (our schema rejects it) is an error page
    with its line, and the preview recovers when the file is fixed."""
    project = make_project()
    config = (project / "site-config.yml").read_text()
    write_files(project, {"site-config.yml": config.replace("    phone:", "    phnoe:", 1)})
    port = free_port()
    process = _start_serve(project, port)
    try:
        url = f"http://127.0.0.1:{port}/"
        body = _wait_for_error_page(url, "preview-problems")
        assert "site-config.yml:" in body and "unknown key &#x27;phnoe&#x27;" in body
        write_files(project, {"site-config.yml": config})
        _wait_for(url, "Call (555) 010-0123")
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_an_unreadable_config_stops_serve_with_its_line(make_project) -> None:
    project = make_project()
    config = (project / "site-config.yml").read_text()
    write_files(project, {"site-config.yml": config.replace("  palette:", " palette:", 1)})
    process = _start_serve(project, free_port())
    _, stderr = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 1
    assert "site-config.yml:" in stderr and "the indentation of line" in stderr
    assert "Traceback" not in stderr
