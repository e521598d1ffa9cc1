"""Issue 13, design for people under stress, measured in real Chromium on the real site: the
home page's task cards on a phone's first screen, a one-line crisis strip with real buttons, care
cards that tell urgent from calm, readable type on every page, and tables that fit on desktop."""

from __future__ import annotations

import pytest

from tests.browser.test_assessment_page import CALM, CRISIS, walk
from tests.browser.test_site import ALL_PAGES, _pages
from tests.conftest import REPO

WIDTHS = [1280, 375]
TAP = 44  # px: the smallest tap target a call or text button may have

# The luminance-based contrast ratio of WCAG 2, of an element's text against the first
# non-transparent background behind it (white if none).
_CONTRAST = """el => {
    const rgb = c => c.match(/[\\d.]+/g).map(Number);
    const lum = ([r, g, b]) => {
        const f = v => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    let bg = [255, 255, 255];
    for (let node = el; node; node = node.parentElement) {
        const c = rgb(getComputedStyle(node).backgroundColor);
        if (c.length < 4 || c[3] > 0) { bg = c.slice(0, 3); break; }
    }
    const fg = lum(rgb(getComputedStyle(el).color)), back = lum(bg);
    return (Math.max(fg, back) + 0.05) / (Math.min(fg, back) + 0.05);
}"""

# Every visible piece of text inside .md-content whose font is smaller than 16 px.
_SMALL_TEXT = """() => {
    const small = [];
    const walker = document.createTreeWalker(
        document.querySelector(".md-content"), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!node.textContent.trim() || !el.getClientRects().length) continue;
        const box = el.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) continue;  // visually hidden text for screen readers
        const size = parseFloat(getComputedStyle(el).fontSize);
        const text = node.textContent.trim().slice(0, 30);
        if (size < 16) small.push(`${el.tagName}.${el.className}: ${size}px "${text}"`);
    }
    return small;
}"""

# The longest line of body text, in characters: each paragraph's and list item's box width
# divided by the average width of its own characters in its own font.
_LINE_LENGTH = """() => {
    const canvas = document.createElement("canvas").getContext("2d");
    let longest = 0, where = "";
    for (const el of document.querySelectorAll("article p, article li")) {
        const text = el.textContent.replace(/\\s+/g, " ").trim();
        // Prose only: a line of letter links ("A · B · C") is navigation, not reading text.
        const letters = (text.match(/[a-z]/gi) || []).length;
        if (text.length < 40 || letters < text.length * 0.6 || !el.getClientRects().length)
            continue;
        const s = getComputedStyle(el);
        canvas.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        const average = canvas.measureText(text).width / text.length;
        const chars = el.getBoundingClientRect().width / average;
        if (chars > longest) { longest = chars; where = text.slice(0, 40); }
    }
    return [longest, where];
}"""

# Elements of .md-content that stick out of it, or scroll containers whose content is clipped.
# Text hidden from sight for screen readers (inside a 1 px box that clips it) is not seen.
_OVERFLOW = """() => {
    const content = document.querySelector(".md-content").getBoundingClientRect();
    const unseen = el => {
        for (let a = el; a; a = a.parentElement) {
            const box = a.getBoundingClientRect();
            if (box.width <= 1 && box.height <= 1 && getComputedStyle(a).overflow === "hidden")
                return true;
        }
        return false;
    };
    const out = [];
    for (const el of document.querySelectorAll(".md-content *")) {
        if (!el.getClientRects().length) continue;
        const box = el.getBoundingClientRect();
        if (box.width <= 1 || unseen(el)) continue;
        const name = `${el.tagName}.${el.className}`;
        if (box.right > content.right + 1 || box.left < content.left - 1)
            out.push(name + " sticks out");
        const style = getComputedStyle(el);
        if (/auto|scroll|hidden/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
            out.push(name + " clips its content");
    }
    return out;
}"""


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, "the element is not rendered"
    return box


