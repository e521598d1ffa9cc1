"""The MkDocs plugin: a thin adapter from MkDocs events to the plain modules of this package.

It supplies the theme features and Markdown extensions every iop-guide site needs (so
site-config.yml stays short), validates every input with line numbers, renders page Markdown
through Jinja, and stops the build once, with every problem found, before any page is written.
"""

from __future__ import annotations

import datetime
import gzip
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import YAML_RE

from generator.assessment import answer_effects, engine_data
from generator.booklet import (
    BookletError,
    booklet_environment,
    booklet_link_html,
    booklet_path,
    fill_booklet_facts,
    page_chapter,
    render_booklet_html,
)
from generator.booklet_jobs import BookletCache, BookletJobs
from generator.data_files import DataFiles, load_data_files
from generator.deploy import example_address_problem, write_deploy_files
from generator.editions import build_language, language_data, language_settings
from generator.errors import SiteError, SiteErrors, display_path
from generator.follow_on_errors import fold_follow_on_errors
from generator.front_matter import (
    FrontMatter,
    find_placeholders,
    normalise_text,
    parse_front_matter,
)
from generator.glossary import abbreviation_definitions, make_abbreviations_focusable
from generator.interface_strings import (
    STRINGS_FOLDER,
    InterfaceStrings,
    load_interface_strings,
    long_date,
)
from generator.languages import Language, declared_languages, page_href, pages_of
from generator.links import link_error, page_not_in_nav
from generator.page_prefetch import ThemeTemplates
from generator.page_rendering import (
    has_template_syntax,
    keep_compiled_page,
    make_page_environment,
    note_page_read,
    page_context,
    page_template_name,
    render_data_files,
    render_page_markdown,
    start_page_prefetch,
    stop_page_prefetch,
    tel_href,
)
from generator.rendered_pages import GENERATOR_DIR, RenderedPages, build_fingerprint
from generator.review_status import review_release_problems
from generator.site_config import PLUGIN_DEFAULTS, load_site_config
from generator.symlinks import links_leading_outside
from generator.table_labels import label_table_cells
from generator.task_lists import name_task_list_boxes
from generator.template_cache import MemoryBytecodeCache, PageCodeCache
from generator.template_errors import page_render_errors
from generator.theme_lookup import fast_getattr
from generator.translation_status import translation_problems
from generator.wrapped_numbers import wrapped_number_errors
from generator.yaml_loader import (
    UnreadableFileError,
    prune_cache_folder,
    read_text_file,
    use_cache_folder,
)

log = get_plugin_logger(__name__)

# Compiled page templates, kept between builds (git-ignored; see template_cache.PageCodeCache).
PAGE_CACHE_DIR = Path(".cache") / "iop-guide" / "pages"
# Compiled theme templates (Material's and templates/), likewise (MemoryBytecodeCache).
THEME_CACHE_DIR = Path(".cache") / "iop-guide" / "templates"
# Finished PDF booklets, reused while their HTML and files are unchanged (generator.booklet_jobs).
BOOKLET_CACHE_DIR = Path(".cache") / "iop-guide" / "booklets"
# The crisis strip: rendered once a build (on_env), so no template includes it by name; the
# second process is told to compile it with main.html.
CRISIS_STRIP = "partials/crisis-strip.html"
# Pages' rendered Markdown, kept between builds (see generator.rendered_pages).
RENDERED_CACHE_DIR = Path(".cache") / "iop-guide" / "rendered"
# Parsed front matter, data files and interface strings (generator.yaml_loader), likewise.
YAML_CACHE_DIR = Path(".cache") / "iop-guide" / "yaml"

# Theme features every site gets. navigation.prune keeps build time linear in the number of
# pages (Material otherwise writes the whole navigation into every page); instant navigation is
# left off so page scripts run on a plain page load.
DEFAULT_FEATURES = [
    "navigation.prune",
    "navigation.footer",
    "navigation.top",
    "search.highlight",
    "search.suggest",
    "content.tooltips",
    "toc.follow",
]

DEFAULT_MARKDOWN_EXTENSIONS: dict[str, dict[str, Any]] = {
    "abbr": {},
    "admonition": {},
    "attr_list": {},
    "def_list": {},
    "md_in_html": {},
    "tables": {},
    "toc": {
        "permalink": True,
        "permalink_title": "Link to this section",
        "title": "On this page",  # the contents column's heading (issue 13)
    },
    "pymdownx.details": {},
    "pymdownx.superfences": {},
    "pymdownx.tasklist": {"custom_checkbox": True, "clickable_checkbox": True},
}


