"""The preview in a real browser: a broken build replaces the open page with the list of
problems, and the page comes back by itself once the problem is fixed (MkDocs' live reload)."""

from __future__ import annotations

import time

from tests.conftest import fetch_text, free_port, page, start_serve, write_files

WAIT_MS = 60_000  # an upper bound for slow machines, not a timing assertion


def test_preview_shows_the_errors_and_reloads_itself_when_fixed(make_project, browser) -> None:
    project = make_project(
        {"content/index.md": page("Home", "We meet {{ program.days_per_week }} days.")}
    )
    port = free_port()
    process = start_serve(project, port)
    context = browser.new_context()
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + WAIT_MS / 1000
        while "We meet 3 days" not in fetch_text(url) and time.monotonic() < deadline:
            time.sleep(0.2)
        tab = context.new_page()
        tab.goto(url)
        tab.get_by_text("We meet 3 days").wait_for(timeout=WAIT_MS)

        write_files(
            project, {"content/index.md": page("Home", "We meet {{ program.days_per_wek }} days.")}
        )
        # No reload from the test: the open page follows the failed build by itself.
        heading = tab.locator("#preview-error")
        heading.wait_for(timeout=WAIT_MS)
        assert "The preview cannot be shown" in heading.inner_text()
        problems = tab.locator("#preview-problems").inner_text()
        assert "content/index.md:14" in problems
        assert "'program' has no 'days_per_wek'; did you mean 'program.days_per_week'?" in problems

        write_files(
            project,
            {"content/index.md": page("Home", "We now meet {{ program.days_per_week }} days.")},
        )
        tab.get_by_text("We now meet 3 days").wait_for(timeout=WAIT_MS)
        assert tab.locator("#preview-error").count() == 0
    finally:
        context.close()
        process.terminate()
        process.wait(timeout=20)
