"""The per-page report of `iop-guide check`: length, reading grade, review status, sources.

Reading grade is Flesch–Kincaid on the page's rendered text, not its Markdown, so Jinja variables
are counted as the reader sees them. List items, headings and table cells end sentences: a
reader takes them one at a time, and without this a bulleted list would read as one huge sentence.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

WORDS_PER_MINUTE = 200
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "caption"}
_SKIP = {"pre", "code", "script", "style"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._skip_depth = 0
        self._in_permalink = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        if tag == "a" and ("class", "headerlink") in attrs:
            self._in_permalink = True
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self._skip_depth:
            self._skip_depth -= 1
        if tag == "a":
            self._in_permalink = False
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth and not self._in_permalink:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        self._current = []
        if text:
            self.blocks.append(text if text[-1] in ".!?:;" else text + ".")

    def text(self) -> str:
        self._flush()
        return " ".join(self.blocks)


def visible_text(html: str) -> str:
    """The prose a reader reads, one sentence end per block."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.text()


def reading_grade(text: str) -> float:
    import textstat  # imported late: it loads dictionaries that only `check` needs

    return float(textstat.flesch_kincaid_grade(text)) if text.strip() else 0.0


@dataclass
class PageRow:
    path: str
    title: str
    words: int
    minutes: int
    grade: float
    review: str
    overdue: bool
    sources: int


def page_report(record: Any, today: datetime.date) -> PageRow:
    """One row of the report for a built page (a ``PageRecord`` from the plugin)."""
    text = visible_text(record.html)
    words = len(text.split())
    next_review = record.meta.get("next_review")
    overdue = isinstance(next_review, datetime.date) and next_review < today
    if not isinstance(next_review, datetime.date):
        review = "no date"
    elif overdue:
        review = f"OVERDUE since {next_review}"
    else:
        review = f"due {next_review}"
    return PageRow(
        path=record.src_path,
        title=record.title,
        words=words,
        minutes=max(1, round(words / WORDS_PER_MINUTE)),
        grade=round(reading_grade(text), 1),
        review=review,
        overdue=overdue,
        sources=len(record.meta.get("sources") or []),
    )


def render_report(rows: list[PageRow], max_grade: float) -> tuple[str, list[str]]:
    """A plain-text table and the warnings an editor should act on."""
    headers = ("page", "words", "min", "grade", "review", "sources")
    table = [headers] + [
        (r.path, str(r.words), str(r.minutes), f"{r.grade:.1f}", r.review, str(r.sources))
        for r in sorted(rows, key=lambda r: r.path)
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    lines = [
        "  ".join(
            cell.ljust(widths[i]) if i in (0, 4) else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        )
        for row in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    warnings = []
    for r in sorted(rows, key=lambda r: r.path):
        if r.grade > max_grade:
            warnings.append(
                f"{r.path}: reading grade {r.grade:.1f} is above the limit of {max_grade:g}. "
                "Fix: shorter sentences and everyday words (limit: max_reading_grade in "
                "site-config.yml)."
            )
        if r.overdue:
            warnings.append(
                f"{r.path}: the review was due {r.review.split()[-1]}. Fix: have the page "
                "reviewed, then update reviewed and next_review in its front matter."
            )
    return "\n".join(lines), warnings
