"""Which English version a translated page translates, and whether the English page has changed.

A translated page records, in ``translation.source_hash``, a short hash of its English page's
Markdown body as it stood when the translation was made or brought up to date. `iop-guide check`
hashes the English page again and warns when the two differ, so no translation silently falls
behind the page it claims to translate.

Run ``python -m generator.translation_status content/some-page.md`` to print a page's hash.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

HASH_LENGTH = 12


def body_of(text: str) -> str:
    """The Markdown after the front matter, with line endings and trailing space made plain, so
    a change of editor or of the front matter alone (a review date) does not count as a change."""
    from generator.front_matter import _FRONT_MATTER_RE, normalise_text

    text = normalise_text(text)
    match = _FRONT_MATTER_RE.match(text)
    body = text[match.end() :] if match else text
    return "\n".join(line.rstrip() for line in body.strip().splitlines())


def source_hash(text: str) -> str:
    """The hash a translation records: the first 12 hex digits of SHA-256 of the body."""
    return hashlib.sha256(body_of(text).encode("utf-8")).hexdigest()[:HASH_LENGTH]


def main(argv: list[str]) -> int:
    for name in argv:
        print(f"{source_hash(Path(name).read_text(encoding='utf-8-sig'))}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def translation_problems(
    meta: dict,
    text: str,
    shown: str,
    english_path: Path,
    project_root: Path,
    language_name: str,
) -> tuple[list, list, str]:
    """Errors (the page cannot say what it translates), release problems (it lags behind its
    English page, or no qualified medical translator has checked it) and the status in a few
    words for `iop-guide check`'s table, of one translated page. The English page is read and
    hashed once, here, for all three."""
    from generator.errors import SiteError, display_path
    from generator.front_matter import _FRONT_MATTER_RE

    english_shown = display_path(english_path, project_root)
    front_matter_end = _FRONT_MATTER_RE.match(text)
    last_line = text[: front_matter_end.end()].count("\n") if front_matter_end else 1
    if not english_path.is_file():
        return (
            [
                SiteError(
                    shown,
                    f"there is no English page {english_shown} for this page to translate",
                    "give the page the file name of the English page it translates, or remove it",
                    line=1,
                )
            ],
            [],
            "unknown",
        )
    current = source_hash(english_path.read_text(encoding="utf-8-sig"))
    status = meta.get("translation")
    if status is None:
        return (
            [
                SiteError(
                    shown,
                    f"the page does not say which version of {english_shown} it translates",
                    f"add to its front matter: `translation: {{source_hash: {current}, translated: "
                    "YYYY-MM-DD}` (the hash of the English page as it is now)",
                    line=last_line,
                    key="translation",
                )
            ],
            [],
            "unknown",
        )
    problems = []
    stale = status.get("source_hash") != current
    if stale:
        problems.append(
            SiteError(
                shown,
                f"{english_shown} has changed since this page was translated "
                f"(hash {status.get('source_hash')}, now {current})",
                f"bring the {language_name} text up to date with the English page, then set "
                f"translation.source_hash to {current}",
                line=_line_of(text, "source_hash:"),
                key="translation.source_hash",
            )
        )
    if "translation_review" not in meta:
        problems.append(
            SiteError(
                shown,
                "no qualified medical translator has checked this page",
                'once one has, add `translation_review: {by: "Name, credentials", date: '
                "YYYY-MM-DD}` to its front matter",
                line=last_line,
                key="translation_review",
            )
        )
    summary = ("OUT OF DATE" if stale else "up to date") + (
        ", checked" if meta.get("translation_review") else ", not checked"
    )
    return [], problems, summary


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None