class IopGuideConfig(base.Config):
    """Options declared in generator.site_config (PLUGIN_OPTIONS), with the same defaults."""

    enabled = c.Type(bool, default=PLUGIN_DEFAULTS["enabled"])
    max_reading_grade = c.Type((int, float), default=PLUGIN_DEFAULTS["max_reading_grade"])
    data_dir = c.Type(str, default=PLUGIN_DEFAULTS["data_dir"])
    booklet = c.Type(bool, default=PLUGIN_DEFAULTS["booklet"])


@dataclass
class PageRecord:
    """What `iop-guide check` reports about a page once it is built."""

    src_path: str
    title: str
    meta: dict[str, Any]
    html: str = ""
    language: str = "en"
    translation: str = ""  # a translated page's status; "" in the default language


@dataclass
class BuildState:
    """Everything one build learns; made fresh in on_config so builds never share state."""

    project_root: Path
    extra: dict[str, Any]
    data: DataFiles
    site: dict[str, Any]
    environment: jinja2.Environment
    abbreviations: str
    errors: list[SiteError] = field(default_factory=list)
    # Problems that may stand in a preview but must not be published: warnings for `build` and
    # `check`, errors for `build --release` and `check --release` (see generator.cli).
    release_problems: list[SiteError] = field(default_factory=list)
    # Each page's front matter as read and checked in on_page_read_source, by src_uri, until
    # on_page_markdown gives it to the page (see there).
    front_matter: dict[str, FrontMatter] = field(default_factory=dict)
    # Where each page's booklet link begins in its HTML (on_page_content adds it, so search
    # finds it; on_page_context changes only the HTML before it).
    booklet_link_at: dict[str, int] = field(default_factory=dict)
    # Rendered page Markdown from earlier builds; None when a value cannot be hashed exactly.
    rendered_pages: RenderedPages | None = None
    pages: list[PageRecord] = field(default_factory=list)
    link_filter: logging.Filter | None = None
    # Each page's path as shown in messages, by src_uri: display_path resolves the path on disk,
    # and three events need it for every page.
    shown_paths: dict[str, str] = field(default_factory=dict)

    def shown_path(self, page: Page) -> str:
        shown = self.shown_paths.get(page.file.src_uri)
        if shown is None:
            shown = display_path(page.file.abs_src_path, self.project_root)
            self.shown_paths[page.file.src_uri] = shown
        return shown

    page_html: dict[str, str] = field(default_factory=dict)
    # The HTML files this build wrote for its pages, where the booklet's size and page count go.
    page_files: list[Path] = field(default_factory=list)
    # Each page's front matter by src_uri, as page_html, for the booklet's chapters.
    page_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Pages in navigation order (src_uri -> URL and title), for the booklet.
    nav_pages: list[tuple[str, str, str]] = field(default_factory=list)
    # The language this build writes, every language of the site (the default first), and the
    # pages each one has, for hreflang links and the language switcher.
    language: Language = field(default_factory=lambda: Language("en", "English", True))
    languages: list[Language] = field(default_factory=list)
    pages_by_language: dict[str, set[str]] = field(default_factory=dict)
    strings: InterfaceStrings | None = None
    not_translated: dict[str, str] = field(default_factory=dict)
    # Each translated page's status for `check` (src_uri -> "up to date, not checked"...).
    translation_status: dict[str, str] = field(default_factory=dict)
    # The site's address at its root (site_url without this language's prefix).
    root_url: str = ""
    # The other languages' builds, started by the default one (see generator.editions).
    editions: list[BuildState] = field(default_factory=list)
    default_docs_dir: Path | None = None
    site_config: Any = None

    def every_edition(self) -> list[BuildState]:
        return [self, *self.editions]


