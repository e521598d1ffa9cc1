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

import jinja2
import pikepdf
import pypdf
import pytest
import yaml

from generator.assessment import answer_effects, evaluate
from generator.booklet import (
    BookletError,
    Chapter,
    booklet_environment,
    build_date,
    built_article_html,
    chapter_html,
    chapter_source_html,
    css_string,
    page_chapter,
    render_booklet_html,
    render_booklet_pdf,
)
from generator.data_files import load_data_files
from generator.editions import language_data
from tests.conftest import REPO, _minimal_config, build, page, run_cli, write_files

BOOKLET = "downloads/iop-guide-en.pdf"
BOOKLET_ES = "es/downloads/iop-guide-es.pdf"


def _nav_titles(nav: list) -> list[str]:
    titles = []
    for item in nav:
        title, value = next(iter(item.items()))
        titles.extend(_nav_titles(value) if isinstance(value, list) else [title])
    return titles


def _nav_title(nav: list, file: str) -> str:
    """The navigation title of the page in ``file`` (a chapter's bookmark)."""
    for item in nav:
        title, value = next(iter(item.items()))
        if value == file:
            return title
        if isinstance(value, list):
            try:
                return _nav_title(value, file)
            except LookupError:
                continue
    raise LookupError(file)


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


# ------------------------------------------- the self-assessment on paper, and its key


def _strings(language: str) -> dict[str, str]:
    path = REPO / "templates" / "strings" / f"{language}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _assessment(language: str, content: Path = REPO / "content") -> dict:
    """The assessment data as a language's build reads it (Spanish: words over the English)."""
    if language == "en":
        data, errors = load_data_files(content / "data", content.parent)
    else:
        data, errors = language_data(content / "data", content / language / "data", REPO)
    assert errors == []
    # Texts may quote other data files ({{ data.levels... }}), as the build renders them.
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)

    def rendered(value):
        if isinstance(value, dict):
            return {key: rendered(item) for key, item in value.items()}
        if isinstance(value, list):
            return [rendered(item) for item in value]
        if isinstance(value, str) and "{{" in value:
            return environment.from_string(value).render(data=data.values)
        return value

    return rendered(data.values["assessment"])


def _you(text) -> str:
    return _flat(text["self"] if isinstance(text, dict) else str(text))


def _questions(data: dict) -> list[dict]:
    return [question for step in data["steps"] for question in step["questions"]]


def _section(reader: pypdf.PdfReader, start: str, end: str | None = None) -> str:
    """The flattened text of the chapter holding ``start``, from ``start`` to ``end`` (or to the
    chapter's end: the next bookmark's page)."""
    starts = sorted(reader.get_destination_page_number(item) for item in reader.outline)
    texts = [_flat(pdf_page.extract_text()) for pdf_page in reader.pages]
    first = next(number for number, text in enumerate(texts) if start in text)
    last = min((n for n in starts if n > first), default=len(texts))
    text = " ".join(texts[first:last])
    text = text[text.index(start) :]
    return text[: text.index(end)] if end is not None else text


def _chapter(reader: pypdf.PdfReader, title: str) -> str:
    """The flattened text of the chapter whose bookmark is ``title``."""
    starts = sorted(reader.get_destination_page_number(item) for item in reader.outline)
    first = next(
        reader.get_destination_page_number(item) for item in reader.outline if item.title == title
    )
    last = min((n for n in starts if n > first), default=len(reader.pages))
    return " ".join(_flat(reader.pages[n].extract_text()) for n in range(first, last))


