"""The printable booklet: built with the site, read back with pypdf and pikepdf.

The real site's booklet is checked for what paper and assistive technology need (titles in
navigation order, contents page numbers that point at the right pages, crisis lines in every
footer, a structure tree, the document language, one bookmark per chapter). Small fixture
projects check the switch, the located error for a bad value and the fetcher's fence.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pikepdf
import pypdf
import pytest
import yaml

from generator.booklet import (
    Chapter,
    build_date,
    chapter_html,
    css_string,
    render_booklet_pdf,
)
from tests.conftest import REPO, _minimal_config, build, run_cli, write_files

BOOKLET = "downloads/iop-guide-en.pdf"


def _nav_titles(nav: list) -> list[str]:
    titles = []
    for item in nav:
        title, value = next(iter(item.items()))
        titles.extend(_nav_titles(value) if isinstance(value, list) else [title])
    return titles


def _real_config() -> dict:
    return yaml.safe_load((REPO / "site-config.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def real_booklet(built_site: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(built_site / BOOKLET)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_real_booklet_is_small_enough(built_site: Path) -> None:
    assert (built_site / BOOKLET).stat().st_size <= 2 * 1024 * 1024


def test_contents_list_every_nav_page_in_order_with_the_right_page_numbers(real_booklet) -> None:
    titles = _nav_titles(_real_config()["nav"])
    contents = ""
    for number in range(1, 4):
        contents += real_booklet.pages[number].extract_text() + "\n"
        if titles[-1] in contents:
            break
    entries = re.findall(r"^(.+?)\s*\.{3,}\s*(\d+)$", contents, re.MULTILINE)
    assert [title.strip() for title, _ in entries] == titles
    for title, number in entries:
        text = _flat(real_booklet.pages[int(number) - 1].extract_text())
        assert title.strip() in text[:400], f"contents say {title!r} is on page {number}"


def test_every_page_footer_has_the_crisis_lines(real_booklet) -> None:
    crisis = _real_config()["extra"]["crisis"]
    footer = (
        f"Call or text {crisis['lifeline']['call']} ({crisis['lifeline']['name']})."
        f" Treatment help line: {crisis['helpline']['call']}."
        f" Emergency: {crisis['emergency']['call']}."
    )
    for number, pdf_page in enumerate(real_booklet.pages, start=1):
        assert footer in _flat(pdf_page.extract_text()), f"page {number} has no crisis lines"


def test_title_page_has_the_organisation_build_date_and_crisis_lines(real_booklet) -> None:
    config = _real_config()
    text = _flat(real_booklet.pages[0].extract_text())
    assert config["extra"]["organisation"]["name"] in text
    assert config["site_name"] in text
    reviewed = [
        yaml.safe_load(p.read_text(encoding="utf-8").split("---")[1])["reviewed"]
        for p in (REPO / "content").glob("*.md")
    ]
    assert max(reviewed).strftime("%B %-d, %Y") in text
    assert "Need help now?" in text and config["extra"]["crisis"]["lifeline"]["name"] in text


def test_outline_has_one_entry_per_chapter_in_nav_order(real_booklet) -> None:
    outline = [item for item in real_booklet.outline if not isinstance(item, list)]
    assert [item.title for item in outline] == _nav_titles(_real_config()["nav"])
    assert all(not isinstance(item, list) for item in real_booklet.outline)


def test_booklet_is_tagged_with_language_title_and_pdf_ua_identifier(built_site: Path) -> None:
    with pikepdf.open(built_site / BOOKLET) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "en"
        assert root.MarkInfo.Marked
        tree = root.StructTreeRoot
        kinds = set()

        def walk(node, depth=0):
            if depth > 40:
                return
            if isinstance(node, pikepdf.Dictionary) and "/S" in node:
                kinds.add(str(node.S))
            kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
            if isinstance(kids, pikepdf.Array):
                for kid in kids:
                    walk(kid, depth + 1)
            elif isinstance(kids, pikepdf.Dictionary):
                walk(kids, depth + 1)

        walk(tree)
        assert {"/H1", "/P", "/Table", "/L"} <= kinds, kinds
        assert str(pdf.docinfo.Title) == _real_config()["site_name"]
        metadata = pdf.open_metadata()
        assert metadata.get("pdfuaid:part") == "1"


def test_outside_links_are_written_out_and_sources_are_there(real_booklet) -> None:
    # Long addresses wrap anywhere on paper, so compare the text without white space.
    text = "".join(" ".join(p.extract_text() for p in real_booklet.pages).split())
    front = (REPO / "content" / "levels-of-care.md").read_text(encoding="utf-8").split("---")[1]
    sources = yaml.safe_load(front)["sources"]
    for source in sources:
        assert f"({source['url']})" in text, f"{source['url']} is not written out"
    assert "Sources" in text and "Editorslastcheckedthispage" in text


def test_every_page_links_to_the_booklet_with_its_size_and_page_count(
    built_site: Path, real_booklet
) -> None:
    size_kb = round((built_site / BOOKLET).stat().st_size / 1024)
    facts = f"(PDF, {len(real_booklet.pages)} pages, {size_kb} KB)"
    spanish = built_site / "es"
    for html in built_site.rglob("index.html"):
        if html.parent.name == "downloads":
            continue
        text = html.read_text(encoding="utf-8")
        if spanish in html.parents:
            # Each language's pages link to that language's own booklet.
            assert "iop-guide-es.pdf" in text and "iop-guide-en.pdf" not in text, html
            continue
        assert "iop-guide-en.pdf" in text and facts in text, f"{html} lacks the booklet link"


# ----------------------------------------------------------------- fixture projects


def test_a_bad_booklet_value_is_a_located_error(make_project, capsys) -> None:
    project = make_project()
    config = _minimal_config().replace(
        "max_reading_grade: 8", "max_reading_grade: 8\n      booklet: yes please"
    )
    write_files(project, {"site-config.yml": config})
    code = run_cli("check", "--config", str(project / "site-config.yml"))
    message = capsys.readouterr().err
    line = next(n for n, text in enumerate(config.splitlines(), 1) if "booklet:" in text)
    assert code == 1
    assert f"site-config.yml:{line}" in message and "booklet" in message


def test_the_booklet_can_be_switched_off(make_project) -> None:
    project = make_project()
    config = _minimal_config().replace(
        "max_reading_grade: 8", "max_reading_grade: 8\n      booklet: false"
    )
    write_files(project, {"site-config.yml": config})
    assert build(project) == 0
    assert not (project / "site" / BOOKLET).exists()
    assert "iop-booklet-link" not in (project / "site" / "index.html").read_text(encoding="utf-8")


def test_a_fixture_site_gets_its_booklet(make_project) -> None:
    project = make_project()
    assert build(project) == 0
    reader = pypdf.PdfReader(project / "site" / BOOKLET)
    assert [item.title for item in reader.outline] == ["Home", "Get help now"]


# ----------------------------------------------------------------- plain functions


def test_links_between_pages_become_links_inside_the_booklet() -> None:
    chapter = Chapter(
        url="levels-of-care/",
        title="Levels",
        html=(
            '<h1 id="top">Levels</h1><h2 id="compare">Compare</h2>'
            '<a href="#compare">here</a> <a href="../get-help-now/#call">help</a> '
            '<a href="https://example.org/">out</a> <a href="../missing/">gone</a>'
        ),
        meta={},
    )
    anchors = {"levels-of-care/": "chapter-levels-of-care", "get-help-now/": "chapter-get-help"}
    html = chapter_html(chapter, anchors)
    assert "<h1" not in html
    assert 'id="chapter-levels-of-care--compare"' in html
    assert 'href="#chapter-levels-of-care--compare"' in html
    assert 'href="#chapter-get-help--call"' in html
    assert 'href="https://example.org/"' in html
    assert 'href="../missing/"' in html


def test_build_date_is_the_latest_review_so_builds_are_reproducible() -> None:
    chapters = [
        Chapter("a/", "A", "", {"reviewed": datetime.date(2026, 3, 1)}),
        Chapter("b/", "B", "", {"reviewed": datetime.date(2026, 5, 2)}),
        Chapter("c/", "C", "", {}),
    ]
    assert build_date(chapters) == datetime.date(2026, 5, 2)
    assert build_date([]) is None


def test_css_string_cannot_break_out_of_its_style_element() -> None:
    assert css_string('Call "988" \\ now') == '"Call \\"988\\" \\\\ now"'
    assert "</style" not in css_string("</style><script>")


def test_the_fetcher_reads_only_files_inside_the_built_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "assets" / "a.css").write_text("p { color: #000 }", encoding="utf-8")
    outside = tmp_path / "secret.css"
    outside.write_text("p { color: red }", encoding="utf-8")
    html = (
        '<html lang="en"><head><title>t</title>'
        '<link rel="stylesheet" href="assets/a.css">'
        f'<link rel="stylesheet" href="{outside.as_uri()}">'
        '<link rel="stylesheet" href="../secret.css">'
        '<link rel="stylesheet" href="https://example.org/x.css">'
        "</head><body><p>Hello</p>"
        '<img alt="x" src="http://127.0.0.1:9/tracker.png"></body></html>'
    )
    booklet = render_booklet_pdf(html, site)
    assert booklet.page_count == 1
    assert sorted(booklet.refused_urls) == sorted(
        [
            outside.as_uri(),
            outside.as_uri(),
            "https://example.org/x.css",
            "http://127.0.0.1:9/tracker.png",
        ]
    )


def test_the_live_preview_leaves_the_booklet_out_and_builds_make_it() -> None:
    from generator.plugin import IopGuidePlugin

    plugin = IopGuidePlugin()
    errors, _ = plugin.load_config({})
    assert errors == []
    plugin.on_startup(command="build", dirty=False)
    assert plugin._booklet_wanted()
    plugin.on_startup(command="serve", dirty=False)
    assert not plugin._booklet_wanted()
