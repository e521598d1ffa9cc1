"""Projects for the benchmarks: synthetic iop-guide sites of any size, and a bare twin of any site.

A synthetic page uses what the real pages use: validated front matter with sources, Jinja
variables from ``site-config.yml`` (with arithmetic, a filter, a loop and a condition), the
data-driven table partial over ``data/levels.yml``, glossary terms that become tooltips, an
admonition, lists, and links with anchors to other pages (so link validation has work to do).

The bare twin is what a user would otherwise pick: plain MkDocs with Material, the same theme
features, ``font: false`` and Markdown extensions the plugin sets, and the same navigation, fed
the Markdown our Jinja step produces (rendered once, here, with the plugin's own functions). It
has no plugin of ours and no template overrides, so ours / bare is the cost of everything
iop-guide adds: validation, Jinja, glossary, crisis strip, review footer, metadata.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from generator.data_files import load_data_files
from generator.errors import display_path
from generator.front_matter import parse_front_matter
from generator.glossary import abbreviation_definitions
from generator.page_rendering import make_page_environment, page_context, render_page_markdown
from generator.plugin import DEFAULT_FEATURES, DEFAULT_MARKDOWN_EXTENSIONS
from generator.site_config import PLUGIN_DEFAULTS

REPO = Path(__file__).resolve().parent.parent
PAGES_PER_SUBSECTION = 10
SUBSECTIONS_PER_SECTION = 10

LEVELS_YML = """\
columns:
  - {key: name, heading: Level of care}
  - {key: hours, heading: Treatment time each week}
  - {key: setting, heading: Where you sleep}
  - {key: length, heading: Usual length}
levels:
  outpatient:
    name: Outpatient
    hours: Fewer than 9 hours
    setting: At home
    length: Months, as needed
  iop:
    name: Intensive outpatient (IOP)
    hours: 9 to 19 hours
    setting: At home
    length: 8 to 12 weeks
  php:
    name: Partial hospitalization (PHP)
    hours: 20 hours or more
    setting: At home
    length: 2 to 4 weeks
  residential:
    name: Residential
    hours: Around the clock
    setting: At the treatment center
    length: 2 to 8 weeks
  inpatient:
    name: Medically managed inpatient
    hours: Around the clock, with doctors
    setting: In a hospital
    length: Days to weeks
"""

# (term, abbreviation or None, definition): enough entries that the glossary block appended to
# every page is as heavy as a real one.
GLOSSARY_TERMS: list[tuple[str, str | None, str]] = [
    (
        "Intensive outpatient program",
        "IOP",
        "Treatment on several days a week while you live at home.",
    ),
    ("Partial hospitalization program", "PHP", "Day treatment most of the day, five days a week."),
    (
        "Cognitive behavioral therapy",
        "CBT",
        "Therapy that works on links between thoughts and actions.",
    ),
    ("Dialectical behavior therapy", "DBT", "Skills for strong emotions and distress."),
    (
        "Medications for opioid use disorder",
        "MOUD",
        "Medicines such as buprenorphine that treat opioid use disorder.",
    ),
    ("Medication-assisted treatment", "MAT", "Medicine combined with counseling."),
    (
        "Substance use disorder",
        "SUD",
        "A health condition in which use of a substance causes problems.",
    ),
    (
        "American Society of Addiction Medicine",
        "ASAM",
        "The group whose criteria describe levels of care.",
    ),
    (
        "Motivational interviewing",
        "MI",
        "A way of talking that helps you find your own reasons to change.",
    ),
    (
        "Post-acute withdrawal syndrome",
        "PAWS",
        "Symptoms that can last for weeks after withdrawal.",
    ),
    ("Twelve-step facilitation", "TSF", "Therapy that helps you take part in mutual-help groups."),
    ("Contingency management", "CM", "Small rewards for meeting treatment goals."),
    ("Electronic health record", "EHR", "The computer file that holds your treatment notes."),
    (
        "Health Insurance Portability and Accountability Act",
        "HIPAA",
        "The law that protects health information.",
    ),
    ("Post-traumatic stress disorder", "PTSD", "A condition that can follow a frightening event."),
    (
        "Attention-deficit/hyperactivity disorder",
        "ADHD",
        "A condition that affects attention and activity.",
    ),
    ("Employee assistance program", "EAP", "A free, private counseling service from an employer."),
    (
        "Family and Medical Leave Act",
        "FMLA",
        "A law that can protect your job while you are in treatment.",
    ),
    ("Relapse", None, "A return to substance use after a period without it."),
    ("Aftercare", None, "Support after a program ends, such as groups or counseling."),
    ("Sober living home", None, "A shared, substance-free home for people in recovery."),
    ("Detoxification", None, "Care while the body clears a substance, often with medicine."),
    (
        "Co-occurring conditions",
        None,
        "A mental health condition and a substance use disorder together.",
    ),
    ("Sliding scale", None, "Fees that depend on what you earn."),
    ("Prior authorization", None, "Approval from an insurer before care starts."),
    ("Peer support specialist", None, "Someone in recovery trained to support others."),
    ("Relapse prevention plan", None, "A written plan for warning signs and what to do."),
    ("Trigger", None, "A person, place or feeling that makes you want to use."),
    ("Craving", None, "A strong urge to use a substance."),
    ("Recovery", None, "The process of change to improve health and live a self-directed life."),
]

SOURCES = """\
sources:
  - title: Clinical Issues in Intensive Outpatient Treatment for Substance Use Disorders
    publisher: SAMHSA
    url: https://www.ncbi.nlm.nih.gov/books/NBK64088/
    accessed: 2026-01-10
  - title: The ASAM Criteria
    publisher: American Society of Addiction Medicine
    url: https://www.asam.org/asam-criteria
    accessed: 2026-01-10
