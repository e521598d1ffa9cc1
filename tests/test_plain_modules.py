"""Unit tests of the plain modules (no MkDocs): schema, YAML lines, rendering, glossary, report."""

from __future__ import annotations

import datetime
import os
from typing import ClassVar

import pytest

from generator.errors import SiteError, SiteErrors
from generator.front_matter import parse_front_matter, scaffold_front_matter
from generator.glossary import abbreviation_definitions, make_abbreviations_focusable
from generator.interface_strings import long_date
from generator.page_rendering import make_page_environment, render_page_markdown, tel_href
from generator.readability import page_report, render_report, visible_text
from generator.schema import Field, validate
from generator.task_lists import name_task_list_boxes
from generator.yaml_loader import UnreadableFileError, _read_at_most, load_yaml_text


def test_line_numbers_follow_keys_and_list_items() -> None:
    loaded = load_yaml_text("a:\n  b: 1\n  c:\n    - x\n    - y\n", "f.yml")
    assert loaded.line_of(("a", "b")) == 2
    assert loaded.line_of(("a", "c", 1)) == 5
    # A missing key points at its nearest existing parent.
    assert loaded.line_of(("a", "missing")) == 1


def test_yaml_syntax_error_names_file_line_and_source() -> None:
    with pytest.raises(UnreadableFileError) as raised:
        load_yaml_text("a: 1\nb: [2\nc: 3\n", "data.yml")
    error = raised.value.error
    # The parser notices at line 3; the mistake, the unclosed bracket, is on line 2.
    assert error.path == "data.yml" and error.line == 2
    assert "YAML syntax error" in error.message
    assert "the bracket opened on line 2 is not closed" in error.message
    assert error.source_line == "b: [2" and error.context_lines == ((1, "a: 1"),)


def test_mkdocs_tags_are_tolerated() -> None:
    loaded = load_yaml_text("site_url: !ENV [SITE_URL, 'x']\nicon: !!python/name:a.b\n", "c.yml")
    assert loaded.data["icon"] == "name:a.b"


def test_schema_reports_every_problem_with_suggestions() -> None:
    schema = Field(dict, keys={"name": Field(str), "count": Field(int), "tags": Field(list)})
    loaded = load_yaml_text("nmae: x\ncount: many\ntags: [a]\n", "s.yml")
    errors = validate(loaded, schema)
    messages = [e.format() for e in errors]
    assert any("unknown key 'nmae'" in m and "did you mean 'name'" in m for m in messages)
    assert any("s.yml:2" in m and "expected a whole number, found 'many'" in m for m in messages)
    # The misspelt required key is one mistake: its "missing" error is folded into the typo's.
    assert any("s.yml:1" in m and "the required key 'name' is missing" in m for m in messages)
    assert not any("missing required key 'name'" in m for m in messages)
    assert len(errors) == 2


def test_booleans_are_not_numbers() -> None:
    errors = validate(load_yaml_text("n: true\n", "s.yml"), Field(dict, keys={"n": Field(int)}))
    assert len(errors) == 1


@pytest.mark.parametrize(
    ("shown", "href"),
    [
        ("988", "tel:988"),
        ("911", "tel:911"),
        ("1-800-662-4357", "tel:+18006624357"),
        ("(555) 010-0123", "tel:+15550100123"),
        ("+44 20 7946 0000", "tel:+442079460000"),
    ],
)
def test_tel_links(shown: str, href: str) -> None:
    assert tel_href(shown) == href


def test_front_matter_scaffold_is_valid() -> None:
    text = scaffold_front_matter('A "quoted" title', datetime.date(2026, 11, 24))
    front, errors = parse_front_matter(text, "new.md")
    assert errors == []
    assert front.meta["title"] == 'A "quoted" title'
    assert front.meta["next_review"] == datetime.date(2027, 11, 24)
    assert front.body_first_line == 12


def test_front_matter_missing_block_is_an_error() -> None:
    front, errors = parse_front_matter("# Just a heading\n", "p.md")
    assert front is None and errors[0].line == 1 and "no front matter" in errors[0].message


def test_rendering_error_points_at_the_file_line() -> None:
    env = make_page_environment(None)
    source = "one\ntwo {{ a.b }}\nthree {{ nope }}\n"
    text, error = render_page_markdown(env, source, {"a": {"b": 1}}, "p.md", first_line=10)
    assert text is None
    assert error.line == 12 and error.source_line == "three {{ nope }}"


