"""The per-page report of `iop-guide check`: length, reading grade, review status, sources.

Reading grade is Flesch–Kincaid on the page's rendered text, not its Markdown, so Jinja variables
are counted as the reader sees them. List items, headings and table cells end sentences: a
reader takes them one at a time, and without this a bulleted list would read as one huge sentence.
"""

from __future__ import annotations

import datetime
import re
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
    language: str = "en"
    # Fernández-Huerta reading ease, for Spanish pages (grade is then not used).
    ease: float | None = None
    translation: str = ""


def page_report(record: Any, today: datetime.date, default_language: str = "en") -> PageRow:
    """One row of the report for a built page (a ``PageRecord`` from the plugin). English is
    measured by Flesch-Kincaid grade, Spanish by Fernández-Huerta reading ease."""
    text = visible_text(record.html)
    language = getattr(record, "language", default_language)
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
        grade=round(reading_grade(text), 1) if language == "en" else 0.0,
        review=review,
        overdue=overdue,
        sources=len(record.meta.get("sources") or []),
        language=language,
        ease=round(reading_ease_es(text), 1) if language == "es" else None,
        translation=getattr(record, "translation", ""),
    )


def _level(row: PageRow) -> str:
    return f"ease {row.ease:.0f}" if row.ease is not None else f"grade {row.grade:.1f}"


def render_report(
    rows: list[PageRow], max_grade: float, min_ease: dict[str, float] | None = None
) -> tuple[str, list[str]]:
    """A plain-text table and the warnings an editor should act on. ``min_ease`` is each
    language's lowest Fernández-Huerta score (site-config.yml, extra.languages)."""
    min_ease = min_ease or {}
    headers = ("page", "words", "min", "reading", "review", "sources", "translation")
    table = [headers] + [
        (
            r.path,
            str(r.words),
            str(r.minutes),
            _level(r),
            r.review,
            str(r.sources),
            r.translation or "-",
        )
        for r in sorted(rows, key=lambda r: r.path)
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    lines = [
        "  ".join(
            cell.ljust(widths[i]) if i in (0, 3, 4, 6) else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        )
        for row in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    warnings = []
    for r in sorted(rows, key=lambda r: r.path):
        limit = min_ease.get(r.language)
        if r.ease is not None and limit is not None and r.ease < limit:
            warnings.append(
                f"{r.path}: reading ease (Fernández-Huerta) {r.ease:.0f} is below the limit of "
                f"{limit:g}. Fix: shorter sentences and everyday words (limit: min_reading_ease "
                "of the language in site-config.yml)."
            )
        if r.ease is None and r.grade > max_grade:
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


# ------------------------------------------------------------------ Spanish: Fernández-Huerta

_STRONG = set("aeoáéóíú")  # accented í and ú break a diphthong (hiatus), like a, e and o
_VOWELS = set("aeiouáéíóúü")
_WORD = re.compile(r"[a-záéíóúüñ]+", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)")


def spanish_syllables(word: str) -> int:
    """Syllables of a Spanish word, by its vowel nuclei: two strong vowels side by side are two
    syllables (hiatus: "po-e-ta", "rí-o"); a weak vowel (i, u, ü, unaccented) joins its
    neighbour (diphthong: "a-gua", "ciu-dad"). textstat counts hyphenation points instead, which
    undercounts hiatus ("agua" 1, "río" 1) and so scores Spanish about 6 points too easy."""
    word = word.lower()
    syllables = 0
    previous = ""
    for char in word:
        if char in _VOWELS:
            if not previous:
                syllables += 1
            elif previous in _STRONG and char in _STRONG:
                syllables += 1  # hiatus
            previous = char
        else:
            previous = ""
    # A final y after a vowel ("hoy", "muy") is a vowel sound but adds no syllable.
    return max(1, syllables)


def reading_ease_es(text: str) -> float:
    """Fernández-Huerta reading ease (higher is easier; 70 or more is "fairly easy", about
    grade 8): 206.84 - 0.60 x syllables per 100 words - 1.02 x words per sentence. (The 1959
    paper's F is often quoted as sentences per 100 words, which would make shorter sentences
    harder; textstat, like Flesch's formula it adapts, uses words per sentence.)"""
    words = _WORD.findall(text)
    if not words:
        return 100.0
    syllables = sum(spanish_syllables(word) for word in words)
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    return 206.84 - 0.60 * syllables * 100 / len(words) - 1.02 * len(words) / sentences
