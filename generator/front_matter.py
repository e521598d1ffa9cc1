"""Page front matter: split it from the Markdown, parse it with line numbers, validate it.

MkDocs parses front matter too but silently drops a page's metadata when its YAML is broken; we
parse it ourselves first so an editor learns which line of which page to fix.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

import yaml

from generator.errors import SiteError
from generator.schema import Field, validate
from generator.yaml_loader import LoadedYaml, UnreadableFileError, load_yaml_text

# The same delimiters MkDocs accepts (mkdocs/utils/meta.py), so both parsers agree on the block.
_FRONT_MATTER_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)

_DATE = Field(datetime.date, example="2026-11-20")


def _https(value: str) -> tuple[str, str] | None:
    if not re.match(r"^https?://\S+$", value):
        return (f"'{value}' is not a web address", "give the full address, starting https://")
    return None


def _description(value: str) -> tuple[str, str] | None:
    if len(value) > 200:
        return (
            f"the description is {len(value)} characters long",
            "keep it under 160 characters: search engines cut longer ones",
        )
    return None


SOURCE = Field(
    dict,
    keys={
        "title": Field(str, doc="the document's title"),
        "publisher": Field(str, doc="who published it, e.g. SAMHSA"),
        "url": Field(str, check=_https, doc="its web address"),
        "accessed": Field(datetime.date, doc="when you read it", example="2026-11-20"),
    },
)


def _non_empty(value: list) -> tuple[str, str] | None:
    if not value:
        return ("a page needs at least one source", "list the sources its facts come from")
    return None


def _review_order(value: dict) -> tuple[str, ...] | None:
    reviewed, next_review = value.get("reviewed"), value.get("next_review")
    both_dates = isinstance(reviewed, datetime.date) and isinstance(next_review, datetime.date)
    if both_dates and next_review <= reviewed:
        return (
            f"next_review ({next_review}) is not after reviewed ({reviewed})",
            "set next_review to a later date, usually one year after reviewed",
            "next_review",
        )
    return None


def _named_review(key: str, who: str):
    """A review is a claim readers rely on: refuse the template's placeholder and dates that
    have not happened yet. ``key`` names the front matter key in messages."""

    def check(value: dict) -> tuple[str, ...] | None:
        by, date = value.get("by", ""), value.get("date")
        if not by.strip() or by.strip().lower() == "name, credentials":
            return (
                f"{key}.by is {by!r}, not a person",
                f'give the {who}\'s name and credentials, e.g. by: "Dana Reyes, MD"',
                "by",
            )
        if isinstance(date, datetime.date) and date > datetime.date.today():
            return (
                f"{key}.date ({date}) is in the future",
                f"give the date the {who} finished reading the page; a review cannot be planned "
                "here (use next_review for that)",
                "date",
            )
        return None

    return check


_clinical_review = _named_review("clinical_review", "clinician")


CLINICAL_REVIEW = Field(
    dict,
    required=False,
    check=_clinical_review,
    doc="a clinician's check of the page: who, and when",
    example='{by: "Name, credentials", date: 2026-11-20}',
    keys={
        "by": Field(str, doc="the clinician's name and credentials", example='"Dana Reyes, MD"'),
        "date": Field(datetime.date, doc="when they finished reading it", example="2026-11-20"),
    },
)


def _source_hash(value: str) -> tuple[str, str] | None:
    if not re.fullmatch(r"[0-9a-f]{12}", value):
        return (
            f"'{value}' is not a page hash",
            "give the 12 letters and digits that `python -m generator.translation_status "
            "content/<the English page>.md` prints",
        )
    return None


# On a page in another language: which version of its English page it translates.
TRANSLATION = Field(
    dict,
    required=False,
    doc="which version of the English page this page translates",
    example="{source_hash: 68bf45e14bca, translated: 2026-11-29}",
    keys={
        "source_hash": Field(
            str,
            check=_source_hash,
            doc="the English page's hash when it was translated",
            example="68bf45e14bca",
        ),
        "translated": Field(datetime.date, doc="when it was translated", example="2026-11-29"),
    },
)

# A qualified medical translator's check; until a page names one, it says it has not had one.
TRANSLATION_REVIEW = Field(
    dict,
    required=False,
    check=_named_review("translation_review", "translator"),
    doc="a qualified medical translator's check of the page: who, and when",
    example='{by: "Name, credentials", date: 2026-11-20}',
    keys={
        "by": Field(str, doc="the translator's name and credentials", example='"Ana Ruiz, CMI"'),
        "date": Field(datetime.date, doc="when they finished checking it", example="2026-11-20"),
    },
)


FRONT_MATTER = Field(
    dict,
    check=_review_order,
    keys={
        "title": Field(str, doc="the page title", example="For families and friends"),
        "description": Field(str, check=_description, doc="one sentence for search results"),
        "reviewed": Field(
            datetime.date, doc="date of the last editorial check", example="2026-11-20"
        ),
        "next_review": Field(
            datetime.date, doc="date the next review is due", example="2027-11-20"
        ),
        "sources": Field(list, items=SOURCE, check=_non_empty, doc="where the facts come from"),
        "reviewed_by": Field(str, required=False, doc="who did the editorial check"),
        # Absent on a page no clinician has read: the page then says so near its top, and
        # `--release` refuses to publish it (generator.review_status).
        "clinical_review": CLINICAL_REVIEW,
        "translation": TRANSLATION,
        "translation_review": TRANSLATION_REVIEW,
        "template": Field(str, required=False, doc="a page template in templates/"),
        "hide": Field(list, required=False, items=Field(str), doc="Material: parts to hide"),
        "search": Field(dict, required=False, open=True, keys={}, doc="Material: search boost"),
        # Material's search plugin indexes page tags with a high boost: the words readers type
        # (brand and street names, everyday phrases) that the page itself may not use.
        "tags": Field(
            list,
            required=False,
            items=Field(str),
            doc="words readers search for that should find this page first",
            example="[Suboxone, Narcan]",
        ),
    },
)


@dataclass
class FrontMatter:
    """A page's metadata and where its Markdown body starts in the file."""

    meta: dict[str, Any]
    body: str
    body_first_line: int
    # The YAML between the two "---" lines, which ``meta`` was parsed from.
    yaml_text: str


