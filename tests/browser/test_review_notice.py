"""The note on pages no clinician has read: a reader sees it above the title on a phone and on a
desktop, assistive technology gets it as a note, and it passes axe-core like the rest."""

from __future__ import annotations

import pytest

from tests.browser_helpers import axe_violations


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("path", ["", "get-help-now/", "self-assessment/"])
def test_the_unreviewed_note_is_visible_above_the_title(make_page, path: str, width: int) -> None:
    page = make_page(path, width=width)
    note = page.locator("article .iop-unreviewed")
    assert note.count() == 1
    assert note.is_visible()
    assert note.get_attribute("role") == "note"
    assert "A clinician has not yet checked this page." in note.inner_text()
    title = page.locator("article h1").first
    assert note.bounding_box()["y"] < title.bounding_box()["y"]
    # On a phone the note starts on the first screen, under the crisis strip and the header.
    assert note.bounding_box()["y"] < 900
    link = note.locator("a")
    assert link.get_attribute("href").endswith("about/#how-pages-are-checked")
    assert axe_violations(page) == []
    assert page.outside_requests == []


def test_the_notes_link_leads_to_what_has_and_has_not_happened(make_page) -> None:
    page = make_page("what-is-an-iop/")
    page.locator("article .iop-unreviewed a").click()
    page.wait_for_url("**/about/#how-pages-are-checked")
    section = page.locator("#how-pages-are-checked")
    assert section.is_visible()
    text = page.locator("article").inner_text()
    assert "No doctor, nurse, counselor or other clinician has read" in text
    assert "Not done yet: a check of the translation." in text
