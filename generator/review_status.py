"""Review status of a page: what must be true before it may be published as a release.

A page can be sourced and carefully edited without any clinician having read it; readers cannot
tell the two apart unless the site says so. Every page therefore carries its own status: the
editorial check (`reviewed`, `next_review`) and, once it has happened, a clinical review
(`clinical_review`). Pages without a clinical review, or whose next check is past, may stand in
a preview (a warning) but not in a release (`--release` makes them errors; see generator.cli).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from generator.errors import SiteError


def _line_of_key(text: str, key: str) -> int | None:
    """The line of a top-level front-matter key; the parsed metadata no longer knows it."""
    match = re.search(rf"^{re.escape(key)}[ \t]*:", text, re.MULTILINE)
    return None if match is None else text.count("\n", 0, match.start()) + 1


def _source_line(text: str, line: int | None) -> str:
    if line is None:
        return ""
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def review_release_problems(
    meta: dict[str, Any], text: str, path: str, today: datetime.date
) -> list[SiteError]:
    """Why this page may not be published as a release yet (empty when it may)."""
    problems: list[SiteError] = []
    if not meta.get("clinical_review"):
        line = _line_of_key(text, "reviewed")
        problems.append(
            SiteError(
                path,
                "no clinician has reviewed this page yet (it has no clinical_review)",
                "once a clinician has read the page, add to its front matter: "
                'clinical_review: {by: "Name, credentials", date: YYYY-MM-DD}',
                line=line,
                key="clinical_review",
                source_line=_source_line(text, line),
            )
        )
    next_review = meta.get("next_review")
    if isinstance(next_review, datetime.date) and next_review < today:
        line = _line_of_key(text, "next_review")
        problems.append(
            SiteError(
                path,
                f"its next review was due on {next_review}",
                "check the page against its sources, then set reviewed to that day and "
                "next_review to a later date",
                line=line,
                key="next_review",
                source_line=_source_line(text, line),
            )
        )
    return problems
