"""Readers search with their own words ("rehab", "detox", "cost"): the right page comes first."""

from __future__ import annotations

import pytest

# The words people use, and the page that should answer them first.
QUERIES = {
    "rehab": "levels-of-care/",
    "day treatment": "levels-of-care/",
    "detox": "levels-of-care/",
    "partial hospitalization": "levels-of-care/",
    "how long": "what-is-an-iop/",
    "cost": "cost-and-insurance/",
    "insurance": "cost-and-insurance/",
    "family": "for-families/",
    "teenager": "for-families/",
    "relapse": "relapse-prevention-and-aftercare/",
    "medication": "what-is-an-iop/",
    "crisis": "get-help-now/",
    "12 step": "relapse-prevention-and-aftercare/",
    "support group": "relapse-prevention-and-aftercare/",
}


@pytest.fixture(scope="module")
def search_page(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url)
    yield page
    context.close()


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_first_search_result_is_the_right_page(search_page, site_url, query: str) -> None:
    page = search_page
    page.click("input.md-search__input")
    page.fill("input.md-search__input", "")
    page.keyboard.type(query)
    first = page.locator(".md-search-result__item").first
    first.wait_for(timeout=10_000)
    # Results update as each letter is typed, and the list of the previous query stays until
    # the new one is ready: wait until the list was found for the whole last word (Material
    # puts the words a section matched in its link's ?h= parameter).
    page.wait_for_function(
        """word => [...document.querySelectorAll('.md-search-result__item a')].some(link =>
            (new URL(link.href).searchParams.get('h') || '').split(' ').includes(word))""",
        arg=query.split()[-1],
        timeout=10_000,
    )
    href = first.locator("a").first.get_attribute("href")
    target = href.split("?")[0].split("#")[0].removeprefix(site_url)
    assert target == QUERIES[query], f"'{query}' led first to {href}"