def test_home_cards_are_all_on_a_phones_first_screen_below_the_strip(make_page) -> None:
    page = make_page("", width=375, height=800)
    strip = _box(page.locator(".md-banner"))
    cards = page.locator(".iop-task")
    assert cards.count() == 4
    titles = [" ".join(t.split()) for t in cards.locator(".iop-task__link").all_inner_texts()]
    assert titles[:3] == ["Get help now", "Help for myself", "Help for someone I love"]
    assert titles[3].startswith("Take the") and "self-check" in titles[3]
    for index in range(4):
        box = _box(cards.nth(index))
        assert box["y"] >= strip["y"] + strip["height"], f"card {index + 1} is under the strip"
        assert box["y"] + box["height"] <= 800, f"card {index + 1} ends below the first screen"
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375


def test_home_cards_are_two_by_two_on_a_desktop_and_wholly_tappable(make_page) -> None:
    page = make_page("", width=1280)
    boxes = [_box(page.locator(".iop-task").nth(i)) for i in range(4)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[2]["y"] == boxes[3]["y"]
    assert boxes[0]["x"] == boxes[2]["x"] and boxes[1]["x"] > boxes[0]["x"]
    # A tap on the card's lower right corner, away from its link text, follows the link.
    fourth = boxes[3]
    page.mouse.click(fourth["x"] + fourth["width"] - 5, fourth["y"] + fourth["height"] - 5)
    page.wait_for_url("**/self-assessment/")


@pytest.mark.parametrize("width", [375, 320])
@pytest.mark.parametrize("path", ["get-help-now/", "es/get-help-now/"])  # Spanish labels are longer
def test_crisis_strip_is_one_line_of_real_buttons_on_phones(make_page, path, width: int) -> None:
    page = make_page(path, width=width, height=640)
    assert _box(page.locator(".md-banner"))["height"] <= 64
    links = page.locator(".iop-crisis a:visible")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert {"tel:988", "sms:988", "tel:911"} <= set(hrefs)
    for i in range(links.count()):
        box = _box(links.nth(i))
        assert box["width"] >= TAP and box["height"] >= TAP, f"{hrefs[i]} is {box}"


@pytest.mark.parametrize("width", [1024, 1280, 1440, 1600, 1920])
@pytest.mark.parametrize("path", ["", "es/"])
def test_crisis_strip_stays_one_line_on_wide_screens(make_page, path, width: int) -> None:
    page = make_page(path, width=width)
    numbers = page.locator(".iop-crisis a:visible")
    tops = {round(_box(numbers.nth(i))["y"]) for i in range(numbers.count())}
    assert len(tops) == 1, f"the strip's numbers sit on {len(tops)} lines"
    assert _box(page.locator(".md-banner"))["height"] <= 64


def test_crisis_strip_gives_full_detail_from_tablet_width(make_page) -> None:
    page = make_page("", width=1280)
    text = " ".join(page.locator(".iop-crisis").inner_text().split())
    assert CRISIS["lifeline"]["name"] in text
    assert page.locator(".iop-crisis a", has_text=CRISIS["helpline"]["call"]).is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_get_help_now_button_stays_in_the_sticky_header(make_page, width: int) -> None:
    page = make_page("what-is-an-iop/", width=width)
    page.mouse.wheel(0, 3000)
    page.wait_for_function("() => window.scrollY > 1000")
    button = page.locator(".md-header .iop-header__help")
    assert button.is_visible()
    assert _box(button)["y"] < 120, "the button scrolled away with the page"
    button.click()
    page.wait_for_url("**/get-help-now/")


@pytest.mark.parametrize("width", [375, 320])
@pytest.mark.parametrize("path", ["levels-of-care/", "es/levels-of-care/"])
def test_phone_header_shows_a_short_title_that_is_not_cut_off(make_page, path, width) -> None:
    page = make_page(path, width=width)
    title = page.locator(".md-header .iop-header__short").first
    assert title.is_visible()
    assert title.evaluate("el => el.scrollWidth <= el.clientWidth + 1 && el.offsetWidth > 0")
    page.mouse.wheel(0, 2000)
    page.wait_for_timeout(300)  # Material swaps the header title on scroll
    assert title.is_visible()
    assert title.evaluate("el => getComputedStyle(el.closest('.md-header__topic')).opacity") == "1"


def test_desktop_header_shows_the_logo_and_the_organisation(make_page) -> None:
    page = make_page("", width=1280)
    assert page.locator(".md-header .iop-header__org").inner_text() == "Riverside Recovery Services"
    logo = page.locator(".md-header .md-logo img")
    assert logo.is_visible()
    # Drawn white on the header colour, not in the file's own black.
    assert "invert(1)" in logo.evaluate("el => getComputedStyle(el).filter")
    assert "Material for MkDocs" not in page.locator(".md-footer").inner_text()


def test_short_pages_have_no_contents_column_and_long_ones_do(make_page) -> None:
    for short in ("", "self-assessment/"):
        page = make_page(short, width=1280)
        assert not page.locator(".md-sidebar--secondary").is_visible(), short or "home"
    long_page = make_page("get-help-now/", width=1280)
    assert long_page.locator(".md-sidebar--secondary .md-nav__link").count() >= 5
    heading = long_page.locator(".md-sidebar--secondary .md-nav__title")
    assert " ".join(heading.inner_text().split()) == "On this page"


def test_no_permalink_marker_takes_a_line_on_phones(make_page) -> None:
    page = make_page("get-help-now/", width=375)
    markers = page.locator("article .headerlink")
    assert markers.count() > 3
    for i in range(markers.count()):
        assert not markers.nth(i).is_visible()


def _tap_targets(scope) -> list[tuple[str, dict]]:
    links = scope.locator("a[href^='tel:']:visible, a[href^='sms:']:visible")
    return [(links.nth(i).get_attribute("href"), _box(links.nth(i))) for i in range(links.count())]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["", "get-help-now/"])
