"""Readers search with their own words ("rehab", "detox", "cost"): the right page comes first."""

from __future__ import annotations

import pytest

from tests.browser_helpers import first_search_result

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
    "teenager": "teens-and-young-adults/",
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
    href = first_search_result(search_page, query)
    target = href.split("?")[0].split("#")[0].removeprefix(site_url)
    assert target == QUERIES[query], f"'{query}' led first to {href}"
