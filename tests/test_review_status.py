"""Honest about review: a page says whether a clinician has read it, `check` warns about pages
that have no clinical review or are past their next check, and `--release` refuses them.

Everything goes through the real `iop-guide` command and the real templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.front_matter import parse_front_matter
from tests.conftest import REPO, build, clinically_reviewed, page, real_address_config, run_cli

UNREVIEWED_NOTICE = "A clinician has not yet checked this page."


def reviewed_page(title: str, body: str = "Some text. [Help](get-help-now.md)") -> str:
    """A fixture page that carries a clinical review."""
    return clinically_reviewed(page(title, body))


def overdue(text: str) -> str:
    return text.replace("next_review: 2027-01-10", "next_review: 2026-02-01")


def _add_to_nav(project: Path, line: str) -> None:
    """Put a fixture page in nav, so the release problems are only the review ones."""
    config = project / "site-config.yml"
    text = config.read_text(encoding="utf-8")
    anchor = "  - Get help now: get-help-now.md\n"
    assert anchor in text
    config.write_text(text.replace(anchor, anchor + line, 1), encoding="utf-8")


def _check(project: Path, *extra: str) -> int:
    return run_cli("check", "--config", str(project / "site-config.yml"), *extra)


# ------------------------------------------------------------------ check and check --release


def test_plain_check_warns_about_each_unreviewed_or_overdue_page(make_project, capsys) -> None:
    project = make_project(
        {
            "content/index.md": reviewed_page("Home"),
            "content/get-help-now.md": overdue(reviewed_page("Get help now", "Call 988.")),
            "content/about.md": page("About", "[Home](index.md)"),
        }
    )
    assert _check(project) == 0
    err = capsys.readouterr().err
    # The page without clinical_review is named with the line of its `reviewed` date.
    assert "WARNING: content/about.md:4: [clinical_review] no clinician has reviewed" in err
    # The overdue page is named with the line of its next_review.
    assert "content/get-help-now.md:5: [next_review] its next review was due on 2026-02-01" in err
    # A page with a current clinical review gets neither warning.
    assert "content/index.md:" not in err
    assert "content/get-help-now.md:4: [clinical_review]" not in err


def test_check_release_fails_and_lists_every_page_that_may_not_be_published(
    make_project, capsys
) -> None:
    project = make_project(
        {
            "site-config.yml": real_address_config(),
            "content/index.md": reviewed_page("Home"),
            "content/get-help-now.md": overdue(reviewed_page("Get help now", "Call 988.")),
            "content/about.md": page("About", "[Home](index.md)"),
        }
    )
    _add_to_nav(project, "  - About: about.md\n")
    assert _check(project, "--release") == 1
    err = capsys.readouterr().err
    assert "2 problems to fix before the site can be built" in err
    assert re.search(
        r"content/about\.md:4: \[clinical_review\] no clinician has reviewed this page yet .*"
        r"\(not allowed in a release\)\n    4 \| reviewed: 2026-01-10\n    fix: once a "
        r"clinician has read the page, add to its front matter: clinical_review:",
        err,
    ), err
    assert "content/get-help-now.md:5: [next_review] its next review was due on 2026-02-01" in err
    assert "content/index.md" not in err
    assert "`iop-guide check` failed" in err


def test_check_release_passes_once_every_page_has_a_current_clinical_review(
    make_project, capsys
) -> None:
    project = make_project(
        {
            "site-config.yml": real_address_config(),
            "content/index.md": reviewed_page("Home"),
            "content/get-help-now.md": reviewed_page("Get help now", "Call 988."),
        }
    )
    assert _check(project, "--release") == 0
    assert "clinical_review" not in capsys.readouterr().err


def test_build_release_refuses_and_leaves_the_old_site_untouched(make_project, capsys) -> None:
    project = make_project()
    assert build(project) == 0  # a preview build publishes, with warnings
    assert "no clinician has reviewed this page yet" in capsys.readouterr().err
    site = project / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    index = project / "content" / "index.md"
    index.write_text(index.read_text().replace("Call", "Please call"), encoding="utf-8")

    assert build(project, "--release") == 1
    err = capsys.readouterr().err
    assert "content/index.md:4: [clinical_review]" in err
    assert "content/get-help-now.md:4: [clinical_review]" in err
    assert "The previous site folder was left exactly as it was." in err
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert not list(project.glob(".site.building-*")), "the staging folder was left behind"


def test_build_release_publishes_when_every_page_is_clinically_reviewed(make_project) -> None:
    project = make_project(
        {
            "site-config.yml": real_address_config(),
            "content/index.md": reviewed_page("Home"),
            "content/get-help-now.md": reviewed_page("Get help now", "Call 988."),
        }
    )
    assert build(project, "--release") == 0
    assert (project / "site" / "index.html").is_file()


# ------------------------------------------------------------------ bad clinical_review values


@pytest.mark.parametrize(
    ("value", "line", "message", "fix"),
    [
        (
            'clinical_review: {by: "Name, credentials", date: 2026-01-20}',
            6,
            "clinical_review.by is 'Name, credentials', not a person",
            "give the clinician's name and credentials",
        ),
        (
            'clinical_review: {by: "Dana Reyes, MD", date: 2999-01-01}',
            6,
            "clinical_review.date (2999-01-01) is in the future",
            "give the date the clinician finished reading the page",
        ),
        (
            'clinical_review: {by: "Dana Reyes, MD", date: "last spring"}',
            6,
            "expected a date (YYYY-MM-DD), found 'last spring'",
            "write a date (YYYY-MM-DD) here",
        ),
        (
            "clinical_review: {date: 2026-01-20}",
            6,
            "by",
            "",
        ),
        (
            'clinical_review: {by: "Dana Reyes, MD", dat: 2026-01-20}',
            6,
            "dat",
            "",
        ),
        (
            "clinical_review: yes",
            6,
            "expected a mapping of keys to values, found True",
            "",
        ),
    ],
    ids=["placeholder-name", "future-date", "not-a-date", "no-by", "typo-key", "not-a-mapping"],
)
def test_a_bad_clinical_review_is_a_located_error(
    make_project, capsys, value: str, line: int, message: str, fix: str
) -> None:
    text = page("About", "[Home](index.md)").replace("sources:\n", value + "\nsources:\n", 1)
    project = make_project({"content/about.md": text})
    assert build(project) == 1
    err = capsys.readouterr().err
    assert f"content/about.md:{line}:" in err
    assert message in err
    assert fix in err
    assert not (project / "site").exists()


# ------------------------------------------------------------------ what readers see


def test_the_notice_shows_on_unreviewed_pages_and_not_on_reviewed_ones(make_project) -> None:
    project = make_project(
        {
            "content/index.md": page("Home", "[Help](get-help-now.md) [About](about.md)"),
            "content/get-help-now.md": reviewed_page("Get help now", "Call 988."),
            "content/about.md": page("About", "[Home](index.md)"),
        }
    )
    assert build(project) == 0
    site = project / "site"
    home = (site / "index.html").read_text()
    help_page = (site / "get-help-now" / "index.html").read_text()

    notice = re.search(r'<aside class="iop-unreviewed" role="note"[^>]*>(.*?)</aside>', home, re.S)
    assert notice and UNREVIEWED_NOTICE in notice.group(1)
    # Near the top: inside the article, before the page's own title.
    article = home[home.index('<article class="md-content__inner') :]
    assert article.index('class="iop-unreviewed"') < article.index("<h1")
    assert 'href="about/#how-pages-are-checked"' in notice.group(1)
    assert "Clinical review: not yet" in home

    assert "iop-unreviewed" not in help_page
    assert UNREVIEWED_NOTICE not in help_page
    assert "Clinical review: Dana Reyes, MD" in help_page
    assert '<time datetime="2026-01-20">January 20, 2026</time>' in help_page


def test_the_footer_calls_reviewed_an_editorial_check(make_project) -> None:
    project = make_project()
    assert build(project) == 0
    home = (project / "site" / "index.html").read_text()
    assert "Editors last checked this page against its sources:" in home
    assert "Last reviewed" not in home
    # A site without an About page still shows the note, without a link that would break.
    assert UNREVIEWED_NOTICE in home
    assert "how-pages-are-checked" not in home


def test_every_page_of_the_real_site_shows_the_notice(tmp_path) -> None:
    """The shipped pages have not been read by a clinician, so each says so, whatever template
    renders it (the home page and the self-assessment included)."""
    out = tmp_path / "site"
    assert run_cli("build", "--config", str(REPO / "site-config.yml"), "--out", str(out)) == 0
    pages = sorted(out.rglob("index.html"))
    spanish = [path for path in pages if out / "es" in path.parents]
    english = [path for path in pages if path not in spanish]
    assert len(english) == len(list((REPO / "content").glob("*.md")))
    assert len(spanish) == len(list((REPO / "content" / "es").glob("*.md")))
    for path in english:
        html = path.read_text()
        assert html.count('class="iop-unreviewed"') == 1, path
        assert UNREVIEWED_NOTICE in html, path
    for path in spanish:
        # The clinical notice, in Spanish, and the notice that no translator has checked it.
        html = path.read_text()
        assert html.count('class="iop-unreviewed"') == 1, path
        assert html.count('class="iop-unreviewed iop-untranslated"') == 1, path
    assessment = (out / "self-assessment" / "index.html").read_text()
    assert "iop-unreviewed" in assessment


def test_the_content_partial_is_materials_own_plus_the_notice() -> None:
    """templates/partials/content.html shadows Material's: if Material changes its partial, this
    fails, and the copy must be brought up to date."""
    import material

    original = (Path(material.__file__).parent / "templates/partials/content.html").read_text()
    ours = (REPO / "templates/partials/content.html").read_text()
    strip_comment = re.compile(r"\A\{#-.*?-#\}\n", re.S)
    our_lines = strip_comment.sub("", ours).splitlines()
    assert '{% include "partials/clinical-review-notice.html" %}{# iop-guide #}' in our_lines
    kept = [line for line in our_lines if "iop-guide" not in line]
    assert kept == strip_comment.sub("", original).splitlines()


# ------------------------------------------------------------------ nothing claims a review


def test_no_shipped_page_claims_a_clinical_review() -> None:
    """No clinician has read these pages (issue 10). When one does, record it in the page's
    front matter and delete this test's entry for that page, with the review on file."""
    for path in sorted((REPO / "content").glob("*.md")):
        front, errors = parse_front_matter(path.read_text(encoding="utf-8"), path.name)
        assert not errors, path.name
        assert "clinical_review" not in front.meta, f"{path.name}: a review that did not happen"


OVERCLAIMS = re.compile(
    r"checked by (?:people|experts|trained|clinicians|doctors)|reviewed by (?:experts|"
    r"clinicians|doctors|trained)|expert review|medically reviewed|clinically reviewed|"
    r"every page is (?:checked|reviewed)|trained (?:people|reviewers)",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "path",
    [
        *sorted((REPO / "content").glob("*.md")),
        *sorted((REPO / "templates").rglob("*.html")),
        REPO / "README.md",
    ],
    ids=lambda p: p.relative_to(REPO).as_posix(),
)
def test_nothing_claims_a_review_that_did_not_happen(path: Path) -> None:
    assert OVERCLAIMS.findall(path.read_text(encoding="utf-8")) == []


def test_the_overclaim_pattern_catches_the_old_wording() -> None:
    old = "Our policy is that every page is checked by people with training in addiction care"
    assert OVERCLAIMS.findall(old) and not OVERCLAIMS.findall("No clinician has read it yet.")