def test_danger_box_is_an_emergency_card_with_call_buttons(make_page, path, width) -> None:
    page = make_page(path, width=width)
    card = page.locator("article .admonition.danger").first
    band = card.locator(".admonition-title")
    assert " ".join(band.inner_text().split()).startswith("Call 911")
    assert band.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(122, 31, 31)"
    body_size = page.locator("article").evaluate("el => getComputedStyle(el).fontSize")
    assert card.locator("p").last.evaluate("el => getComputedStyle(el).fontSize") == body_size
    targets = _tap_targets(card)
    assert "tel:911" in [href for href, _ in targets]
    card_width = _box(card)["width"]
    for href, box in targets:
        assert box["height"] >= 48 and box["width"] >= card_width * 0.8, f"{href}: {box}"


def _result_card(page, urgent: bool):
    answers = dict(CALM, harm="yes") if urgent else CALM
    walk(page, "self", answers)
    return page.locator(".iop-result [data-level]:visible")


@pytest.mark.parametrize("width", WIDTHS)
def test_urgent_and_calm_results_differ_at_a_glance(make_page, width: int) -> None:
    looks = {}
    for urgent in (True, False):
        page = make_page("self-assessment/", width=width)
        card = _result_card(page, urgent)
        name = card.locator(".iop-result__name")
        looks[urgent] = (
            card.get_attribute("class"),
            name.evaluate("el => getComputedStyle(el).backgroundColor"),
            card.evaluate("el => getComputedStyle(el).borderTopColor"),
        )
        if urgent:
            alert = page.locator(".iop-result__alert:visible")
            assert "iop-care--urgent" in alert.get_attribute("class")
            targets = _tap_targets(alert)
            assert {"tel:988", "tel:911"} <= {href for href, _ in targets}
            for href, box in targets:
                assert box["width"] >= TAP and box["height"] >= TAP, f"{href}: {box}"
        else:
            assert page.locator(".iop-result__alert:visible").count() == 0
        # No empty heading sits above the result.
        assert not page.locator("#the-questions").is_visible()
    assert "iop-care--urgent" in looks[True][0] and "iop-care--calm" in looks[False][0]
    assert looks[True][1] != looks[False][1] and looks[True][2] != looks[False][2]


def test_the_standing_safety_note_is_calmer_than_urgent_help(make_page) -> None:
    page = make_page("self-assessment/", width=375)
    page.click("label[for='audience-self']")
    page.click("#step-audience [data-action='next']")
    note = page.locator("#step-safety .iop-urgent-note")
    page.click("label[for='q-harm-yes']")
    urgent = page.locator(".iop-form .iop-urgent:visible").first
    style = "el => getComputedStyle(el).borderLeftColor + getComputedStyle(el).backgroundColor"
    assert note.evaluate(style) != urgent.evaluate(style)


