"""Whole builds of small fixture projects, in-process: output, reproducibility, atomic swap."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, build, page, run_cli, write_files

GOLDEN = REPO / "tests" / "golden"
LEVELS = """\
columns:
  - {key: name, heading: Level of care}
  - {key: hours, heading: Treatment time}
levels:
  iop: {name: Intensive outpatient, hours: 9 or more hours a week}
  php: {name: Partial hospitalization, hours: "20 | more hours"}
"""
GLOSSARY = """\
terms:
  - term: Intensive outpatient program
    abbr: IOP
    definition: Treatment on several days a week while you live at home.
"""
RICH_PAGE = page(
    "What is an IOP?",
    """
    An IOP at {{ program.name }} meets {{ program.days_per_week }} days a week,
    {{ program.hours_per_day }} hours a day: {{ program.days_per_week * program.hours_per_day }}
    hours a week. Call [{{ organisation.phone }}]({{ organisation.phone | tel }}).

    ## How the levels compare {#compare}

    {{ data_table(data.levels.levels, data.levels.columns) }}

    Back to [home](index.md).
    """,
)


def _digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _article(html: str) -> str:
    match = re.search(r"<article[^>]*>(.*?)</article>", html, re.DOTALL)
    assert match, "no <article> in page"
    return "\n".join(line.strip() for line in match.group(1).splitlines() if line.strip())


@pytest.fixture
def rich_project(make_project):
    return make_project(
        {
            "content/what-is-an-iop.md": RICH_PAGE,
            "content/data/levels.yml": LEVELS,
            "content/data/glossary.yml": GLOSSARY,
        }
    )


def test_page_renders_variables_data_table_glossary_and_review_footer(rich_project) -> None:
    assert build(rich_project) == 0
    html = (rich_project / "site" / "what-is-an-iop" / "index.html").read_text()
    article = _article(html)
    assert "Riverside Intensive Outpatient Program meets 3 days a week" in article
    assert "9\nhours a week" in article or "9 hours a week" in article
    assert 'href="tel:+15550100123"' in article
    # The data-driven table, with the pipe in a value kept as text.
    assert "<th>Level of care</th>" in article and (
        '<td data-label="Treatment time">20 | more hours</td>' in article
    )
    # Glossary term explained on hover and keyboard focus.
    assert '<abbr tabindex="0" title="Intensive outpatient program: Treatment on several' in article
    assert (
        'Editors last checked this page against its sources: <time datetime="2026-01-10">'
        "January 10, 2026</time>"
    ) in article
    assert 'Next check due: <time datetime="2027-01-10">January 10, 2027</time>' in article
    assert "Clinical Issues in Intensive Outpatient Treatment" in article
    # Data files feed pages; they are not published.
    assert not (rich_project / "site" / "data").exists()


def test_head_has_description_canonical_open_graph_and_medical_web_page(rich_project) -> None:
    assert build(rich_project) == 0
    html = (rich_project / "site" / "what-is-an-iop" / "index.html").read_text()
    assert '<meta name="description" content="A page for tests.">' in html
    assert '<link rel="canonical" href="https://iop-guide.example.org/what-is-an-iop/">' in html
    assert '<meta property="og:title" content="What is an IOP?">' in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert ld["@type"] == "MedicalWebPage"
    assert ld["lastReviewed"] == "2026-01-10"
    assert ld["url"] == "https://iop-guide.example.org/what-is-an-iop/"


def test_every_page_has_crisis_help_from_site_config(rich_project) -> None:
    assert build(rich_project) == 0
    for html_file in (rich_project / "site").rglob("*.html"):
        html = html_file.read_text()
        assert 'class="iop-crisis"' in html, html_file
        assert 'href="tel:988"' in html and 'href="tel:911"' in html
        assert 'href="tel:+18006624357"' in html
        assert "get-help-now/" in html


def test_no_outside_hosts_in_output(rich_project) -> None:
    assert build(rich_project) == 0
    for path in (rich_project / "site").rglob("*.html"):
        html = path.read_text()
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
        # No stylesheet, script or image is loaded from another host.
        for match in re.finditer(r'<(?:link|script|img)[^>]+(?:href|src)="(https?:)?//', html):
            tag = html[match.start() : html.index(">", match.start()) + 1]
            assert 'rel="canonical"' in tag, f"{path}: {tag}"


def test_values_from_site_config_are_escaped(make_project) -> None:
    project = make_project()
    config = (project / "site-config.yml").read_text()
    config = config.replace(
        "    name: Riverside Recovery Services",
        '    name: "Smith & Sons <Recovery> \\"Center\\""',
    )
    write_files(
        project,
        {
            "site-config.yml": config,
            "content/index.md": page(
                "Home", "Run by {{ organisation.name }}. [Help](get-help-now.md)"
            ),
        },
    )
    assert build(project) == 0
    html = (project / "site" / "index.html").read_text()
    assert "Smith &amp; Sons &lt;Recovery&gt; &#34;Center&#34;" in _article(html) or (
        "Smith &amp; Sons &lt;Recovery&gt; &quot;Center&quot;" in _article(html)
    )
    assert "<Recovery>" not in html
    # In the JSON-LD the same name is JSON, with < escaped so it cannot end the script.
    assert "\\u003cRecovery\\u003e" in html


def test_two_builds_minutes_apart_are_byte_identical(rich_project, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build(rich_project, "--out", str(tmp_path / "one")) == 0
    first = _digests(tmp_path / "one")
    # Move the clock-visible inputs: file times change, and time passes (gzip stamps seconds).
    for path in (rich_project / "content").rglob("*.md"):
        os.utime(path, (time.time() + 600, time.time() + 600))
    time.sleep(1.1)
    assert build(rich_project, "--out", str(tmp_path / "two")) == 0
    assert _digests(tmp_path / "two") == first


def test_successful_build_replaces_the_old_site_completely(rich_project) -> None:
    assert build(rich_project) == 0
    stale = rich_project / "site" / "stale.html"
    stale.write_text("from an old build")
    write_files(rich_project, {"content/what-is-an-iop.md": None})
    config = (rich_project / "site-config.yml").read_text()
    assert build(rich_project) == 0
    assert not stale.exists()
    assert not (rich_project / "site" / "what-is-an-iop").exists()
    assert config == (rich_project / "site-config.yml").read_text()


def test_base_url_sets_canonical_links_and_sitemap(rich_project) -> None:
    assert build(rich_project, "--base-url", "https://example.org/iop") == 0
    site = rich_project / "site"
    html = (site / "what-is-an-iop" / "index.html").read_text()
    assert '<link rel="canonical" href="https://example.org/iop/what-is-an-iop/">' in html
    sitemap = (site / "sitemap.xml").read_text()
    assert "<loc>https://example.org/iop/what-is-an-iop/</loc>" in sitemap
    assert "<lastmod>2026-01-10</lastmod>" in sitemap


def test_golden_article(rich_project, request) -> None:
    """The article of a page, compared with a reviewed copy; regenerate with --regenerate-golden."""
    assert build(rich_project) == 0
    article = _article((rich_project / "site" / "what-is-an-iop" / "index.html").read_text())
    golden = GOLDEN / "what-is-an-iop.article.html"
    if request.config.getoption("--regenerate-golden"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(article + "\n")
    assert article + "\n" == golden.read_text(), (
        "the page's article changed: review the difference, then run "
        "`pytest tests/test_build.py --regenerate-golden` if it is intended"
    )


def test_new_scaffolds_a_page_that_passes_validation(make_project, capsys) -> None:
    project = make_project()
    config = str(project / "site-config.yml")
    assert run_cli("new", "Sober living homes", "--config", config) == 0
    created = project / "content" / "sober-living-homes.md"
    assert created.is_file()
    assert "nav:" in capsys.readouterr().err
    # Linking the page in makes it part of a valid build (its front matter passes the schema).
    write_files(project, {"content/index.md": page("Home", "[New](sober-living-homes.md)")})
    assert build(project) == 0
    assert (project / "site" / "sober-living-homes" / "index.html").is_file()
    # A second page with the same title is refused, not overwritten.
    assert run_cli("new", "Sober living homes", "--config", config) == 1


def test_check_prints_a_report_and_writes_nothing(rich_project, capsys) -> None:
    assert run_cli("check", "--config", str(rich_project / "site-config.yml")) == 0
    out = capsys.readouterr().out
    assert "content/what-is-an-iop.md" in out and "grade" in out and "sources" in out
    assert not (rich_project / "site").exists()


def test_check_warns_about_overdue_review_and_hard_reading(make_project, capsys) -> None:
    hard = (
        "Notwithstanding multidimensional considerations, comprehensive individualized "
        "interdisciplinary biopsychosocial interventions necessitate extraordinarily "
        "sophisticated organizational infrastructure and administrative coordination."
    )
    project = make_project(
        {
            "content/index.md": page("Home", hard + " [Help](get-help-now.md)").replace(
                "next_review: 2027-01-10", "next_review: 2026-02-01"
            )
        }
    )
    assert run_cli("check", "--config", str(project / "site-config.yml")) == 0
    captured = capsys.readouterr()
    assert "OVERDUE since 2026-02-01" in captured.out
    assert "content/index.md: reading grade" in captured.err
    assert "content/index.md: the review was due 2026-02-01" in captured.err


def test_site_config_is_a_plain_mkdocs_config_too(rich_project, tmp_path) -> None:
    """Nobody maintains a second config: MkDocs' own command builds the same file."""
    import subprocess
    import sys

    out = tmp_path / "mkdocs-out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(rich_project / "site-config.yml"),
            "-d",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    html = (out / "what-is-an-iop" / "index.html").read_text()
    assert "Riverside Intensive Outpatient Program meets 3 days a week" in html


