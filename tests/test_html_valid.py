"""Every page of the real site is valid HTML by the W3C Nu checker (npm `vnu-jar`, run on Java).

Errors that come from Material's own markup, outside any block our templates can override, are
allowed only when listed below with the reason they cannot be changed; anything else fails.
`bench/run.py` (step `html`) reports the same check with counts.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# (message pattern, extract pattern, why it stays). Both patterns must match for an error to be
# allowed, so the same message on any other element still fails.
ALLOWED_MATERIAL_ERRORS: list[tuple[str, str, str]] = [
    (
        r"^Attribute “autocomplete” is only allowed when the input type is ",
        r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" '
        r'id="__(drawer|search)" autocomplete="off">',
        # Material's base.html writes the drawer and search toggles outside every template block
        # (lines 99-100 in 9.8), so overriding them means copying all of base.html. The attribute
        # is deliberate: it stops Firefox from restoring the checkboxes on Back, which would
        # reopen the navigation drawer or the search dialog over the page.
        "Material's drawer/search toggles: outside any block; stops Firefox reopening them",
    ),
]


def nu_messages(site: Path) -> list[dict[str, Any]]:
    """Every message of the Nu checker for every HTML file under ``site``."""
    assert VNU_JAR.is_file(), "vnu-jar is missing: run `npm ci` (make test does)"
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--skip-non-html", "--format", "json", str(site)],
        capture_output=True,
        text=True,
        check=False,
    )
    # vnu exits 1 when it reports errors; its JSON report goes to stderr either way.
    report = json.loads(result.stderr)
    for message in report["messages"]:
        message["file"] = message.get("url", "").removeprefix(f"file:{site}/")
    return report["messages"]


def _allowed(message: dict[str, Any]) -> bool:
    text, extract = message.get("message", ""), message.get("extract", "")
    return any(
        re.search(pattern, text) and re.search(where, extract)
        for pattern, where, _why in ALLOWED_MATERIAL_ERRORS
    )


def split_allowed(
    errors: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(errors not on the list, errors the list allows)."""
    unexpected = [error for error in errors if not _allowed(error)]
    return unexpected, [error for error in errors if _allowed(error)]


def test_every_page_of_the_real_site_is_valid_html(built_site: Path) -> None:
    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 1, "the real site has no pages"
    errors = [message for message in nu_messages(built_site) if message["type"] == "error"]
    unexpected, allowed = split_allowed(errors)
    assert not unexpected, "\n".join(
        f"{error['file']}:{error.get('lastLine')}: {error['message']}\n    {error.get('extract')}"
        for error in unexpected
    )
    # The allowlist is not dead weight: Material still writes those toggles. When it stops, this
    # fails and the entry above should go.
    assert allowed, "no error matched ALLOWED_MATERIAL_ERRORS any more: remove the stale entry"


def test_the_checker_reports_errors_in_our_markup(tmp_path: Path) -> None:
    """The check can fail: an invalid page is reported, and the allowlist does not hide it."""
    page = tmp_path / "index.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body>'
        '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" '
        'autocomplete="off"><input type="checkbox" id="mine" autocomplete="off">'
        "<p><div>block in a paragraph</div></p></body></html>",
        encoding="utf-8",
    )
    errors = [m for m in nu_messages(tmp_path) if m["type"] == "error"]
    unexpected, allowed = split_allowed(errors)
    assert len(allowed) == 1 and "__drawer" in allowed[0]["extract"]
    assert any('id="mine"' in error.get("extract", "") for error in unexpected)
    assert any("“p”" in error["message"] for error in unexpected)
