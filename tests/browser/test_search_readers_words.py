"""Readers search with the words they use, not the words of a clinic: brand and street names of
medicines and drugs, and everyday phrases about work, privacy, pregnancy, teens, overdose and
the parts of a program. The page that answers them must come first in Material's search.

The pages get there through their own text and headings and through `tags:` in their front
matter, which Material's search indexes with a high boost. A query that fails here is fixed in
the pages, never by changing the query.
"""

from __future__ import annotations

import pytest

from tests.browser_helpers import assert_first_result

# What a reader types, and the page that should answer it first: the six pages of the second
# edition ...
NEW_PAGES = {
    # Medicines, by brand and street name, and the question readers ask about counseling.
    "suboxone": "medicines/",
    "subs": "medicines/",
    "bupe": "medicines/",
    "sublocade": "medicines/",
    "vivitrol": "medicines/",
    "antabuse": "medicines/",
    "acamprosate": "medicines/",
    "methadone clinic": "medicines/",
    "do i need counseling first": "medicines/",
    # Overdose, and the drugs behind it.
    "narcan": "overdose/",
    "overdose": "overdose/",
    "fent": "overdose/",
    "percs": "overdose/",
    "fake pills": "overdose/",
    "fentanyl test strips": "overdose/",
    "xylazine": "overdose/",
    "tranq": "overdose/",
    "sleep it off": "overdose/",
    "poison control": "overdose/",
    "good samaritan": "overdose/",
    # Pregnancy and parenting.
    "pregnant": "pregnancy-and-parenting/",
    "breastfeeding": "pregnancy-and-parenting/",
    "cps": "pregnancy-and-parenting/",
    "child care": "pregnancy-and-parenting/",
    # Teens and young adults ("teenager" is in test_search.py).
    "my teen": "teens-and-young-adults/",
    "my son": "teens-and-young-adults/",
    "school": "teens-and-young-adults/",
    "lock up pills": "teens-and-young-adults/",
    # Work, privacy and the other rights.
    "will my boss find out": "your-rights/",
    "fmla": "your-rights/",
    "time off work": "your-rights/",
    "is it private": "your-rights/",
    "confidentiality": "your-rights/",
    "hipaa": "your-rights/",
    "court ordered": "your-rights/",
    "good faith estimate": "your-rights/",
    "insurance denied": "your-rights/",
    # Starting a program.
    "intake": "starting-a-program/",
    "waitlist": "starting-a-program/",
    "what to bring": "starting-a-program/",
    "first appointment": "starting-a-program/",
    "virtual iop": "starting-a-program/",
}

# ... and the parts of a program that earlier pages answer, which the new pages must not take.
EXISTING_PAGES = {
    "can i keep working": "what-is-an-iop/",
    "cbt": "therapies/",
    "dbt": "therapies/",
    "aftercare": "relapse-prevention-and-aftercare/",
    "sober living": "relapse-prevention-and-aftercare/",
    "sliding scale": "cost-and-insurance/",
    "prior authorization": "cost-and-insurance/",
    "medicaid": "cost-and-insurance/",
    "residential": "levels-of-care/",
}

QUERIES = {**NEW_PAGES, **EXISTING_PAGES}


def test_the_queries_cover_the_new_pages() -> None:
    """At least 30 queries, at least half of them about the six new pages, each page tested."""
    assert len(QUERIES) >= 30
    assert len(NEW_PAGES) >= len(QUERIES) / 2
    assert {target for target in NEW_PAGES.values()} == {
        "medicines/",
        "overdose/",
        "pregnancy-and-parenting/",
        "teens-and-young-adults/",
        "your-rights/",
        "starting-a-program/",
    }


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_readers_words_find_the_right_page_first(search_page, site_url, query: str) -> None:
    assert_first_result(search_page, site_url, query, QUERIES[query])