def test_tapping_the_answer_box_outside_its_words_selects_it(make_page) -> None:
    page = make_page("self-assessment/", width=375)
    option = page.locator("#step-audience .iop-option").nth(1)
    option.scroll_into_view_if_needed()
    box = _box(option)
    page.mouse.click(box["x"] + box["width"] - 4, box["y"] + box["height"] - 4)
    assert page.locator("#audience-other").is_checked()


@pytest.mark.parametrize("path", _pages())
def test_type_is_bold_dark_large_and_in_short_lines(make_page, path: str) -> None:
    for width in WIDTHS:
        page = make_page(path, width=width)
        h1 = page.locator("article h1").first
        assert int(h1.evaluate("el => getComputedStyle(el).fontWeight")) >= 600
        assert h1.evaluate(_CONTRAST) >= 7
        assert page.evaluate(_SMALL_TEXT) == [], f"{path or 'home'} at {width}px"
        if width == 1280:
            longest, where = page.evaluate(_LINE_LENGTH)
            assert longest <= 80, f"{longest:.0f} characters a line: {where}"
            assert page.evaluate(_OVERFLOW) == []
        page.close()


# Words of table cells that the browser split across two lines: for each word (whitespace and
# hyphens, dashes and slashes are break points), a Range over its letters; a word on one line
# has all its boxes on that line, a word broken mid-word has boxes on two.
_SPLIT_WORDS = """() => {
    const broken = [];
    for (const cell of document.querySelectorAll(".md-content td, .md-content th")) {
        if (!cell.getClientRects().length) continue;
        const nodes = [];
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
        const text = nodes.map(n => n.textContent).join("");
        const at = index => {
            for (const node of nodes) {
                if (index <= node.textContent.length) return [node, index];
                index -= node.textContent.length;
            }
        };
        const line = parseFloat(getComputedStyle(cell).lineHeight) || 20;
        for (const match of text.matchAll(/[^\\s\\-\\u2010-\\u2014\\/]+/g)) {
            if (match[0].length < 2) continue;
            const range = document.createRange();
            range.setStart(...at(match.index));
            range.setEnd(...at(match.index + match[0].length));
            const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => r.top);
            if (tops.length && Math.max(...tops) - Math.min(...tops) > line / 2)
                broken.push(match[0]);
        }
    }
    return broken;
}"""


def _has_table(path: str) -> bool:
    """Whether a page's Markdown has a table (written out, or from a data file)."""
    name = path.rstrip("/") or "index"
    if name in ("", "es"):
        name += "/index"
    source = (REPO / "content" / f"{name.lstrip('/')}.md").read_text(encoding="utf-8")
    # A table's delimiter row: "| --- | --- |", written out or by a {% for %} loop.
    return (
        any(
            line.startswith("|") and "---" in line and "|" in line[1:]
            for line in source.splitlines()
        )
        or "data_table(" in source
    )


TABLE_PAGES = [path for path in ALL_PAGES if _has_table(path)]


def test_the_word_check_finds_a_word_split_mid_word(make_page) -> None:
    page = make_page("levels-of-care/", width=1280)
    assert page.evaluate(_SPLIT_WORDS) == []
    # A column squeezed to three letters' width, allowed to break anywhere: the check sees it.
    page.add_style_tag(
        content=".md-content td:first-child { width: 3ch !important; max-width: 3ch;"
        " overflow-wrap: anywhere !important; }"
    )
    assert page.evaluate(_SPLIT_WORDS) != []


@pytest.mark.parametrize("width", [1280, 1024])
@pytest.mark.parametrize("path", TABLE_PAGES)
def test_tables_fit_on_desktop_with_every_word_whole(make_page, path: str, width: int) -> None:
    assert len(TABLE_PAGES) >= 10 and any(p.startswith("es/") for p in TABLE_PAGES)
    page = make_page(path, width=width)
    assert page.locator(".md-content table").count() >= 1
    assert page.evaluate(_SPLIT_WORDS) == [], f"{path} at {width}px"
    assert page.evaluate(_OVERFLOW) == [], f"{path} at {width}px"
    assert page.evaluate(_SMALL_TEXT) == [], f"{path} at {width}px"
    # Still a table: each row's cells side by side, sharing the row's top.
    row = page.locator(".md-content table tbody tr").first
    tops = {round(box["y"]) for box in (td.bounding_box() for td in row.locator("td").all())}
    assert len(tops) == 1, f"{path} at {width}px: the row is not laid out as a row"
