"""Screenshots of the pages issue 13 redesigned, at a phone and a desktop width, for reviewers.

Builds the site, serves it on a loopback port, and writes PNGs to ``bench/screenshots/`` (not
committed: reviewers look at them, no test compares them). Usage::

    .venv/bin/python -m bench.screenshots [--out DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_directory  # the flags the tests use

REPO = Path(__file__).resolve().parent.parent
PAGES = {"home": "", "help": "get-help-now/", "self-check": "self-assessment/"}
SIZES = {"phone": (375, 800), "desktop": (1280, 900)}


def walk_to_result(page, urgent: bool) -> None:
    """Answer every step with its first (least risky) option; "Yes" to the harm question if
    ``urgent``. Then the result shows."""
    page.click("label[for='audience-self']")
    page.click("#step-audience [data-action='next']")
    while page.locator(".iop-result").is_hidden():
        step = page.locator(".iop-step:visible")
        for fieldset in step.locator("fieldset").all():
            fieldset.locator("label").first.click()
        if urgent and step.locator("#q-harm-yes").count():
            page.click("label[for='q-harm-yes']")
        step.locator("[data-action='next']").click()


def shoot(site_url: str, out: Path) -> list[Path]:
    """A first-screen and a full-page PNG per page and size, plus both self-check results."""
    written = []
    shots = [(name, path, None) for name, path in PAGES.items()]
    shots += [
        ("result-urgent", PAGES["self-check"], True),
        ("result-calm", PAGES["self-check"], False),
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, (width, height) in SIZES.items():
            for name, path, urgent in shots:
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                page.goto(site_url + path)
                if urgent is not None:
                    walk_to_result(page, urgent)
                    page.locator(".iop-result").scroll_into_view_if_needed()
                for full in (False, True):
                    target = out / f"{name}-{size}{'-full' if full else ''}.png"
                    page.screenshot(path=str(target), full_page=full)
                    written.append(target)
                context.close()
        browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run(
            [str(REPO / ".venv" / "bin" / "iop-guide"), "build", "--out", str(site)],
            check=True,
            cwd=REPO,
        )
        server, url = serve_directory(site)
        try:
            for path in shoot(url.rstrip("/") + "/", args.out):
                print(path)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