def _key_entries(key: str, data: dict, quoted: str) -> dict[tuple[str, str], str]:
    """Each answer's part of the key's "what each answer leads to" list, by (question, answer):
    the text from the answer's quoted label to the next answer's, found in order."""
    spots: list[tuple[tuple[str, str], int]] = []
    position = 0
    for number, question in enumerate(_questions(data), start=1):
        position = key.index(f"{number}. {_you(question['text'])}", position)
        for option in question["options"]:
            label = quoted.replace("{text}", _you(option["label"]))
            position = key.index(label, position)
            spots.append(((question["id"], option["id"]), position))
    ends = [begin for _, begin in spots[1:]] + [len(key)]
    return {answer: key[begin:end] for (answer, begin), end in zip(spots, ends, strict=True)}


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_questionnaire_has_the_danger_screen_first_then_every_question_and_answer_in_order(
    built_site: Path, language: str
) -> None:
    strings = _strings(language)
    data = _assessment(language)
    reader = pypdf.PdfReader(built_site / (BOOKLET if language == "en" else BOOKLET_ES))
    paper = _section(reader, strings["booklet_questionnaire_title"], strings["booklet_key_title"])
    questions = _questions(data)
    first_question = paper.index(f"1. {_you(questions[0]['text'])}")
    # The danger screen comes before the first question, with the help lines of site-config.yml.
    danger = paper[:first_question]
    assert _you(data["steps"][0]["title"]) in danger
    assert _flat(strings["assessment_urgent_note_title"]) in danger
    crisis = _real_config()["extra"]["crisis"]
    for line in ("lifeline", "emergency", "helpline"):
        assert crisis[line]["call"] in danger, f"the danger screen lacks the {line} number"
    # Then every question, numbered, each followed by its answers in the order of the data.
    position = first_question
    for number, question in enumerate(questions, start=1):
        position = paper.index(f"{number}. {_you(question['text'])}", position)
        for option in question["options"]:
            position = paper.index(_you(option["label"]), position) + 1
    assert paper.count(strings["decides_danger"]) == sum(
        bool(option.get("danger")) for question in questions for option in question["options"]
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_key_names_what_each_answer_leads_to_as_the_engine_decides(
    built_site: Path, language: str
) -> None:
    strings = _strings(language)
    data = _assessment(language)
    reader = pypdf.PdfReader(built_site / (BOOKLET if language == "en" else BOOKLET_ES))
    key = _section(reader, strings["booklet_key_title"])
    assert _flat(strings["assessment_result_lead"]) in key  # not a diagnosis
    assert _flat(strings["booklet_key_safest"]) in key  # the most intensive level counts
    last = data["levels"][-1]["name"]
    assert _flat(strings["booklet_key_none"]).replace("{level}", last) in key
    answers_start = key.index(_flat(strings["booklet_key_answers"]))
    messages_start = key.index(_flat(strings["assessment_guide_safety"]), answers_start)
    entries = _key_entries(key[answers_start:messages_start], data, strings["decides_quoted"])
    levels = {level["id"]: level["name"] for level in data["levels"]}
    titles = {message["id"]: _you(message["title"]) for message in data["messages"]}
    danger_answers = 0
    for question in _questions(data):
        for option in question["options"]:
            result = evaluate(data, {question["id"]: option["id"]})
            entry = entries[question["id"], option["id"]]
            if result.reasons:
                rule = _flat(strings["booklet_key_rule"]).split("{level}")[0]
                assert f"{rule}{levels[result.level]}" in entry, (question["id"], option["id"])
            for message in result.messages:
                assert titles[message] in entry, (question["id"], option["id"], message)
            if option.get("danger"):
                danger_answers += 1
                # A danger answer by itself reaches help at once, and the key says so.
                assert result.alerts or result.messages
                if result.alerts:
                    assert _flat(strings["booklet_key_rule_urgent"]) in entry
    assert danger_answers >= 3
    # It points to the chapter that shows the same rules with their sources, by its title.
    sources = _flat(strings["booklet_key_sources"])
    assert any(sources.replace("{link}", item.title) in key for item in reader.outline)
    # Each safety message is printed once, whole, with its help lines.
    crisis = _real_config()["extra"]["crisis"]
    messages = key[messages_start:]
    for message in data["messages"]:
        assert _you(message["title"]) in messages
        for line in message.get("lines") or []:
            assert crisis[line]["call"] in messages


def test_how_it_decides_is_printed_with_its_data_built_lists(built_site: Path) -> None:
    strings = _strings("en")
    data = _assessment("en")
    reader = pypdf.PdfReader(built_site / BOOKLET)
    title = _nav_title(_real_config()["nav"], "how-this-tool-decides.md")
    text = _chapter(reader, title)
    assert _flat(strings["decides_levels_title"]) in text
    position = 0
    for question in _questions(data):
        position = text.index(_you(question["text"]), position)
    # What each answer leads to: every rule's level, in the page's own words.
    rule = _flat(strings["decides_rule"]).split("{level}")[0].split("{urgent}")[0]
    levels = {level["id"]: level["name"] for level in data["levels"]}
    for entry in data["rules"]:
        assert f"{rule}{levels[entry['level']]}".lower() in text.lower(), entry["id"]
    no_change = [
        option
        for step in answer_effects(data)
        for question in step["questions"]
        for option in question["options"]
        if not option["effects"]
    ]
    assert text.count(strings["decides_no_change"]) == len(no_change) > 0
    # Its numbered sources, built from the data file's `sources:` (list numbers and page
    # footers interleave with long addresses in the extracted text, so titles are compared).
    unbroken = "".join(text.split())
    for source in data["sources"].values():
        assert "".join(source["title"].split()) in unbroken
    # The booklet prints the review block once, and not the link to itself.
    assert text.count(strings["booklet_link"]) == 0
    assert text.count(strings["review_checked"].split("{date}")[0].strip()) == 1


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


def _assessment_project(make_project, assessment: str) -> Path:
    """A fixture project with the self-assessment and "How it decides" pages over
    ``assessment`` (the text of assessment.yml)."""
    config = _minimal_config().replace(
        "  - Get help now: get-help-now.md\n",
        "  - Get help now: get-help-now.md\n"
        "  - Self-assessment: self-assessment.md\n"
        "  - How it decides: how-this-tool-decides.md\n",
    )

    def templated(title: str, template: str) -> str:
        return page(title, "Some words first.").replace(
            "sources:", f"template: {template}\nsources:", 1
        )

    return make_project(
        {
            "site-config.yml": config,
            "content/self-assessment.md": templated("Self-assessment", "assessment.html"),
            "content/how-this-tool-decides.md": templated(
                "How it decides", "how-this-tool-decides.html"
            ),
            "content/data/assessment.yml": assessment,
            "content/data/levels.yml": (REPO / "content/data/levels.yml").read_text("utf-8"),
        }
    )


def test_the_questionnaire_and_key_follow_the_rules_data(make_project) -> None:
    real = (REPO / "content/data/assessment.yml").read_text(encoding="utf-8")
    label = "            label: Heavy drinking on some days\n"
    rule = "    when: {home: [unsafe, violence]}\n    level: residential\n"
    assert real.count(label) == 1 and real.count(rule) == 1
    edited = real.replace(label, "            label: Heavy drinking on a few days\n").replace(
        rule, "    when: {home: [unsafe, violence]}\n    level: php\n"
    )
    project = _assessment_project(make_project, edited)
    assert build(project) == 0
    data = _assessment("en", project / "content")
    assert data["rules"][[r["id"] for r in data["rules"]].index("unsafe-home")]["level"] == "php"
    strings = _strings("en")
    reader = pypdf.PdfReader(project / "site" / BOOKLET)

    paper = _section(reader, strings["booklet_questionnaire_title"], strings["booklet_key_title"])
    assert "Heavy drinking on a few days" in paper and "Heavy drinking on some days" not in paper

    key = _section(reader, strings["booklet_key_title"])
    answers_start = key.index(_flat(strings["booklet_key_answers"]))
    messages_start = key.index(_flat(strings["assessment_guide_safety"]), answers_start)
    entries = _key_entries(key[answers_start:messages_start], data, strings["decides_quoted"])
    levels = {level["id"]: level["name"] for level in data["levels"]}
    rule_words = _flat(strings["booklet_key_rule"]).split("{level}")[0]
    for answer in ("unsafe", "violence"):
        entry = entries["home", answer]
        assert evaluate(data, {"home": answer}).level == "php"
        assert f"{rule_words}{levels['php']}" in entry
        assert levels["residential"] not in entry
    assert "Heavy drinking on a few days" in entries["alcohol", "heavy_some_days"]

    decides = _chapter(reader, "How it decides")
    assert "Heavy drinking on a few days" in decides
    assert "Heavy drinking on some days" not in decides


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


def test_each_chapter_s_sources_heading_has_a_well_formed_id_of_its_own() -> None:
    # The review partial's `id="page-sources"` is renamed per chapter; it once came out as
    # `id=&#34;chapter-a--page-sources&#34;`, which WeasyPrint ignored as an anchor.
    environment = booklet_environment(REPO / "templates")
    meta = {
        "reviewed": datetime.date(2026, 1, 2),
        "next_review": datetime.date(2027, 1, 2),
        "sources": [
            {
                "title": "T",
                "publisher": "P",
                "url": "https://example.org/",
                "accessed": datetime.date(2026, 1, 2),
            }
        ],
    }
    chapters = [Chapter("a/", "A", "<p>A.</p>", meta), Chapter("b/c/", "C", "<p>C.</p>", meta)]
    extra = yaml.safe_load((REPO / "site-config.yml").read_text(encoding="utf-8"))["extra"]
    html = render_booklet_html(
        environment, chapters, site_name="Org", extra=extra, language="en", strings=_strings("en")
    )
    ids = re.findall(r'<h2 class="iop-review__heading" id=([^\s>]+)>', html)
    assert ids == ['"chapter-a--page-sources"', '"chapter-b-c--page-sources"']


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


def test_a_built_page_is_printed_from_its_title_without_its_review_block_or_booklet_link() -> None:
    built = (
        '<html><body><nav>menu</nav><article class="md-content__inner md-typeset">'
        '<aside class="iop-unreviewed"><p>Not checked yet.</p></aside>'
        '<h1 id="t">Title</h1><p>Words.</p><p class="iop-booklet-link"><a href="x.pdf">PDF</a>'
        " (PDF<!--iop-booklet-facts-->)</p><table><tr><td>From data</td></tr></table>"
        '<aside class="iop-review" aria-label="About"><p>Checked.</p></aside>'
        "</article></body></html>"
    )
    article = built_article_html(built)
    assert article.startswith('<h1 id="t">Title</h1>')
    assert "From data" in article
    for gone in ("menu", "Not checked yet", "iop-booklet-link", "Checked."):
        assert gone not in article
    with pytest.raises(BookletError):
        built_article_html("<html><body><p>No article</p></body></html>")


def test_a_template_page_is_printed_by_its_booklet_partial_or_else_from_its_built_file(
    tmp_path: Path,
) -> None:
    templates = tmp_path / "templates"
    (templates / "booklet").mkdir(parents=True)
    (templates / "booklet" / "paper.html").write_text(
        "{{ content }}<p>{{ data.words | join(', ') }} for {{ chapter.title }}</p>",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    (site / "decides").mkdir(parents=True)
    (site / "decides" / "index.html").write_text(
        '<article class="md"><h1>Decides</h1><p>Intro.</p><ul><li>Built row</li></ul></article>',
        encoding="utf-8",
    )
    environment = booklet_environment(templates)

    def chapter(url: str, template: str | None) -> Chapter:
        meta = {"template": template} if template else {}
        return page_chapter(environment, site, url=url, title=url, html="<p>Intro.</p>", meta=meta)

    context = {"data": {"words": ["a", "b"]}}
    with_partial = chapter("paper/", "paper.html")
    assert chapter_source_html(environment, with_partial, context) == (
        "<p>Intro.</p><p>a, b for paper/</p>"
    )
    without_partial = chapter("decides/", "decides.html")
    assert "<li>Built row</li>" in chapter_source_html(environment, without_partial, context)
    plain = chapter("plain/", None)
    assert chapter_source_html(environment, plain, context) == "<p>Intro.</p>"
    with pytest.raises(BookletError):
        chapter("missing/", "decides.html")