"""

PARAGRAPH = (
    "In an IOP you keep living at home and go to treatment on set days. Most people spend a "
    "few hours each time in group sessions that use CBT and MI, with time alone with a "
    "counselor each week. If you take MOUD, the program can keep it going. People with "
    "PTSD or other co-occurring conditions get care for both at once. When the program ends, "
    "aftercare and a relapse prevention plan help you keep what you learned."
)


def page_name(number: int) -> str:
    return f"page-{number:05d}.md"


def synthetic_page(
    number: int, pages: int, title: str = "", following: str = "", home: str = "../index.md"
) -> str:
    """One synthetic page: front matter, Jinja variables, data table, glossary terms, links."""
    following = following or page_name(number % pages + 1)
    title = title or f"Topic {number}: what to expect"
    body = f"""\
---
title: "{title}"
description: Synthetic page {number} of {pages}, shaped like a real page of the guide.
reviewed: 2026-01-10
next_review: 2027-01-10
{SOURCES}---
# {title}

{{{{ program.name }}}} meets {{{{ program.days_per_week }}}} days a week,
{{{{ program.hours_per_day }}}} hours a day: {{{{ program.days_per_week * program.hours_per_day }}}}
hours a week, for {{{{ program.typical_weeks_min }}}} to {{{{ program.typical_weeks_max }}}} weeks.
Call [{{{{ organisation.phone }}}}]({{{{ organisation.phone | tel }}}}) or write to
{{{{ organisation.email }}}}.

## What happens {{#what-happens}}

{PARAGRAPH}

{PARAGRAPH}

{PARAGRAPH}

### A typical day {{#typical-day}}

{PARAGRAPH}

- You check in and say how your week went.
- A counselor leads a group on one skill, such as coping with cravings.
- You practise the skill and plan how to use it at home.
- You meet alone with your counselor once a week.

!!! note "If you are in crisis"
    Call or text {{{{ crisis.lifeline.call }}}} at any time. In an emergency, call
    {{{{ crisis.emergency.call }}}}.

## How the levels compare {{#compare}}

{{{{ data_table(data.levels.levels, data.levels.columns) }}}}

## Times and languages {{#times}}

{{% if program.morning_option %}}- Mornings: {{{{ program.morning_times }}}}
{{% endif %}}{{% if program.evening_option %}}- Evenings: {{{{ program.evening_times }}}}
{{% endif %}}{{% for language in program.languages %}}- Sessions in {{{{ language }}}}
{{% endfor %}}
{PARAGRAPH}

## Paying for it {{#paying}}

{{% for plan in program.insurance_accepted %}}1. {{{{ plan }}}}
{{% endfor %}}
{PARAGRAPH}

{PARAGRAPH}