def test_rendering_escapes_html_in_values() -> None:
    env = make_page_environment(None)
    text, error = render_page_markdown(env, "{{ n }}", {"n": "A & <B>"}, "p.md", first_line=1)
    assert error is None and text == "A &amp; &lt;B&gt;"


def test_heading_ids_are_not_jinja_comments() -> None:
    env = make_page_environment(None)
    text, error = render_page_markdown(env, "## Costs {#costs}\n{## note ##}x", {}, "p.md", 1)
    assert error is None and text == "## Costs {#costs}\nx"


def test_glossary_abbreviations() -> None:
    glossary = {
        "terms": [
            {"term": "Intensive outpatient program", "abbr": "IOP", "definition": "Care.\n More."},
            {"term": "Recovery", "definition": "Getting better."},
        ]
    }
    block = abbreviation_definitions(glossary)
    assert block.strip() == "*[IOP]: Intensive outpatient program: Care. More."
    assert abbreviation_definitions(None) == ""
    assert make_abbreviations_focusable('<abbr title="x">A</abbr>') == (
        '<abbr tabindex="0" title="x">A</abbr>'
    )
    # Inside a link the link takes focus: a focusable abbr there would be invalid HTML.
    linked = '<a href="p/"><abbr title="x">A</abbr></a> <abbr title="x">A</abbr>'
    assert make_abbreviations_focusable(linked) == (
        '<a href="p/"><abbr title="x">A</abbr></a> <abbr tabindex="0" title="x">A</abbr>'
    )


def test_visible_text_ends_sentences_at_blocks_and_skips_code() -> None:
    html = "<h2>Costs<a class='headerlink' href='#c'>¶</a></h2><ul><li>One</li><li>Two!</li></ul>"
    html += "<pre><code>x = 1</code></pre><p>Done</p>"
    assert visible_text(html) == "Costs. One. Two! Done."


def test_report_flags_hard_pages_and_overdue_reviews() -> None:
    class Record:
        src_path = "content/p.md"
        title = "P"
        meta: ClassVar = {"next_review": datetime.date(2026, 1, 1), "sources": [{}, {}]}
        html = "<p>" + "Notwithstanding multidimensional biopsychosocial considerations. " * 5
        html += "</p>"

    row = page_report(Record(), datetime.date(2026, 6, 1))
    assert row.overdue and row.sources == 2 and row.grade > 8
    table, warnings = render_report([row], max_grade=8)
    assert "content/p.md" in table
    assert len(warnings) == 2


def test_site_errors_format_counts_and_lists_all() -> None:
    errors = SiteErrors([SiteError("a.md", "bad", "fix it", line=3), SiteError("b.yml", "worse")])
    text = errors.format()
    assert text.startswith("2 problems") and "a.md:3: bad" in text and "fix: fix it" in text


def test_task_list_boxes_are_named_by_their_line() -> None:
    html = (
        '<li class="task-list-item"><p><label class="task-list-control"><input type="checkbox"/>'
        '<span class="task-list-indicator"></span></label> <strong>Is it &amp; "licensed"?</strong>'
        "</p>\n<p>Why it matters.</p></li>"
    )
    named = name_task_list_boxes(html)
    assert '<input type="checkbox" aria-label="Is it &amp; &quot;licensed&quot;?"/>' in named
    assert named.replace(' aria-label="Is it &amp; &quot;licensed&quot;?"', "") == html


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 5000])
def test_reading_stops_at_the_limit_whatever_the_file_size(tmp_path, size) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(bytes(range(256)) * (size // 256) + bytes(range(size % 256)))
    with open(path, "rb") as handle:
        assert _read_at_most(handle, 100) == path.read_bytes()[:100]


def test_reading_a_pipe_still_stops_at_the_limit() -> None:
    """A pipe's size is 0: that is only where the first read stops."""
    read_end, write_end = os.pipe()
    os.write(write_end, b"x" * 500)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as handle:
        assert _read_at_most(handle, 100) == b"x" * 100


def test_long_dates_take_their_words_from_the_language_strings() -> None:
    months = "January, February, March, April, May, June, July, August, September, October, "
    english = {"date_long": "{month} {day}, {year}", "date_months": months + "November, December"}
    assert long_date(datetime.date(2026, 3, 2), english) == "March 2, 2026"
    # Each name is trimmed of the spaces and line breaks around it.
    months = "enero, febrero, marzo, abril, mayo, junio, julio, agosto, septiembre, octubre,"
    spanish = {
        "date_long": "{day} de {month} de {year}",
        "date_months": months + "\n noviembre, diciembre",
    }
    assert long_date(datetime.date(2026, 12, 24), spanish) == "24 de diciembre de 2026"
