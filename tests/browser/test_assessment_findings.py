"""Issue 9's eleven findings, each walked through in real Chromium with real clicks, in both
wordings ("you" at 1280 px, "they" at 375 px): the answers that used to lead somewhere unsafe now
lead to the safer result, with the safety messages above the level. Also the "How this tool
decides" page: built from the data file, linked from the result, and accessible.

Expected levels and message ids are written out per finding (not computed by the engine under
test); the wording is read from content/data/assessment.yml as the page gets it.
"""

from __future__ import annotations

import pytest

from generator.page_rendering import tel_href
from tests.browser.test_assessment_page import (
    CALM,
    CRISIS,
    DATA,
    LEVELS,
    PATH,
    choose_audience,
    expect_crisis_lines,
    shown_result,
    walk,
    words,
)
from tests.browser_helpers import axe_violations

MESSAGES = {message["id"]: message for message in DATA["messages"]}
NOTES = {note["id"]: note for note in DATA["notes"]}
QUESTIONS = {q["id"]: q for step in DATA["steps"] for q in step["questions"]}

FINDINGS = [
    pytest.param({"opioids": "daily"}, "iop", ["opioid-medicine", "overdose-safety"],
                 id="1-daily-opioids-lead-with-medicine-and-naloxone"),
    pytest.param({"pregnant": "yes", "opioids": "daily"}, "iop",
                 ["opioid-medicine", "overdose-safety", "pregnancy-and-opioids", "pregnancy-care"],
                 id="2-pregnancy-with-opioids"),
    pytest.param({"alcohol": "heavy_most_days"}, "withdrawal", [],
                 id="3-heavy-drinking-almost-every-day"),
    pytest.param({"sedatives": "prescribed"}, "outpatient", ["prescribed-sedatives"],
                 id="4-prescribed-sedatives-are-not-ignored"),
    pytest.param({"withdrawal_history": "not_sure", "withdrawal_signs": "not_sure"},
                 "withdrawal", ["withdrawal-unsure"], id="5-not-sure-caution-above-the-level"),
    pytest.param({"confused": "yes"}, "medical", [], id="6-very-confused-is-urgent"),
    pytest.param({"physical": "serious"}, "medical", [], id="7-worsening-health-doctor-first"),
    pytest.param({"age": "teen"}, "outpatient", ["teen"], id="8-teen"),
    pytest.param({"history": "returned_to_use"}, "iop", [], id="9-returned-after-treatment"),
    pytest.param({"home": "violence"}, "residential", ["violence-at-home"],
                 id="10-violence-at-home"),
    pytest.param({"opioids": "treatment"}, "outpatient",
                 ["overdose-safety", "keep-taking-medicine"], id="11-medicine-as-prescribed"),
]  # fmt: skip

AUDIENCES = [pytest.param("self", 1280, id="you-1280"), pytest.param("other", 375, id="they-375")]


def _page_path(file: str) -> str:
    return "../" + file.removesuffix(".md") + "/"


@pytest.mark.parametrize(("audience", "width"), AUDIENCES)
@pytest.mark.parametrize(("changes", "level", "messages"), FINDINGS)
def test_finding_is_fixed(make_page, changes, level, messages, audience, width) -> None:
    page = make_page(PATH, width=width)
    walk(page, audience, {**CALM, **changes})
    assert shown_result(page)["level"] == level
    first = page.locator(".iop-result__first")
    shown = [item.get_attribute("data-message") for item in first.locator("[data-message]").all()]
    shown = [m for m, item in zip(shown, first.locator("[data-message]").all(), strict=True)
             if item.is_visible()]  # fmt: skip
    assert sorted(shown) == sorted(messages)
    level_box = page.locator(f".iop-result [data-level='{level}']")
    for message_id in messages:
        box = first.locator(f"[data-message='{message_id}']")
        text = words(box.inner_text())
        assert words(MESSAGES[message_id]["text"][audience]) in text
        # Safety messages sit above the level, where a reader meets them first.
        assert box.bounding_box()["y"] < level_box.bounding_box()["y"], message_id
        link = MESSAGES[message_id].get("link")
        if link:
            assert box.locator(f"a[href='{_page_path(link['page'])}']").count() == 1
        for line in MESSAGES[message_id].get("lines") or []:
            assert box.locator(f"a[href='{tel_href(CRISIS[line]['call'])}']").count() == 1, line
    if LEVELS[level].get("urgent"):
        alert = page.locator(f".iop-result__first [data-alert='{level}']")
        assert alert.is_visible()
        assert alert.bounding_box()["y"] < level_box.bounding_box()["y"]
        expect_crisis_lines(alert)
    # The result explains itself: a link to "How this tool decides".
    assert page.locator(".iop-result a[href='../how-this-tool-decides/']").is_visible()
    assert page.outside_requests == []


@pytest.mark.parametrize(("audience", "width"), AUDIENCES)
def test_finding_3_asks_amounts_and_withdrawal_signs(make_page, audience, width) -> None:
    page = make_page(PATH, width=width)
    choose_audience(page, audience)
    hint = words(page.locator("#q-alcohol-hint .iop-" + audience).text_content())
    assert "4 or more drinks on any day" in hint and "5 or more drinks on any day" in hint
    assert "enough to feel drunk" not in page.content()
    assert page.locator("label[for='q-alcohol-heavy_most_days']").text_content() == (
        "Heavy drinking every day or almost every day"
    )
    page.click("#step-safety [data-action='back']")
    walk(page, audience, {**CALM, "withdrawal_signs": "yes"})
    assert shown_result(page)["reasons"] == [
        words(next(r for r in DATA["rules"] if r["id"] == "withdrawal-signs")["because"][audience])
    ]