Read on: [the next topic]({following}#what-happens), or go back to
[the home page]({home}).
"""
    return body


def _nav(pages: int) -> list[Any]:
    """Sections of subsections of pages, the shape a large guide would have."""
    nav: list[Any] = [{"Home": "index.md"}, {"Get help now": "get-help-now.md"}]
    per_section = PAGES_PER_SUBSECTION * SUBSECTIONS_PER_SECTION
    for section_start in range(1, pages + 1, per_section):
        subsections = []
        for sub_start in range(
            section_start, min(section_start + per_section, pages + 1), PAGES_PER_SUBSECTION
        ):
            sub_end = min(sub_start + PAGES_PER_SUBSECTION, pages + 1)
            subsections.append(
                {
                    f"Topics {sub_start}–{sub_end - 1}": [
                        {f"Topic {n}": f"pages/{page_name(n)}"} for n in range(sub_start, sub_end)
                    ]
                }
            )
        nav.append({f"Part {section_start // per_section + 1}": subsections})
    return nav


def _simple_page(title: str, body: str) -> str:
    return (
        f"---\ntitle: {title}\ndescription: A page of the synthetic site.\n"
        f"reviewed: 2026-01-10\nnext_review: 2027-01-10\n{SOURCES}---\n# {title}\n\n{body}\n"
    )


def _write_data_files(content: Path) -> None:
    (content / "data" / "levels.yml").write_text(LEVELS_YML, encoding="utf-8")
    glossary = {
        "terms": [
            {"term": term, **({"abbr": abbr} if abbr else {}), "definition": definition}
            for term, abbr, definition in GLOSSARY_TERMS
        ]
    }
    (content / "data" / "glossary.yml").write_text(
        yaml.safe_dump(glossary, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )


def make_synthetic_project(folder: Path, pages: int) -> Path:
    """Write a valid iop-guide project of ``pages`` topic pages (plus home and help); return
    its site-config.yml."""
    if folder.exists():
        shutil.rmtree(folder)
    content = folder / "content"
    (content / "pages").mkdir(parents=True)
    (content / "data").mkdir()
    shutil.copytree(REPO / "templates", folder / "templates")

    config = one_language_config((REPO / "site-config.yml").read_text(encoding="utf-8"))
    head, _, rest = config.partition("\nnav:\n")
    _, _, tail = rest.partition("\nextra:\n")
    nav = yaml.safe_dump({"nav": _nav(pages)}, sort_keys=False, allow_unicode=True)
    (folder / "site-config.yml").write_text(
        head + "\n" + nav + "\nextra:\n" + tail, encoding="utf-8"
    )

    _write_data_files(content)
    (content / "index.md").write_text(
        _simple_page(
            "Home",
            "Start with [the first topic](pages/page-00001.md) or [get help now](get-help-now.md)."
            " {{ organisation.name }} runs an IOP.",
        ),
        encoding="utf-8",
    )
    (content / "get-help-now.md").write_text(
        _simple_page("Get help now", "Call {{ crisis.lifeline.call }} or go [home](index.md)."),
        encoding="utf-8",
    )
    for number in range(1, pages + 1):
        (content / "pages" / page_name(number)).write_text(
            synthetic_page(number, pages), encoding="utf-8"
        )
    return folder / "site-config.yml"


def _nav_pages(nav: Any) -> list[tuple[str, str]]:
    """(title, file) for every page of a site-config.yml ``nav``, in order."""
    found: list[tuple[str, str]] = []
    for item in nav:
        for title, value in item.items():
            if isinstance(value, str):
                found.append((title, value))
            else:
                found.extend(_nav_pages(value))
    return found


LANGUAGES_BLOCK = "\n  # The languages the site is built in."


def one_language_config(text: str) -> str:
    """site-config.yml text without its languages block (the last part of `extra`): a site in
    its default language only."""
    return text.partition(LANGUAGES_BLOCK)[0] + "\n"


def make_standin_project(folder: Path) -> Path:
    """The real site-config.yml and templates with a synthetic page for every page in its nav:
    a stand-in for the real site while its content is being written."""
    if folder.exists():
        shutil.rmtree(folder)
    config_text = one_language_config((REPO / "site-config.yml").read_text(encoding="utf-8"))
    config = yaml.safe_load(config_text)
    content = folder / config.get("docs_dir", "docs")
    (content / "data").mkdir(parents=True)
    shutil.copytree(REPO / "templates", folder / "templates")
    (folder / "site-config.yml").write_text(config_text, encoding="utf-8")
    _write_data_files(content)
    pages = _nav_pages(config["nav"])
    for number, (title, path) in enumerate(pages, start=1):
        following = pages[number % len(pages)][1]
        (content / path).write_text(
            synthetic_page(number, len(pages), title, following, home="index.md"),
            encoding="utf-8",
        )
    return folder / "site-config.yml"


# ------------------------------------------------------------------------------- the bare twin


def make_bare_project(config_path: Path, folder: Path, language_code: str | None = None) -> Path:
    """A plain MkDocs + Material project with the Markdown our Jinja step renders for every page
    of the iop-guide project at ``config_path``, in one of its languages (default: the default
    one); return its mkdocs.yml. Each language of a bare Material site is a build of its own,
    as Material documents it."""
    from generator.editions import language_data, language_settings
    from generator.languages import declared_languages, pages_of
    from generator.site_config import load_site_config

    config_path = config_path.resolve()
    project_root = config_path.parent
    config = yaml.load(config_path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    root_docs_dir = project_root / config.get("docs_dir", "docs")
    docs_dir = root_docs_dir
    data_dir_name = PLUGIN_DEFAULTS["data_dir"]
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and (plugin.get("iop-guide") or {}).get("data_dir"):
            data_dir_name = plugin["iop-guide"]["data_dir"]
    templates_dir = project_root / config["theme"]["custom_dir"]
    site_config = load_site_config(config_path)
    languages = declared_languages(site_config.extra, config["theme"].get("language", "en"))
    language = next((x for x in languages if x.code == language_code), languages[0])
    skipped = {x.code for x in languages if not x.default} if language.default else set()

    if language.default:
        data, errors = load_data_files(docs_dir / data_dir_name, project_root)
    else:
        docs_dir = root_docs_dir / language.code
        data, errors = language_data(
            root_docs_dir / data_dir_name, docs_dir / data_dir_name, project_root
        )
        settings = language_settings(
            site_config,
            language,
            root_docs_dir,
            folder,
            config.get("site_url", ""),
            pages_of(root_docs_dir, language, languages, data_dir_name),
        )
        overrides = settings.overrides
        config = {
            **config,
            **{key: overrides[key] for key in ("site_name", "site_description", "copyright")},
            "site_url": overrides["site_url"],
            "nav": overrides["nav"],
            "extra": overrides["extra"],
            "theme": {**config["theme"], "language": language.code},
        }
    if errors:
        raise ValueError(f"{config_path}: data files have errors; run `iop-guide check`")
    environment = make_page_environment(templates_dir)
    abbreviations = abbreviation_definitions(data.values.get("glossary"))
    site = {
        "name": config["site_name"],
        "url": config.get("site_url", ""),
        "description": config.get("site_description", ""),
    }

    if folder.exists():
        shutil.rmtree(folder)
    bare_docs = folder / "docs"
    for source in sorted(docs_dir.rglob("*")):
        relative = source.relative_to(docs_dir)
        if not source.is_file() or relative.parts[0] in {data_dir_name, *skipped}:
            continue
        target = bare_docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix != ".md":
            shutil.copyfile(source, target)
            continue
        shown = display_path(source, project_root)
        front_matter, problems = parse_front_matter(source.read_text(encoding="utf-8"), shown)
        if front_matter is None:
            raise ValueError(f"{shown}: {problems[0].message}")
        context = page_context(config.get("extra", {}), data.values, site, front_matter.meta)
        rendered, error = render_page_markdown(
            environment, front_matter.body, context, shown, front_matter.body_first_line
        )
        if error is not None:
            raise ValueError(error.format())
        # Page templates (template: assessment.html) are our overrides; bare Material has none.
        meta = {key: value for key, value in front_matter.meta.items() if key != "template"}
        target.write_text(
            "---\n"
            + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
            + "---\n"
            + rendered
            + abbreviations,
            encoding="utf-8",
        )

    # The logo and favicon live in our templates folder; bare Material finds them in docs/.
    theme = {
        key: value for key, value in config["theme"].items() if key not in ("custom_dir", "font")
    }
    for key in ("logo", "favicon"):
        if key in theme and (templates_dir / theme[key]).is_file():
            target = bare_docs / theme[key]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(templates_dir / theme[key], target)
    theme["font"] = False
    theme["features"] = list(DEFAULT_FEATURES)
    bare_config = {
        "site_name": config["site_name"],
        "site_url": config.get("site_url"),
        "site_description": config.get("site_description"),
        "copyright": config.get("copyright"),
        "docs_dir": "docs",
        "theme": theme,
        "plugins": ["search"],
        "markdown_extensions": [
            {name: options} if options else name
            for name, options in DEFAULT_MARKDOWN_EXTENSIONS.items()
        ],
        "nav": config.get("nav"),
    }
    mkdocs_yml = folder / "mkdocs.yml"
    mkdocs_yml.write_text(
        yaml.safe_dump(bare_config, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return mkdocs_yml
