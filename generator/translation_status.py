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
