"""The schema of ``site-config.yml`` and its loading: the one file an organisation edits.

The file is a MkDocs configuration too. MkDocs checks its own options; this module checks what
editors change (``extra``, the plugin's options) strictly, and the top-level keys against the
MkDocs options this project supports, so a typo anywhere is an error with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import SiteError, display_path
from generator.phone_numbers import phone_problem
from generator.schema import Field, validate
from generator.yaml_loader import LoadedYaml, UnreadableFileError, load_yaml_text, read_text_file

PLUGIN_NAME = "iop-guide"


def _phone(value: str) -> tuple[str, str] | None:
    # The same reading as the page's tel: link (generator.phone_numbers): what passes is dialled.
    return phone_problem(value)


def _url(value: str) -> tuple[str, str] | None:
    if not re.match(r"^https?://[^\s/]+", value):
        return (f"'{value}' is not a web address", "start it with https://")
    return None


def _email(value: str) -> tuple[str, str] | None:
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
        return (f"'{value}' is not an email address", "write it like intake@example.org")
    return None


def _positive(value: float) -> tuple[str, str] | None:
    if value <= 0:
        return (f"{value} must be more than 0", "write a positive number")
    return None


TEXT = Field(str)
PHONE = Field(str, check=_phone, example='"(555) 010-0123"')
URL = Field(str, check=_url, example="https://example.org/")
COUNT = Field((int, float), check=_positive, example="3")

ORGANISATION = Field(
    dict,
    doc="who runs this copy of the site",
    keys={
        "name": Field(str, doc="the organisation's name", example="Riverside Recovery Services"),
        "phone": Field(str, doc="intake phone number", check=_phone, example='"(555) 010-0123"'),
        "email": Field(str, doc="intake email", check=_email, example="intake@example.org"),
        "address": Field(str, doc="street address", example="100 River Street, Springfield"),
        "website": Field(str, doc="the organisation's own website", check=_url),
        "office_hours": Field(str, required=False, doc="when the phone is answered"),
    },
)


def _weeks_order(value: dict) -> tuple[str, ...] | None:
    low, high = value.get("typical_weeks_min"), value.get("typical_weeks_max")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        return (
            f"typical_weeks_min ({low}) is more than typical_weeks_max ({high})",
            "swap the two numbers",
            "typical_weeks_min",
        )
    return None


PROGRAM = Field(
    dict,
    check=_weeks_order,
    doc="facts about your own intensive outpatient program",
    keys={
        "name": Field(str, doc="the program's name"),
        "days_per_week": Field(int, doc="days of treatment a week", check=_positive, example="3"),
        "hours_per_day": Field(
            (int, float), doc="hours of treatment a day", check=_positive, example="3"
        ),
        "typical_weeks_min": Field(int, doc="shortest typical stay in weeks", check=_positive),
        "typical_weeks_max": Field(int, doc="longest typical stay in weeks", check=_positive),
        "morning_option": Field(bool, doc="whether morning groups are offered"),
        "morning_times": Field(str, required=False, doc="morning session times"),
        "evening_option": Field(bool, doc="whether evening groups are offered"),
        "evening_times": Field(str, required=False, doc="evening session times"),
        "languages": Field(list, items=TEXT, doc="languages sessions are held in"),
        "insurance_accepted": Field(list, items=TEXT, doc="insurance the program takes"),
        "sliding_scale": Field(bool, doc="whether fees can be based on income"),
        "telehealth": Field(bool, doc="whether sessions can be joined by video"),
    },
)

CRISIS_LINE = {
    "name": Field(str, doc="the service's name"),
    "call": Field(str, check=_phone, doc="number to call", example='"988"'),
    "text": Field(str, required=False, check=_phone, doc="number to text"),
    "tty": Field(str, required=False, check=_phone, doc="number for TTY users"),
    "url": Field(str, required=False, check=_url, doc="the service's website"),
    "hours": Field(str, required=False, doc="when it answers"),
    "text_what": Field(
        str, required=False, doc="what to send in the text, e.g. 'your ZIP code' or 'START'"
    ),
    "options": Field(
        list,
        required=False,
        doc="menu options once the call connects",
        items=Field(
            dict,
            keys={
                "press": Field(int, doc="the key to press", example="2"),
                "for": Field(str, doc="what that key reaches", example="help in Spanish"),
            },
        ),
    ),
}

CRISIS = Field(
    dict,
    doc="crisis lines shown on every page",
    keys={
        "lifeline": Field(dict, keys=CRISIS_LINE, doc="the 988 Suicide & Crisis Lifeline"),
        "helpline": Field(dict, keys=CRISIS_LINE, doc="SAMHSA's National Helpline"),
        "emergency": Field(dict, keys=CRISIS_LINE, doc="emergency services (911)"),
        "poison": Field(dict, keys=CRISIS_LINE, doc="Poison Control (overdose questions)"),
        "violence": Field(dict, keys=CRISIS_LINE, doc="the National Domestic Violence Hotline"),
    },
)


def _language_code(value: str) -> tuple[str, str] | None:
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Z]{2})?", value):
        return (f"'{value}' is not a language code", "use a code such as en, es or pt-BR")
    return None


LANGUAGE = Field(
    dict,
    doc="one language of the site",
    keys={
        "code": Field(str, check=_language_code, doc="the language's code", example="es"),
        "name": Field(str, doc="its name, in itself, for the language switcher", example="Español"),
        "site_name": Field(str, required=False, doc="the site's title in this language"),
        "site_description": Field(str, required=False, doc="the site's description"),
        "copyright": Field(str, required=False, doc="the footer's notice"),
        "min_reading_ease": Field(
            (int, float),
            required=False,
            doc="Fernández-Huerta score below which `iop-guide check` warns (Spanish)",
            example="70",
        ),
        "nav_titles": Field(
            dict,
            required=False,
            keys={},
            open=True,
            doc="each navigation title of the default language, translated",
            example='{"Home": "Inicio"}',
        ),
        "words": Field(
            dict,
            required=False,
            keys={},
            open=True,
            doc="the words of `extra` (names, hours, office hours...) in this language",
        ),
    },
)

_PRIVACY = (
    "remove it: this site must send nothing about its readers to anyone "
    "(no analytics, cookies or outside services)"
)

EXTRA = Field(
    dict,
    doc="the organisation's details",
    keys={
        "organisation": ORGANISATION,
        "program": PROGRAM,
        "crisis": CRISIS,
        "generator": Field(bool, required=False, doc="show 'Made with Material for MkDocs'"),
        "default_language": Field(
            str, required=False, doc="the language served at the site's root", example="en"
        ),
        "languages": Field(
            list, required=False, items=LANGUAGE, doc="the languages the site is built in"
        ),
        "short_title": Field(
            str,
            required=False,
            doc="the site's title on phones, where the full name would be cut off",
            example='"IOP guide"',
        ),
    },
    forbidden={"analytics": _PRIVACY, "consent": _PRIVACY, "social": _PRIVACY},
)


def _no_font(value: dict) -> tuple[str, str] | None:
    if value.get("font", False) is not False:
        return (
            "theme.font loads fonts from Google's servers, which tells Google who reads the site",
            "set `font: false` (or remove it); to use a font, ship its files in templates/",
        )
    if value.get("name") != "material":
        return ("this site needs the Material theme", "set `name: material` under `theme`")
    return None


PLUGIN_OPTIONS = Field(
    dict,
    doc="options of the iop-guide plugin",
    keys={
        "enabled": Field(bool, required=False, doc="turn the plugin off (for debugging only)"),
        "max_reading_grade": Field(
            (int, float),
            required=False,
            check=_positive,
            doc="reading grade above which `iop-guide check` warns",
        ),
        "data_dir": Field(str, required=False, doc="folder of data files inside docs_dir"),
        "booklet": Field(
            bool,
            required=False,
            doc="write the printable PDF booklet (downloads/iop-guide-{language}.pdf)",
        ),
    },
)

# Plugin option defaults live beside their schema so the MkDocs adapter reads both from here.
PLUGIN_DEFAULTS: dict[str, Any] = {"enabled": True, "max_reading_grade": 8.0, "data_dir": "data"}
PLUGIN_DEFAULTS["booklet"] = True


def _plugins_check(value: list) -> tuple[str, str] | None:
    names = [next(iter(item)) if isinstance(item, dict) else item for item in value]
    if "search" not in names:
        return ("the search plugin is missing", "add `- search` under `plugins`")
    if PLUGIN_NAME not in names:
        return (f"the {PLUGIN_NAME} plugin is missing", f"add `- {PLUGIN_NAME}` under `plugins`")
    return None


_OPEN = Field((dict, list, str, bool, int, float), required=False, open=True)

SITE_CONFIG = Field(
    dict,
    keys={
        "site_name": Field(str, doc="the site's title"),
        "site_description": Field(str, required=False, doc="default page description"),
        "site_url": Field(str, check=_url, doc="where the site will be published"),
        "site_author": Field(str, required=False),
        "copyright": Field(str, required=False),
        "docs_dir": Field(str, required=False),
        "site_dir": Field(str, required=False),
        "theme": Field(dict, keys={}, open=True, check=_no_font, doc="the Material theme"),
        "plugins": Field(list, check=_plugins_check, doc="search and iop-guide"),
        "nav": Field(list, doc="the navigation, in order"),
        "extra": EXTRA,
        "markdown_extensions": _OPEN,
        "extra_css": Field(list, required=False, items=TEXT),
        "extra_javascript": Field(list, required=False, items=TEXT),
        "extra_templates": Field(list, required=False, items=TEXT),
        "validation": _OPEN,
        "strict": Field(bool, required=False),
        "use_directory_urls": Field(bool, required=False),
        "exclude_docs": Field(str, required=False),
        "not_in_nav": Field(str, required=False),
        "draft_docs": Field(str, required=False),
        "watch": Field(list, required=False, items=TEXT),
        "dev_addr": Field(str, required=False),
    },
    forbidden={
        "repo_url": "remove it: Material then calls api.github.com from every reader's browser",
        "repo_name": "remove it together with repo_url (see privacy in README.md)",
        "google_analytics": _PRIVACY,
    },
)


@dataclass
class SiteConfig:
    """The parsed file, kept with its line map for later checks."""

    loaded: LoadedYaml
    folder: Path

    @property
    def extra(self) -> dict[str, Any]:
        return self.loaded.data.get("extra", {})

    def plugin_options(self) -> dict[str, Any]:
        for item in self.loaded.data.get("plugins", []):
            if isinstance(item, dict) and PLUGIN_NAME in item:
                return {**PLUGIN_DEFAULTS, **(item[PLUGIN_NAME] or {})}
        return dict(PLUGIN_DEFAULTS)


def _plugin_entry_errors(loaded: LoadedYaml) -> list[SiteError]:
    errors: list[SiteError] = []
    for index, item in enumerate(loaded.data.get("plugins") or []):
        if isinstance(item, dict) and PLUGIN_NAME in item and item[PLUGIN_NAME] is not None:
            errors.extend(validate(loaded, PLUGIN_OPTIONS, ("plugins", index, PLUGIN_NAME)))
    return errors


def load_site_config(config_path: str | Path) -> SiteConfig:
    """Parse and validate ``site-config.yml``; raise ``SiteErrors`` with every problem found."""
    from generator.errors import SiteErrors

    config_path = Path(config_path)
    shown = display_path(config_path, Path.cwd())
    if not config_path.is_file():
        raise SiteErrors(
            [
                SiteError(
                    shown,
                    "the configuration file does not exist",
                    "run the command from the project folder, or pass --config PATH",
                )
            ]
        )
    try:
        loaded = load_yaml_text(read_text_file(str(config_path), shown), shown)
    except UnreadableFileError as exc:
        raise SiteErrors([exc.error]) from None
    if not isinstance(loaded.data, dict):
        raise SiteErrors(
            [
                SiteError(
                    shown,
                    "the file is empty or not a mapping of keys",
                    "start from the site-config.yml in the project's repository",
                )
            ]
        )
    errors = validate(loaded, SITE_CONFIG) + _plugin_entry_errors(loaded)
    if not errors:
        from generator.languages import language_errors

        errors = language_errors(loaded)
    if errors:
        raise SiteErrors(errors)
    return SiteConfig(loaded=loaded, folder=config_path.resolve().parent)
