"""Booklets laid out beside the build and kept between builds (generator.booklet_jobs).

A stored booklet must be reused only while nothing it shows has changed: these tests mark the
stored PDF, so a reused copy can be told from a fresh one without timing anything, then change a
page, the booklet stylesheet, and nothing at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf

from generator.booklet_jobs import BookletCache
from generator.plugin import BOOKLET_CACHE_DIR
from tests.conftest import build, page, write_files

BOOKLET = "downloads/iop-guide-en.pdf"


def _stored(project: Path) -> list[Path]:
    return sorted((project / BOOKLET_CACHE_DIR).glob("*.pdf"))


def _mark_stored_booklet(project: Path) -> bytes:
    """Change one byte inside the stored PDF (same length, so only its content tells), and
    return the marked bytes."""
    [stored] = _stored(project)
    data = bytearray(stored.read_bytes())
    position = data.index(b"%%EOF") - 2
    data[position] = ord("7") if data[position] != ord("7") else ord("8")
    stored.write_bytes(bytes(data))
    return bytes(data)


def test_an_unchanged_site_reuses_its_stored_booklet(make_project) -> None:
    project = make_project()
    assert build(project) == 0
    first = (project / "site" / BOOKLET).read_bytes()
    assert _stored(project) and _stored(project)[0].read_bytes() == first
    marked = _mark_stored_booklet(project)

    assert build(project) == 0
    assert (project / "site" / BOOKLET).read_bytes() == marked, "the stored booklet was not used"


def test_a_changed_page_lays_the_booklet_out_again_and_forgets_the_old_one(make_project) -> None:
    project = make_project()
    assert build(project) == 0
    marked = _mark_stored_booklet(project)
    [old_entry] = _stored(project)

    write_files(project, {"content/get-help-now.md": page("Get help now", "Call 911 now.")})
    assert build(project) == 0
    fresh = (project / "site" / BOOKLET).read_bytes()
    assert fresh != marked
    assert "Call 911 now." in " ".join(
        p.extract_text() for p in pypdf.PdfReader(project / "site" / BOOKLET).pages
    )
    assert old_entry not in _stored(project), "a booklet no build uses was kept"


def test_a_changed_booklet_stylesheet_lays_the_booklet_out_again(make_project) -> None:
    project = make_project()
    assert build(project) == 0
    marked = _mark_stored_booklet(project)

    stylesheet = project / "templates/assets/stylesheets/booklet.css"
    write_files(
        project,
        {
            stylesheet.relative_to(project).as_posix(): stylesheet.read_text()
            + "\nbody { letter-spacing: 0.01em; }\n"
        },
    )
    assert build(project) == 0
    assert (project / "site" / BOOKLET).read_bytes() != marked


def test_a_stored_booklet_with_missing_facts_is_not_used(tmp_path: Path) -> None:
    cache = BookletCache(tmp_path / "cache")
    site = tmp_path / "site"
    site.mkdir()
    key = cache.key("<p>booklet</p>")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / f"{key}.pdf").write_bytes(b"%PDF-1.7 half written")
    assert cache.load(key, site) is None
    (tmp_path / "cache" / f"{key}.json").write_text('{"pages": 1, "bytes": 3, "files": {}}')
    assert cache.load(key, site) is None, "a PDF whose size differs from its facts was used"


def test_each_language_s_pages_carry_their_own_booklet_s_facts(built_site: Path) -> None:
    for prefix, language, word in (("", "en", "pages"), ("es/", "es", "páginas")):
        pdf = built_site / prefix / f"downloads/iop-guide-{language}.pdf"
        count = len(pypdf.PdfReader(pdf).pages)
        size = round(pdf.stat().st_size / 1024)
        home = (built_site / prefix / "index.html").read_text(encoding="utf-8")
        facts = re.search(r"\(PDF, (\d+) (\w+), (\d+) KB\)", home)
        assert facts is not None, f"{prefix or 'root'} home page lacks the booklet's facts"
        assert (int(facts[1]), facts[2], int(facts[3])) == (count, word, size)
