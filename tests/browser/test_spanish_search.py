"""Spanish readers search the Spanish edition with their own words: each query, typed in the
search box of a Spanish page, finds the Spanish page that answers it first, and no result ever
leads to an English page (the Spanish build has its own index, `es/search/search_index.json`).

Plurals and singulars are Spanish stemming's job (Material's lunr.es): a query in one form finds
a page that uses only the other form. An English word typed on a Spanish page (readers in the
United States mix "rehab" or "Narcan" into Spanish) still stays in Spanish.

The queries were picked from content/es/*.md (titles, headings, tags). A query that fails here
is fixed in the pages (text, headings or `tags:` in their front matter) or in the search set-up,
never by changing the query.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser_helpers import first_search_result
from tests.conftest import REPO

SPANISH = "es/"
CONTENT = REPO / "content" / "es"

# What a Spanish reader types, and the Spanish page that should answer it first.
QUERIES = {
    # Hours, money and insurance.
    "cuántas horas": "what-is-an-iop/",
    "seguro médico": "cost-and-insurance/",
    "copago": "cost-and-insurance/",
    "cuánto cuesta": "cost-and-insurance/",
    # Overdose and the drugs behind it.
    "naloxona": "overdose/",
    "sobredosis": "overdose/",
    "fentanilo": "overdose/",
    "pastillas falsas": "overdose/",
    # Teens, pregnancy, families.
    "adolescentes": "teens-and-young-adults/",
    "embarazo": "pregnancy-and-parenting/",
    "familia": "for-families/",
    "familias": "for-families/",
    # Medicines.
    "metadona": "medicines/",
    "buprenorfina": "medicines/",
    "medicamentos": "medicines/",
    "medicinas": "medicines/",
    # Rights at work and privacy.
    "derechos": "your-rights/",
    "confidencialidad": "your-rights/",
    "despido": "your-rights/",
    # Relapse and support after a program.
    "recaídas": "relapse-prevention-and-aftercare/",
    "grupos de apoyo": "relapse-prevention-and-aftercare/",
    # Levels of care.
    "hospitalización parcial": "levels-of-care/",
    "tratamiento residencial": "levels-of-care/",
    "abstinencia": "levels-of-care/",
    "desintoxicación": "levels-of-care/",
    # Help now.
    "ayuda ahora": "get-help-now/",
    "crisis": "get-help-now/",
    "línea de crisis": "get-help-now/",
    "suicidio": "get-help-now/",
    # Starting a program, therapies.
    "lista de espera": "starting-a-program/",
    "terapias": "therapies/",
}

# Stemming: query -> (the page, the other form of the word, which the page uses). The query's
# own form is nowhere in the Spanish pages (checked below), so the page is found only through the
# other form. A plural needs stemming (it is longer than the singular the page uses); a singular
# finds a plural through stemming or through the trailing wildcard Material adds to the query.
OTHER_FORM = {
    # plural query, singular in the page
    "embarazos": ("pregnancy-and-parenting/", "embarazo"),
    "escuelas": ("teens-and-young-adults/", "escuela"),
    "emergencias": ("get-help-now/", "emergencia"),
    # singular query, plural in the page
    "tarifa": ("cost-and-insurance/", "tarifas"),
    "ansia": ("relapse-prevention-and-aftercare/", "ansias"),
}

# English words typed on a Spanish page: the Spanish page that answers them, never an English one.
ENGLISH_WORDS = {
    "rehab": "levels-of-care/",
    "narcan": "overdose/",
    "telehealth": "starting-a-program/",
    "detox": "levels-of-care/",
}
# English words the Spanish pages may not contain at all: whatever comes back is Spanish.
ENGLISH_ONLY_WORDS = ["overdose", "insurance", "relapse", "teenager"]


def _page_words(path: str) -> list[str]:
    """The words of a Spanish page's Markdown (its front matter's tags included), lower case."""
    name = "index" if path == "" else path.strip("/")
    text = (CONTENT / f"{name}.md").read_text(encoding="utf-8").lower()
    return re.findall(r"[a-záéíóúüñ]+", text)


def _all_spanish_words() -> set[str]:
    words: set[str] = set()
    for file in CONTENT.glob("*.md"):
        words.update(re.findall(r"[a-záéíóúüñ]+", file.read_text(encoding="utf-8").lower()))
    return words


def _result_links(page) -> list[str]:
    return page.locator(".md-search-result__item a").evaluate_all(
        "links => links.map(link => link.href)"
    )


def _assert_all_spanish(page, site_url: str, query: str) -> list[str]:
    links = _result_links(page)
    english = [link for link in links if not link.startswith(site_url + SPANISH)]
    assert english == [], f"'{query}' on a Spanish page led to pages outside /es/: {english}"
    return links


def _first(page, query: str) -> str:
    """The first result for the whole query; a query that finds nothing fails as an assertion
    that says what the page showed, not as a bare timeout."""
    try:
        return first_search_result(page, query)
    except PlaywrightTimeout:
        meta = page.locator(".md-search-result__meta").inner_text()
        raise AssertionError(
            f"'{query}' found nothing for its last word on a Spanish page: {meta!r}, "
            f"results {_result_links(page)}"
        ) from None


def _assert_first(page, site_url: str, query: str, expected: str) -> None:
    href = _first(page, query)
    target = href.split("?")[0].split("#")[0].removeprefix(site_url)
    _assert_all_spanish(page, site_url, query)
    assert target == SPANISH + expected, f"'{query}' led first to {href}"


# ------------------------------------------------------------------ the queries are honest


def test_the_queries_are_many_and_every_target_is_a_spanish_page() -> None:
    assert len(QUERIES) >= 15
    for expected in [*QUERIES.values(), *ENGLISH_WORDS.values()]:
        assert (CONTENT / f"{expected.strip('/')}.md").is_file(), expected
    for query, (expected, _) in OTHER_FORM.items():
        assert (CONTENT / f"{expected.strip('/')}.md").is_file(), query


def test_stemming_queries_are_in_a_form_no_page_uses() -> None:
    """Otherwise the query would find its page by its own letters, and prove nothing."""
    everywhere = _all_spanish_words()
    for query, (page, other) in OTHER_FORM.items():
        assert query not in everywhere, f"'{query}' is in content/es: pick another word"
        assert other in _page_words(page), f"{page} does not use '{other}'"


# ------------------------------------------------------------------ in the browser


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_spanish_words_find_the_spanish_page_first(make_page, site_url, query: str) -> None:
    page = make_page(SPANISH)
    _assert_first(page, site_url, query, QUERIES[query])


# Known limit, kept visible: Material searches as the reader types, so the last word is a prefix
# query ("embarazos*"), which lunr does not stem; a plural finds nothing when the pages use only
# the singular. Turning lunr.es's stemmer on (pipeline: stemmer) made it worse: the stemmed index
# ("embaraz") no longer matched whole typed words either (tried 2026-11-29: most queries found
# nothing). A singular finds the plural through the prefix. See README, "Languages".
PLURAL_NOT_FOUND = pytest.mark.xfail(
    strict=True, reason="Material's prefix query is not stemmed: plural query, singular page"
)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(query, marks=PLURAL_NOT_FOUND)
        if query in ("embarazos", "escuelas", "emergencias")
        else query
        for query in sorted(OTHER_FORM)
    ],
)
def test_other_form_of_a_word_finds_the_page(make_page, site_url, query: str) -> None:
    page = make_page(SPANISH)
    _assert_first(page, site_url, query, OTHER_FORM[query][0])


@pytest.mark.parametrize(
    ("query", "expected"),
    [("medicamento", "medicines/"), ("recaída", "relapse-prevention-and-aftercare/"),
     ("derecho", "your-rights/"), ("embarazadas", "pregnancy-and-parenting/"),
     ("madres", "pregnancy-and-parenting/"), ("copagos", "cost-and-insurance/")],
)  # fmt: skip
def test_singular_and_plural_find_the_same_page(make_page, site_url, query, expected) -> None:
    """Pages with a word in one form (a title in the plural, a tag in the singular): the other
    form finds them too."""
    page = make_page(SPANISH)
    _assert_first(page, site_url, query, expected)


@pytest.mark.parametrize("query", sorted(ENGLISH_WORDS))
def test_english_word_on_a_spanish_page_finds_the_spanish_page(
    make_page, site_url, query: str
) -> None:
    page = make_page(SPANISH)
    _assert_first(page, site_url, query, ENGLISH_WORDS[query])


@pytest.mark.parametrize("query", ENGLISH_ONLY_WORDS)
def test_english_word_on_a_spanish_page_never_leads_to_english(
    make_page, site_url, query: str
) -> None:
    """The word is in the English pages (so an English index would answer it); on a Spanish page
    the answer, if any, is Spanish.

    A Spanish word is searched first, so the index is surely loaded; the English word is then put
    in the box at once and sent with one key press, so the only search the page runs next is for
    the whole word, and the list that replaces the first one (even an empty one) is its answer.
    """
    english = (REPO / "content").glob("*.md")
    assert any(query in f.read_text(encoding="utf-8").lower() for f in english), query
    page = make_page(SPANISH + "get-help-now/")
    _first(page, "crisis")
    page.fill("input.md-search__input", query)
    page.press("input.md-search__input", "End")
    page.wait_for_function(
        """() => ![...document.querySelectorAll('.md-search-result__item a')].some(link =>
            (new URL(link.href).searchParams.get('h') || '').split(' ').includes('crisis'))""",
        timeout=10_000,
    )
    _assert_all_spanish(page, site_url, query)
    assert page.evaluate("document.documentElement.lang") == "es"
