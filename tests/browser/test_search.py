"""Readers search with their own words ("rehab", "detox", "cost"): the right page comes first."""

from __future__ import annotations

import pytest

from tests.browser_helpers import assert_first_result

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


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_first_search_result_is_the_right_page(search_page, site_url, query: str) -> None:
    assert_first_result(search_page, site_url, query, QUERIES[query])