@pytest.mark.parametrize(("audience", "width"), AUDIENCES)
def test_finding_4_names_other_sedatives_and_never_says_ignore(make_page, audience, width):
    page = make_page(PATH, width=width)
    choose_audience(page, audience)
    hint = words(page.locator("#q-sedatives-hint .iop-" + audience).text_content())
    for name in ("sleeping pills", "barbiturates", "GHB", "gabapentin", "phenibut"):
        assert name in hint
    assert "Do not count" not in page.content()


@pytest.mark.parametrize(("audience", "width"), AUDIENCES)
def test_finding_6_confusion_shows_the_help_lines_at_once(make_page, audience, width) -> None:
    page = make_page(PATH, width=width)
    choose_audience(page, audience)
    page.click("label[for='q-confused-yes']")
    panel = page.locator("#q-confused ~ .iop-urgent[data-urgent='medical']")
    assert panel.is_visible()
    assert words(LEVELS["medical"]["now"][audience]) in words(panel.inner_text())
    expect_crisis_lines(panel)


def test_several_urgent_messages_show_together_mid_way(make_page) -> None:
    page = make_page(PATH)
    choose_audience(page, "other")
    page.click("label[for='q-harm-yes']")
    page.click("label[for='q-confused-yes']")
    visible = page.locator(".iop-form .iop-urgent:visible")
    assert sorted(p.get_attribute("data-urgent") for p in visible.all()) == ["crisis", "medical"]


def test_finding_9_and_10_answers_exist_in_both_wordings(make_page) -> None:
    page = make_page(PATH, width=375)
    choose_audience(page, "other")
    label = page.locator("label[for='q-history-returned_to_use']")
    assert words(label.locator(".iop-other").text_content()) == words(
        next(o for o in QUESTIONS["history"]["options"] if o["id"] == "returned_to_use")["label"][
            "other"
        ]
    )
    walk_answers = {**CALM, "history": "returned_to_use"}
    page.click("#step-safety [data-action='back']")
    walk(page, "other", walk_answers)
    notes = shown_result(page)["notes"]
    assert words(NOTES["returned-to-use"]["text"]["other"]) in notes


# ------------------------------------------------------------------ How this tool decides


def test_decides_page_lists_every_question_and_answer(make_page) -> None:
    page = make_page("how-this-tool-decides/")
    for step in DATA["steps"]:
        for question in step["questions"]:
            heading = page.locator(f"#question-{question['id']}")
            assert words(heading.inner_text()) == words(question["text"]["self"])
            for option in question["options"]:
                item = page.locator(
                    f"li[data-question='{question['id']}'][data-answer='{option['id']}']"
                )
                label = option["label"]
                label = label["self"] if isinstance(label, dict) else label
                assert words(label) in words(item.inner_text())
    # Every rule and message appears with a link to its sources, and every source is listed.
    text = words(page.locator(".iop-decides").inner_text())
    for rule in DATA["rules"]:
        assert words(rule["because"]["self"]) in text, rule["id"]
    for message in DATA["messages"]:
        assert words(message["title"]["self"]) in text, message["id"]
    for source_id, source in DATA["sources"].items():
        entry = page.locator(f"#source-{source_id}")
        assert entry.locator(f"a[href='{source['url']}']").count() == 1
        assert page.locator(f"a[href='#source-{source_id}']").count() >= 1, source_id
    assert page.outside_requests == []


def test_decides_page_is_linked_from_the_self_assessment(make_page) -> None:
    page = make_page(PATH)
    page.click("article a[href='../how-this-tool-decides/'] >> nth=0")
    page.wait_for_url("**/how-this-tool-decides/")
    assert page.title().startswith("How the self-assessment decides")


@pytest.mark.parametrize("width", [1280, 375])
def test_decides_page_has_no_axe_violations(make_page, width: int) -> None:
    page = make_page("how-this-tool-decides/", width=width)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


def test_urgent_messages_under_one_question_keep_the_file_order(make_page) -> None:
    page = make_page(PATH)
    choose_audience(page, "self")
    for question in DATA["steps"][0]["questions"]:
        page.click(f"label[for='q-{question['id']}-{CALM[question['id']]}']")
    page.click("#step-safety [data-action='next']")
    page.click("label[for='q-opioids-daily']")
    panels = page.locator("#q-opioids ~ .iop-urgent:visible")
    keys = [panel.get_attribute("data-urgent") for panel in panels.all()]
    in_file = [
        f"message-{m['id']}"
        for m in DATA["messages"]
        if m.get("urgent") and f"message-{m['id']}" in keys
    ]
    assert keys == in_file == ["message-opioid-medicine", "message-overdose-safety"]


@pytest.mark.parametrize("page_path", ["self-assessment/", "how-this-tool-decides/"])
def test_every_link_leads_to_a_page_of_the_built_site(built_site, page_path: str) -> None:
    """Links written by templates are not checked by MkDocs: check them here, so a page named in
    assessment.yml (medicines.md, overdose.md, ...) that is missing fails the tests."""
    import re
    from urllib.parse import urljoin, urlsplit

    html = (built_site / page_path / "index.html").read_text(encoding="utf-8")
    article = html[html.index("<article") : html.index("</article>")]
    base = "http://site/" + page_path
    checked = set()
    for href in re.findall(r'href="([^"]+)"', article):
        url = urlsplit(urljoin(base, href))
        if url.netloc != "site" or url.path in checked:
            continue
        checked.add(url.path)
        target = built_site / url.path.lstrip("/")
        assert (target / "index.html").is_file() or target.is_file(), href
    for message in DATA["messages"]:
        if message.get("link") and page_path == "self-assessment/":
            assert "/" + _page_path(message["link"]["page"]).removeprefix("../") in checked
    assert len(checked) >= 4  # the test found links to check