class _LinkWarningFilter(logging.Filter):
    """Takes MkDocs' link warnings as located errors (see generator.links): a broken link is
    reported with the other problems, as an error, instead of as a warning."""

    def __init__(self, docs_dir: Path, project_root: Path) -> None:
        super().__init__()
        self.docs_dir = docs_dir
        self.project_root = project_root
        self.errors: list[SiteError] = []
        self.files: Files | None = None  # set in on_files, to list a page's anchors

    def _read_page(self, src_uri: str) -> tuple[str, str] | None:
        path = self.docs_dir / src_uri
        try:
            return path.read_text(encoding="utf-8"), display_path(path, self.project_root)
        except (OSError, UnicodeDecodeError):
            return None

    def _page_names(self) -> list[str]:
        return sorted(p.relative_to(self.docs_dir).as_posix() for p in self.docs_dir.rglob("*.md"))

    def _anchors_of(self, src_uri: str) -> set[str] | None:
        file = self.files.get_file_from_path(src_uri) if self.files is not None else None
        page = file.page if file is not None else None
        return page.present_anchor_ids if page is not None else None

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        error = link_error(
            record.getMessage(),
            self._read_page,
            self._page_names(),
            self._anchors_of,
            display_path(self.docs_dir, self.project_root) + "/",
        )
        if error is None:
            return True
        self.errors.append(error)
        return False


_PAGES_LOGGER = logging.getLogger("mkdocs.structure.pages")

# What on_page_read_source gives MkDocs in place of a page's front matter, already read: MkDocs
# takes it as front matter with nothing in it. Not nothing at all: MkDocs would then look for
# MultiMarkdown metadata ("Key: value" lines) at the top of the page's text.
EMPTY_FRONT_MATTER = "---\n{}\n---\n"


def _site_language(config: MkDocsConfig) -> str:
    """The language being built (Material's ``theme.language``); names the booklet file."""
    return str(config.theme.get("language") or "en")