def parse_front_matter(text: str, path: str) -> tuple[FrontMatter | None, list[SiteError]]:
    """Split and validate; return the parts and every problem (not raising, to collect)."""
    match = _FRONT_MATTER_RE.match(text)
    if match is None:
        error = SiteError(
            path,
            "the page has no front matter",
            "start the file with a block between two '---' lines holding title, description, "
            'reviewed, next_review and sources (run `iop-guide new "Title"` for a template)',
            line=1,
        )
        return None, [error]
    body_first_line = text[: match.end()].count("\n") + 1
    try:
        loaded = load_yaml_text(match.group(1), path, line_offset=1)
    except UnreadableFileError as exc:
        return None, [exc.error]
    if loaded.data is None:
        loaded = LoadedYaml(data={}, path=path, lines={(): 1}, line_offset=0)
    errors = validate(loaded, FRONT_MATTER)
    if errors:
        return None, errors
    return FrontMatter(
        meta=loaded.data,
        body=text[match.end() :],
        body_first_line=body_first_line,
        yaml_text=match.group(1),
    ), []


def normalise_text(text: str) -> str:
    """Text as the parsers expect it: a byte-order mark dropped, Windows (CRLF) and old Mac (CR)
    line endings made plain newlines. Editors on Windows, or git with ``autocrlf``, save both."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# The text `iop-guide new` writes for the editor to replace; one source for both the scaffold
# and the check that none of it is published.
PLACEHOLDER_DESCRIPTION = "One plain sentence about this page, under 160 characters."
PLACEHOLDER_SOURCE_TITLE = "Title of the document the facts come from"
PLACEHOLDER_PUBLISHER = "Who published it, for example SAMHSA"
PLACEHOLDER_BODY = "Write the page here, in plain words."
PLACEHOLDERS = (
    PLACEHOLDER_DESCRIPTION,
    PLACEHOLDER_SOURCE_TITLE,
    PLACEHOLDER_PUBLISHER,
    PLACEHOLDER_BODY,
)


def find_placeholders(text: str, path: str) -> list[SiteError]:
    """Each line that still holds text `iop-guide new` wrote for the editor to replace."""
    problems: list[SiteError] = []
    if not any(placeholder in text for placeholder in PLACEHOLDERS):
        return problems  # most pages: one search of the whole text, not one per line
    for number, line in enumerate(text.splitlines(), start=1):
        for placeholder in PLACEHOLDERS:
            if placeholder in line:
                problems.append(
                    SiteError(
                        path,
                        "placeholder text from `iop-guide new` is still here",
                        "replace it with the real text",
                        line=number,
                        source_line=line,
                    )
                )
                break
    return problems


def nav_line(title: str, file_name: str) -> str:
    """The ``nav:`` entry for a new page, quoted when the title would not be plain YAML (a
    colon, a leading dash or quote...), so the line the editor pastes is valid."""
    plain = f"- {title}: {file_name}"
    try:
        if yaml.safe_load(plain) == [{title: file_name}]:
            return plain
    except yaml.YAMLError:
        pass
    escaped = title.replace("\\", "\\\\").replace('"', '\\"')
    return f'- "{escaped}": {file_name}'


def scaffold_front_matter(title: str, today: datetime.date) -> str:
    """Front matter for a new page that passes validation once its placeholders are filled."""
    next_year = (
        today.replace(year=today.year + 1)
        if not (today.month == 2 and today.day == 29)
        else (today + datetime.timedelta(days=365))
    )
    safe_title = title.replace('"', '\\"')
    return (
        "---\n"
        f'title: "{safe_title}"\n'
        f"description: {PLACEHOLDER_DESCRIPTION}\n"
        f"reviewed: {today.isoformat()}\n"
        f"next_review: {next_year.isoformat()}\n"
        "sources:\n"
        f"  - title: {PLACEHOLDER_SOURCE_TITLE}\n"
        f"    publisher: {PLACEHOLDER_PUBLISHER}\n"
        "    url: https://www.samhsa.gov/\n"
        f"    accessed: {today.isoformat()}\n"
        "---\n"
        f"# {title}\n\n"
        f"{PLACEHOLDER_BODY} End with something the reader can do next,\n"
        "and a link to [Get help now](get-help-now.md).\n"
    )
