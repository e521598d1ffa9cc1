"""Phone numbers as editors type them, and the ``tel:`` links a reader's phone dials.

One reading serves both the check of ``site-config.yml`` and the link on the page, so a number
that passes the check is exactly the number that is dialled. Letters (``1-800-LAKESIDE``) are read
the way a phone keypad reads them, and the number must then have a dialable length: a vanity
number with extra letters would otherwise be published as a link to a different number.
An extension (``ext. 12``) is dialled after a pause (``,``), which phone apps support.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_KEYPAD = {
    letter: digit
    for digit, letters in {
        "2": "ABC",
        "3": "DEF",
        "4": "GHI",
        "5": "JKL",
        "6": "MNO",
        "7": "PQRS",
        "8": "TUV",
        "9": "WXYZ",
    }.items()
    for letter in letters
}

_EXTENSION = re.compile(
    r"\s*(?<![A-Za-z])(?:ext\.?|extension|x)\s*(?P<extension>[0-9]{1,6})\s*$", re.I
)
# Capital letters only: a word number is written in capitals (1-800-GET-HELP); lower-case words
# ("or text us") are a note that belongs elsewhere, not digits to dial.
_ALLOWED = re.compile(r"^\+?[0-9A-Z()\-. ]+$")

EXAMPLE = "(555) 010-0123, 1-800-662-4357, 988, or (555) 010-0123 ext. 12"


@dataclass(frozen=True)
class PhoneNumber:
    """A number's digits as dialled (``+15550100123``, or ``988``) and its extension."""

    dial: str
    extension: str = ""

    @property
    def href(self) -> str:
        return "tel:" + self.dial + (f",{self.extension}" if self.extension else "")


def parse_phone(text: str) -> tuple[PhoneNumber | None, str]:
    """The number, or None and a sentence saying what is wrong with it."""
    extension = ""
    match = _EXTENSION.search(text)
    main = text
    if match:
        extension = match["extension"]
        main = text[: match.start()]
    main = main.strip()
    if not _ALLOWED.match(main) or not any(ch.isdigit() for ch in main):
        return None, f"'{text}' does not look like a phone number"
    has_letters = any(ch.isalpha() for ch in main)
    digits = "".join(_KEYPAD.get(ch.upper(), ch) for ch in main if ch.isalnum())
    as_digits = f" (read on a phone keypad: {digits})" if has_letters else ""
    if main.startswith("+"):
        if 8 <= len(digits) <= 15:
            return PhoneNumber("+" + digits, extension), ""
        return (
            None,
            f"'{text}' has {len(digits)} digits{as_digits}; an international number has 8 to 15",
        )
    if len(digits) == 10:
        return PhoneNumber("+1" + digits, extension), ""
    if len(digits) == 11 and digits.startswith("1"):
        return PhoneNumber("+" + digits, extension), ""
    if 3 <= len(digits) <= 6 and not has_letters and not extension:
        return PhoneNumber(digits), ""  # 988, 911 and text-message short codes
    return None, (
        f"'{text}' has {len(digits)} digits{as_digits}; a US number has 10 (or 11 starting "
        "with 1), a short code 3 to 6"
    )


def phone_problem(text: str) -> tuple[str, str] | None:
    """For the site-config schema: the problem and its fix, or None for a good number."""
    number, problem = parse_phone(text)
    if number is not None:
        return None
    fix = f"write the number the way it is dialled, for example {EXAMPLE}"
    if any(ch.isalpha() for ch in _EXTENSION.sub("", text)):
        fix += (
            "; letters are read as on a phone keypad, so a word number must have exactly 10 "
            "digits after the 1 (write extra letters elsewhere, or drop them)"
        )
    return problem, fix


def phone_href(text: str) -> str:
    """The ``tel:`` link for a number (checked in site-config.yml, so it parses)."""
    return _href(str(text))


# Every page and the crisis strip on it link the same few numbers, thousands of times a build;
# the link depends only on the text, so each is worked out once per process.
@functools.lru_cache(maxsize=1024)
def _href(text: str) -> str:
    number, _ = parse_phone(text)
    if number is None:  # not from the checked config: keep its digits, as typed
        return "tel:" + re.sub(r"[^0-9+]", "", text)
    return number.href