def test_a_data_file_quotes_facts_from_others_instead_of_typing_them(make_project) -> None:
    project = make_project(
        {
            "content/data/levels.yml": LEVELS.replace(
                "{name: Intensive outpatient,", "{hours_min: 9, name: Intensive outpatient,"
            ),
            "content/data/notes.yml": (
                "iop: At least {{ data.levels.levels.iop.hours_min }} hours a week at"
                " {{ program.name }}.\n"
            ),
            "content/what-is-an-iop.md": page("What is an IOP?", "{{ data.notes.iop }}"),
        }
    )
    assert build(project) == 0
    html = (project / "site" / "what-is-an-iop" / "index.html").read_text()
    assert "At least 9 hours a week at Riverside Intensive Outpatient Program." in html


def test_front_matter_read_once_still_reaches_the_page_and_leaves_the_text_alone(
    make_project,
) -> None:
    # The plugin reads and checks a page's front matter, then hands MkDocs the page with an empty
    # one, so MkDocs does not read it again. The page must still get its title from the front
    # matter (not from its heading), and a first line that looks like MultiMarkdown metadata
    # ("Note: ...") must stay text, as it does when MkDocs reads YAML front matter itself.
    text = page("Paying for an IOP").replace(
        "---\n# Paying for an IOP",
        "---\nNote: bring your insurance card.\n\n# What it costs",
    )
    text = text.replace("title: Paying for an IOP\n", "title: Paying for an IOP\ntags: [copay]\n")
    project = make_project({"content/paying.md": text})
    assert build(project) == 0
    html = (project / "site" / "paying" / "index.html").read_text()
    assert re.search(r"<title>Paying for an IOP\b", html)
    assert "Note: bring your insurance card." in _article(html)
    index = json.loads((project / "site" / "search" / "search_index.json").read_text())
    entry = next(doc for doc in index["docs"] if doc["location"] == "paying/")
    assert entry.get("tags") == ["copay"]