class IopGuidePlugin(BasePlugin[IopGuideConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.state: BuildState | None = None
        # Compiled theme templates, kept for the life of the process: see on_startup.
        self.template_cache = MemoryBytecodeCache()
        # `serve` previews rebuild on every save; the booklet takes seconds, so only builds make it.
        self.previewing = False
        # The booklets of the build under way (every language), collected at its end.
        self.booklet_jobs: BookletJobs | None = None
        self.booklets_pending: list[tuple[int, Path, list[Path], str]] = []

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defining this event makes MkDocs keep this plugin object across `serve` rebuilds
        (MkDocs >= 1.4), so ``template_cache`` outlives each rebuild's new Jinja environment.
        Everything that belongs to one build is made afresh in on_config."""
        self.previewing = command == "serve"

    def _booklet_wanted(self) -> bool:
        return bool(self.config.booklet) and not self.previewing

    # on_config runs first among plugins so later ones (search) see our Markdown extensions.
    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        config_file = Path(config.config_file_path)
        project_root = config_file.resolve().parent
        use_cache_folder(project_root / YAML_CACHE_DIR)
        try:
            site_config = load_site_config(config_file)
        except SiteErrors as exc:
            raise PluginError(exc.format()) from None
        self._apply_defaults(config)
        templates_dir = _custom_dir(config)
        # Before anything is read: a link out of the project must never be read or published.
        outside = links_leading_outside(Path(config.docs_dir), project_root)
        if templates_dir is not None:
            outside += links_leading_outside(templates_dir, project_root)
        if outside:
            raise PluginError(SiteErrors(outside).format())

        languages = declared_languages(site_config.extra, _site_language(config))
        language = next((x for x in languages if x.code == _site_language(config)), languages[0])
        default_docs_dir = (
            project_root / site_config.loaded.data.get("docs_dir", "docs")
        ).resolve()
        data_dir = Path(config.docs_dir) / self.config.data_dir
        if language.default:
            data, errors = load_data_files(data_dir, project_root)
        else:
            data, errors = language_data(
                default_docs_dir / self.config.data_dir, data_dir, project_root
            )
        strings, string_errors = load_interface_strings(
            templates_dir or project_root / "templates",
            language.code,
            languages[0].code,
            project_root,
        )
        errors.extend(string_errors)
        # The contents column's heading and the heading links' title, in the page's language.
        toc = config.mdx_configs.setdefault("toc", {})
        for option, key in (("title", "toc_title"), ("permalink_title", "toc_permalink_title")):
            if key in strings:
                toc[option] = strings[key]
        # What each language's switcher link says on a page that language does not have yet.
        not_translated = {
            other.code: (
                strings
                if other.code == language.code
                else load_interface_strings(
                    templates_dir or project_root / "templates",
                    other.code,
                    languages[0].code,
                    project_root,
                )[0]
            ).get("language_not_translated", "")
            for other in languages
        }
        # One cache folder per language: each build prunes what it did not use.
        environment = make_page_environment(
            templates_dir, project_root / PAGE_CACHE_DIR / language.code
        )
        self.template_cache.use_folder(project_root / THEME_CACHE_DIR)
        extra = dict(config.extra)
        site = {
            "name": config.site_name,
            "url": config.site_url or "",
            "description": config.site_description or "",
        }
        context = page_context(extra, data.values, site, {})
        errors.extend(render_data_files(environment, data, context))
        self.state = BuildState(
            project_root=project_root,
            extra=extra,
            data=data,
            site=site,
            environment=environment,
            # A broken glossary has its own errors; its terms may lack what tooltips need.
            abbreviations=""
            if "glossary" in data.broken
            else abbreviation_definitions(data.values.get("glossary")),
            errors=list(errors),
        )
        fingerprint = build_fingerprint(
            environment,
            {"extra": extra, "data": data.values, "site": site},
            [folder for folder in (templates_dir, GENERATOR_DIR) if folder is not None],
        )
        if fingerprint is not None:
            self.state.rendered_pages = RenderedPages(
                project_root / RENDERED_CACHE_DIR / language.code, fingerprint
            )
        self.state.language = language
        self.state.languages = languages
        self.state.strings = strings
        self.state.not_translated = not_translated
        self.state.default_docs_dir = default_docs_dir
        self.state.site_config = site_config
        self.state.root_url = _root_url(site["url"], language)
        self.state.pages_by_language = {
            other.code: pages_of(default_docs_dir, other, languages, self.config.data_dir)
            for other in languages
        }
        example = example_address_problem(
            site["url"],
            display_path(config_file, project_root),
            site_config.loaded.line_of(("site_url",)),
        )
        if example is not None:
            self.state.release_problems.append(example)
        self.state.link_filter = _LinkWarningFilter(Path(config.docs_dir), project_root)
        _PAGES_LOGGER.addFilter(self.state.link_filter)
        return config

    def _apply_defaults(self, config: MkDocsConfig) -> None:
        """Fill in what every iop-guide site needs, keeping anything the editor set."""
        # Privacy: Material's default font is fetched from Google's servers by every reader.
        config.theme["font"] = False
        features = config.theme.get("features") or []
        config.theme["features"] = [*features, *(f for f in DEFAULT_FEATURES if f not in features)]
        for name, options in DEFAULT_MARKDOWN_EXTENSIONS.items():
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
            # MkDocs loads toc and tables itself; our options still apply unless the editor's do.
            config.mdx_configs[name] = {**options, **config.mdx_configs.get(name, {})}
        # Broken links and anchors become warnings, which `iop-guide build` (strict) turns into
        # a failed build that leaves the published folder untouched.
        config.validation.links.not_found = logging.WARNING
        config.validation.links.anchors = logging.WARNING
        config.validation.links.unrecognized_links = logging.WARNING
        config.validation.nav.not_found = logging.WARNING
        # A link starting with / breaks under a sub-path: an error (generator.links).
        config.validation.links.absolute_links = logging.WARNING

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if self.state is None:
            return None
        # Data files feed pages at build time; publishing them would only add weight.
        data_prefix = self.config.data_dir.rstrip("/") + "/"
        # The other languages' folders are built by their own builds (generator.editions).
        others = tuple(
            other.prefix
            for other in self.state.languages
            if self.state.language.default and not other.default
        )
        for file in list(files):
            # Interface strings are read by the build, never published.
            if file.src_uri.startswith(STRINGS_FOLDER + "/") and not file.is_documentation_page():
                files.remove(file)
                continue
            if file.src_uri.startswith(data_prefix) or (others and file.src_uri.startswith(others)):
                files.remove(file)
        if self.state.link_filter is not None:
            self.state.link_filter.files = files
        # MkDocs reads pages in this order next; compiling them meanwhile hides most of a cold
        # build's Jinja cost on a second core.
        theme = ThemeTemplates(
            lambda: self._theme_compile_settings(config.theme.get_env()),
            ["main.html", CRISIS_STRIP, *config.theme.static_templates, *config.extra_templates],
        )
        start_page_prefetch(
            self.state.environment,
            [file.abs_src_path for file in files.documentation_pages()],
            markdown_body,
            theme,
        )
        return files

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if self.state is not None:
            self.state.nav_pages = [
                (page.file.src_uri, page.url, page.title or "") for page in nav.pages
            ]
        if self.state is None or not config.nav:
            return None
        in_nav = {page.file.src_uri for page in nav.pages}
        for file in files.documentation_pages():
            # Pages listed under MkDocs' `not_in_nav:` are left out of nav on purpose.
            if file.src_uri not in in_nav and file.inclusion.is_in_nav():
                shown = display_path(file.abs_src_path, self.state.project_root)
                self.state.release_problems.append(page_not_in_nav(shown, file.src_uri))
        return None

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.state is None:
            return None
        state = self.state
        note_page_read(state.environment)
        shown = state.shown_path(page)
        try:
            text = read_text_file(page.file.abs_src_path, shown)
        except UnreadableFileError as exc:
            state.errors.append(exc.error)
            return "---\ntitle: unreadable\n---\n"
        text = normalise_text(text)
        front_matter, errors = parse_front_matter(text, shown)
        state.errors.extend(errors)
        state.release_problems.extend(find_placeholders(text, shown))
        if front_matter is not None:
            state.front_matter[page.file.src_uri] = front_matter
            state.release_problems.extend(
                review_release_problems(front_matter.meta, text, shown, datetime.date.today())
            )
            if not state.language.default and state.default_docs_dir is not None:
                errors, problems, summary = translation_problems(
                    front_matter.meta,
                    text,
                    shown,
                    state.default_docs_dir / page.file.src_uri,
                    state.project_root,
                    state.language.name,
                )
                state.errors.extend(errors)
                state.release_problems.extend(problems)
                state.translation_status[page.file.src_uri] = summary
            # MkDocs would read the front matter again (PyYAML, a fifth of a millisecond a
            # page); an empty one stands in for it, and on_page_markdown hands the page what
            # was read here. A page whose front matter has errors keeps its text: the build
            # fails on those errors, and MkDocs' reading still names the page in the nav.
            return EMPTY_FRONT_MATTER + front_matter.body
        return text

    # First among plugins' on_page_markdown: the others may read the page's front matter.
    @event_priority(100)
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.state is None:
            return None
        state = self.state
        front_matter = state.front_matter.pop(page.file.src_uri, None)
        if front_matter is None:  # front matter failed: its error is already recorded
            return ""
        page.meta = front_matter.meta
        first_line = front_matter.body_first_line
        shown = state.shown_path(page)
        kept = state.rendered_pages
        key = None
        if kept is not None and has_template_syntax(state.environment, markdown):
            page_name = page_template_name(markdown)
            key = kept.key(page_name, front_matter.yaml_text)
            text = kept.get(key)
            if text is not None:
                keep_compiled_page(state.environment, page_name)
                return text + state.abbreviations
        context = page_context(state.extra, state.data.values, state.site, page.meta)
        rendered, error = render_page_markdown(
            state.environment, markdown, context, shown, first_line
        )
        if error is not None:
            state.errors.extend(
                page_render_errors(error, state.environment, markdown, context, shown, first_line)
            )
            return ""
        # A wrapped line that fills in as "911. …" would become a list item of its own.
        wrapped = wrapped_number_errors(state.environment, markdown, context, shown, first_line)
        state.errors.extend(wrapped)
        if key is not None and kept is not None and not wrapped:
            kept.put(key, rendered)
        return rendered + state.abbreviations

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Each page links to the booklet, in the page's text, so searching for it finds it."""
        if self.state is None or not self._booklet_wanted():
            return None
        self.state.booklet_link_at[page.file.src_uri] = len(html)
        href = get_relative_url(booklet_path(_site_language(config)), page.url)
        strings = self.state.strings or {}
        return html + booklet_link_html(
            href, strings.get("booklet_link", "The whole guide as a printable booklet")
        )

    # After the search plugin's, wherever site-config.yml lists the two.
    @event_priority(-50)
    def on_page_context(
        self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any
    ) -> dict[str, Any] | None:
        """The page's HTML gets what readers need beyond Markdown's output, and the right-hand
        contents column shows only where it helps.

        The HTML changes are made here, after the search plugin has indexed the page, not in
        on_page_content: they add attributes only, which put nothing in the index but cost its
        HTML parser a pass over each. The page is recorded (for `check` and the booklet) as
        changed, without its booklet link."""
        if self.state is None:
            return None
        content = page.content or ""
        link_at = self.state.booklet_link_at.pop(page.file.src_uri, len(content))
        html = name_task_list_boxes(make_abbreviations_focusable(content[:link_at]))
        # Phones show each table row as a card labelled with its column headings (tables.css).
        html = label_table_cells(html)
        self.state.pages.append(
            PageRecord(
                src_path=self.state.shown_path(page),
                title=page.title or "",
                meta=dict(page.meta),
                html=html,
                language=self.state.language.code,
                translation=self.state.translation_status.get(page.file.src_uri, ""),
            )
        )
        self.state.page_html[page.file.src_uri] = html
        self.state.page_files.append(Path(page.file.abs_dest_path))
        self.state.page_meta[page.file.src_uri] = dict(page.meta)
        page.content = html + content[link_at:]
        self._hide_short_contents(page)
        return None

    @staticmethod
    def _hide_short_contents(page: Page) -> None:
        """A page with fewer than three sections (h2 under its title) hides the contents column,
        as if its front matter said `hide: [toc]`; longer pages keep it."""
        if not isinstance(page.meta, dict) or not page.toc:
            return
        sections = sum(len(item.children) for item in page.toc)
        hidden = list(page.meta.get("hide") or [])
        if sections < 3 and "toc" not in hidden:
            page.meta["hide"] = [*hidden, "toc"]

    # on_env is the first event after every page's Markdown has been read and converted, so it is
    # where all collected problems are reported together, before any page is written.
    def on_env(
        self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment | None:
        if self.state is None:
            return None
        if self.state.errors or self._link_errors():
            stop_page_prefetch(self.state.environment)
            raise PluginError(SiteErrors(self._errors_to_show()).format())
        # The theme's templates are compiled next: let the second process finish them first.
        stop_page_prefetch(self.state.environment, finish=True)
        env.globals["data"] = self.state.data.values
        env.globals["strings"] = self.state.strings
        env.getattr = fast_getattr(env)  # type: ignore[method-assign]
        env.globals["page_languages"] = self._page_languages
        # Looked up once here: a template filtering `pages` for it costs every page a pass over
        # every page.
        env.globals["has_about_page"] = files.get_file_from_path("about.md") is not None
        env = self._theme_compile_settings(env)
        # The crisis strip is the same on every page of a language (site-config.yml's numbers,
        # the language's words): rendered once here, not once a page.
        env.globals["crisis_strip"] = Markup(env.get_template(CRISIS_STRIP).render(config=config))
        return env

    def _theme_compile_settings(self, env: jinja2.Environment) -> jinja2.Environment:
        """What changes the code the theme's templates compile to (their filters) and where it
        is kept; one place for the build's environment and the second process's copy."""
        env.filters["tel"] = tel_href
        env.filters["long_date"] = long_date
        # "How this tool decides" is built from the self-assessment's rules, never a copy of them.
        env.filters["answer_effects"] = answer_effects
        env.filters["engine_data"] = engine_data
        env.bytecode_cache = self.template_cache
        return env

    def _errors_to_show(self) -> list[SiteError]:
        """The collected errors, those that follow from a broken data file folded into it."""
        assert self.state is not None
        root = self.state.project_root

        def read_text(shown: str) -> str | None:
            try:
                return (root / shown).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None

        errors = [*self.state.errors, *self._link_errors()]
        return fold_follow_on_errors(errors, self.state.data.broken, read_text)

    def _link_errors(self) -> list[SiteError]:
        link_filter = self.state.link_filter if self.state is not None else None
        return list(link_filter.errors) if link_filter is not None else []

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.state is None:
            return
        # Anchors are checked after pages are written, so their errors are reported here.
        if self._link_errors():
            raise PluginError(SiteErrors(self._errors_to_show()).format())
        if self._booklet_wanted():
            self._start_booklet(config)
        _rewrite_sitemap_gzip(Path(config.site_dir))
        self._remove_link_filter()
        if self.state.language.default:
            try:
                self._build_other_languages(config)
                self._finish_booklets(config)
            finally:
                self._close_booklet_jobs(succeeded=False)
            write_deploy_files(
                Path(config.site_dir),
                config.site_url or "",
                [lang.prefix for lang in self.state.languages],
            )
            # Every language has read every file it needs: entries none of them read are stale.
            prune_cache_folder()
            use_cache_folder(None)
        # Every page was compiled or loaded by now: entries this build did not use are stale.
        cache = self.state.environment.bytecode_cache
        if isinstance(cache, PageCodeCache):
            cache.prune()
        if self.state.rendered_pages is not None:
            self.state.rendered_pages.prune()
        self.template_cache.prune()

    def _build_other_languages(self, config: MkDocsConfig) -> None:
        """Each other language is a MkDocs build of its own, into its folder of this site."""
        assert self.state is not None
        for language in self.state.languages[1:]:
            settings = language_settings(
                self.state.site_config,
                language,
                self.state.default_docs_dir,
                Path(config.site_dir),
                config.site_url or "",
                self.state.pages_by_language[language.code],
            )
            if settings.errors:
                raise PluginError(SiteErrors(settings.errors).format())
            # MkDocs keeps one object per plugin for the whole process (config_options.Plugins
            # caches plugins that define on_startup), so the language's build runs through this
            # very object: it gets its own state, and this build's state comes back after it.
            own = self.state
            try:
                build_language(
                    config.config_file_path,
                    settings.overrides,
                    "serve" if self.previewing else "build",
                    bool(config.strict),
                )
                edition = self.state
            finally:
                self.state = own
            if edition is not None and edition is not own:
                own.editions.append(edition)

    def _page_languages(self, page: Page | None) -> list[dict[str, Any]]:
        """Each language of the site, for this page: its address (relative, for links that
        work under any sub-path, and absolute, for hreflang) and whether the page exists in it.
        A page missing in a language links to that language's home page instead."""
        assert self.state is not None
        if page is None or page.file is None:
            return []
        here = page_href(self.state.language, page.url)
        result = []
        for language in self.state.languages:
            exists = page.file.src_uri in self.state.pages_by_language.get(language.code, set())
            target = page_href(language, page.url if exists else "")
            result.append(
                {
                    "code": language.code,
                    "name": language.name,
                    "current": language.code == self.state.language.code,
                    "default": language.default,
                    "exists": exists,
                    "not_translated": self.state.not_translated.get(language.code, ""),
                    "href": get_relative_url(target or ".", here or "."),
                    "url": self.state.root_url + target if self.state.root_url else "",
                }
            )
        return result

    def _start_booklet(self, config: MkDocsConfig) -> None:
        """Start laying out this language's booklet beside the build (generator.booklet_jobs);
        `_finish_booklets` writes it and puts its facts into the pages."""
        assert self.state is not None
        language = _site_language(config)
        templates = Path(config.theme.custom_dir or self.state.project_root / "templates")
        site_dir = Path(config.site_dir)
        environment = booklet_environment(templates)
        try:
            # Pages are written by now: a page built from its own template is read back whole.
            chapters = [
                page_chapter(
                    environment,
                    site_dir,
                    url=url,
                    title=title,
                    html=self.state.page_html[src],
                    meta=self._meta(src),
                )
                for src, url, title in self.state.nav_pages
                if src in self.state.page_html
            ]
            booklet_html = render_booklet_html(
                environment,
                chapters,
                site_name=config.site_name,
                extra=self.state.extra,
                language=language,
                strings=self.state.strings,
                data=self.state.data.values,
            )
        except (BookletError, jinja2.TemplateError) as error:
            raise self._booklet_error(config, error) from error
        if self.booklet_jobs is None:
            self.booklet_jobs = BookletJobs(
                BookletCache(self.state.project_root / BOOKLET_CACHE_DIR)
            )
        number = self.booklet_jobs.start(booklet_html, site_dir)
        self.booklets_pending.append(
            (
                number,
                site_dir / booklet_path(language),
                list(self.state.page_files),
                (self.state.strings or {}).get("booklet_pages", "pages"),
            )
        )

    def _finish_booklets(self, config: MkDocsConfig) -> None:
        """Wait for every language's booklet, write it, and put its page count and size beside
        the link on that language's pages."""
        if self.booklet_jobs is None:
            return
        for number, target, pages, pages_word in self.booklets_pending:
            try:
                booklet = self.booklet_jobs.result(number)
            except BookletError as error:
                raise self._booklet_error(config, error) from error
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(booklet.pdf)
            fill_booklet_facts(pages, booklet, pages_word)
        self._close_booklet_jobs(succeeded=True)

    def _close_booklet_jobs(self, *, succeeded: bool) -> None:
        if self.booklet_jobs is not None:
            self.booklet_jobs.close(succeeded=succeeded)
        self.booklet_jobs = None
        self.booklets_pending = []

    def _booklet_error(self, config: MkDocsConfig, error: Exception) -> PluginError:
        assert self.state is not None
        shown = display_path(config.config_file_path, self.state.project_root)
        problem = SiteError(
            shown,
            f"the PDF booklet could not be made: {error}",
            fix="fix the cause above, or set `booklet: false` under the iop-guide plugin",
            key="plugins.iop-guide.booklet",
        )
        return PluginError(SiteErrors([problem]).format())

    def _meta(self, src_uri: str) -> dict[str, Any]:
        assert self.state is not None
        return self.state.page_meta.get(src_uri, {})

    def on_build_error(self, *, error: Exception) -> None:
        # Under `serve` a failed rebuild is followed by more builds, not by on_shutdown.
        self._clean_up_build()

    def on_shutdown(self) -> None:
        """At the end of a command, however it ended. MkDocs calls ``on_build_error`` only for an
        ``Exception``; a build stopped by Ctrl-C (``KeyboardInterrupt``) skips it, and would leave
        its link filter on MkDocs' logger, where it would swallow the broken-link warnings of the
        next build in the same process (tests, a caller's loop)."""
        self._clean_up_build()

    def _clean_up_build(self) -> None:
        """Undo what a build set up and did not finish with. Safe to run twice, and does nothing
        after a build that ended normally."""
        self._remove_link_filter()
        if self.state is not None:
            stop_page_prefetch(self.state.environment)
            # A language's own build runs through this object too (_build_other_languages); the
            # booklets belong to the default language's build, which closes them.
            if self.state.language.default:
                self._close_booklet_jobs(succeeded=False)

    def _remove_link_filter(self) -> None:
        # The filter belongs to one build; a later build (serve) installs its own.
        if self.state is not None and self.state.link_filter is not None:
            _PAGES_LOGGER.removeFilter(self.state.link_filter)
            self.state.link_filter = None

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        # `mkdocs serve` watches docs_dir (pages and data files) and the config file, but not
        # the theme's custom_dir unless asked; editors change templates too.
        templates_dir = _custom_dir(config)
        if templates_dir is not None:
            server.watch(str(templates_dir))
        _poll_faster(server)
        return server


# MkDocs' file watcher polls every 0.5 s, so a save waited 0.25 s on average before the rebuild
# began: a quarter of the whole wait on this site. Polling a content folder of a few dozen files
# every 0.1 s costs almost nothing. watchdog reads these attributes on every poll; if a release
# renames them, serve still works, at the slower poll.
SERVE_POLL_SECONDS = 0.1


def _poll_faster(server: Any) -> None:
    observer = getattr(server, "observer", None)
    for watcher in [observer, *getattr(observer, "emitters", ())]:
        if watcher is not None and hasattr(watcher, "_timeout"):
            watcher._timeout = SERVE_POLL_SECONDS


def markdown_body(text: str) -> str:
    """The Markdown MkDocs hands to ``on_page_markdown`` for a page whose file holds ``text``.

    The same split as ``mkdocs.utils.meta.get_data`` for a page with front matter, without
    parsing the YAML (the build parses it, twice already). Should the two ever differ (front
    matter that is not a mapping), the page's text differs from what was compiled ahead, and
    the build compiles it itself.
    """
    match = YAML_RE.match(text)
    return text[match.end() :].lstrip("\n") if match else text


def _root_url(site_url: str, language: Language) -> str:
    """The site's root address, from a language build's site_url (which ends in its prefix)."""
    if site_url and language.prefix and site_url.endswith(language.prefix):
        return site_url[: -len(language.prefix)]
    return site_url


def _custom_dir(config: MkDocsConfig) -> Path | None:
    custom_dir = config.theme.custom_dir
    return Path(custom_dir) if custom_dir else None


def _rewrite_sitemap_gzip(site_dir: Path) -> None:
    """MkDocs stamps sitemap.xml.gz with the build time; rewrite it so builds are byte-identical."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file():
        return
    with gzip.GzipFile(site_dir / "sitemap.xml.gz", "wb", mtime=0) as handle:
        handle.write(sitemap.read_bytes())
