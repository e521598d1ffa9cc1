"""The whole guide as one printable, tagged PDF per language (``downloads/iop-guide-{lang}.pdf``).

Families print the guide for appointments and clinics hand it out, so the booklet carries what
paper needs: a title page, a table of contents with page numbers, every page in navigation
order with its review dates and sources, outside links written out and the crisis lines in
every page footer. It is rendered by WeasyPrint from a template of its own
(``templates/booklet.html``) fed with the same page HTML the site shows, because Material's
screen layout does not paginate.

A page built from a template of its own (front matter ``template: X``) is more than its Markdown:
its chapter is rendered by the booklet partial ``templates/booklet/X`` when there is one (the
self-assessment becomes a paper questionnaire with a key), and is otherwise the built page's
article, so data-built content such as "How the self-assessment decides" is printed whole.

WeasyPrint may only read files inside the built site (:class:`SiteOnlyFetcher`), so a build
never reaches another host. Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime
import html as html_lib
import mimetypes
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup

from generator.assessment import answer_effects
from generator.interface_strings import long_date

BOOKLET_FOLDER = "downloads"
# Where a page template's booklet partial lives: templates/booklet/<the page's template>.
BOOKLET_PARTIALS = "booklet"


def booklet_path(language: str) -> str:
    """Where a language's booklet goes inside the site, e.g. ``downloads/iop-guide-en.pdf``."""
    return f"{BOOKLET_FOLDER}/iop-guide-{language}.pdf"


@dataclass
class Chapter:
    """One page of the site as a chapter: its address in the site, title, HTML and front matter."""

    url: str  # the page's URL inside the site, e.g. "levels-of-care/" ("" for the home page)
    title: str
    html: str
    meta: dict[str, Any]
    # The booklet partial that prints it (``booklet_partial``), looked up once by page_chapter.
    partial: str | None = None

    @property
    def anchor(self) -> str:
        return "chapter-" + (self.url.strip("/").replace("/", "-") or "home")

    @property
    def template(self) -> str:
        """The page's own template (front matter ``template:``), or "" for the default one."""
        value = self.meta.get("template")
        return value if isinstance(value, str) else ""


@dataclass
class Booklet:
    """A rendered booklet: the PDF's bytes and the facts pages show beside the link."""

    pdf: bytes
    page_count: int
    refused_urls: list[str] = field(default_factory=list)
    # The site's files WeasyPrint read (paths relative to the site folder): with the HTML, all
    # the PDF depends on, so a kept copy is reused only while they are unchanged.
    read_files: list[str] = field(default_factory=list)

    def size_text(self) -> str:
        kilobytes = len(self.pdf) / 1024
        if kilobytes >= 1024:
            return f"{kilobytes / 1024:.1f} MB"
        return f"{round(kilobytes)} KB"


class BookletError(Exception):
    """The booklet could not be made; the message says why and what to do."""


# ----------------------------------------------------------------- chapter HTML for paper

_ID = re.compile(r'\bid="([^"]+)"')
_HREF = re.compile(r'\bhref="([^"]*)"')
_HEADER_LINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)
_FIRST_H1 = re.compile(r"<h1\b[^>]*>.*?</h1>", re.DOTALL)


def _local_target(href: str, page_url: str, anchors: dict[str, str]) -> str | None:
    """The booklet anchor for a link to another page of the site, or None if it leaves the site."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("#"):
        return None
    target = posixpath.normpath(posixpath.join("/" + page_url, unquote(parts.path)))
    target = target.strip("/")
    target = "" if target in ("", ".") else target + "/"
    if target not in anchors:
        return None
    return f"{anchors[target]}--{parts.fragment}" if parts.fragment else anchors[target]


def chapter_html(chapter: Chapter, anchors: dict[str, str]) -> str:
    """A page's HTML made to live in one document: ids prefixed with the chapter, links between
    pages turned into links inside the booklet, permalink symbols and the page's own title
    removed (the chapter heading replaces it)."""
    prefix = chapter.anchor
    text = _HEADER_LINK.sub("", chapter.html)
    text = _FIRST_H1.sub("", text, count=1)
    text = _ID.sub(lambda m: f'id="{prefix}--{m.group(1)}"', text)

    def relink(match: re.Match[str]) -> str:
        href = html_lib.unescape(match.group(1))
        if href.startswith("#"):
            return f'href="#{prefix}--{href[1:]}"'
        local = _local_target(href, chapter.url, anchors)
        return f'href="#{local}"' if local is not None else match.group(0)

    return _HREF.sub(relink, text)


_ARTICLE = re.compile(r"<article\b[^>]*>(.*)</article>", re.DOTALL)
_FIRST_H1_START = re.compile(r"<h1\b")
# Parts of a built page the booklet prints its own way (the review dates and sources under
# each chapter) or not at all (the link to the booklet itself).
_BUILT_PAGE_EXTRAS = (
    re.compile(r'<aside class="iop-review"[^>]*>.*?</aside>', re.DOTALL),
    re.compile(r'<p class="iop-booklet-link">.*?</p>', re.DOTALL),
)


def built_page_path(site_dir: Path, url: str) -> Path:
    """The file a page of ``url`` was written to (``about/`` -> ``about/index.html``)."""
    if url == "" or url.endswith("/"):
        return site_dir / url / "index.html"
    return site_dir / url


def built_article_html(page: str) -> str:
    """A built page's content as the booklet prints it: the inside of its ``<article>`` from the
    title on (the notices above the title are the screen's), without the review block and the
    booklet link. Raises BookletError when the page has no article."""
    found = _ARTICLE.search(page)
    if found is None:
        raise BookletError("a page built from its own template has no <article> to print")
    article = found.group(1)
    title = _FIRST_H1_START.search(article)
    if title is not None:
        article = article[title.start() :]
    for extra in _BUILT_PAGE_EXTRAS:
        article = extra.sub("", article)
    return article.strip()


def booklet_partial(environment: jinja2.Environment, template: str) -> str | None:
    """The booklet partial for pages built from ``template``, if the templates folder has one."""
    if not template:
        return None
    name = f"{BOOKLET_PARTIALS}/{template}"
    try:
        environment.get_template(name)
    except jinja2.TemplateNotFound:
        return None
    return name


def page_chapter(
    environment: jinja2.Environment,
    site_dir: Path,
    *,
    url: str,
    title: str,
    html: str,
    meta: dict[str, Any],
) -> Chapter:
    """One navigation page as a chapter. A page built from a template without a booklet partial
    is taken from its built file, so what its template adds (tables built from data) is printed
    too; any other page's chapter starts from its Markdown HTML (``html``)."""
    chapter = Chapter(url=url, title=title, html=html, meta=meta)
    chapter.partial = booklet_partial(environment, chapter.template)
    if chapter.template and chapter.partial is None:
        path = built_page_path(site_dir, url)
        try:
            chapter.html = built_article_html(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise BookletError(f"the built page {path} cannot be read: {error}") from error
    return chapter


def build_date(chapters: Iterable[Chapter]) -> datetime.date | None:
    """The latest ``reviewed`` date: the booklet's date, so the same pages give the same PDF."""
    dates = [
        c.meta["reviewed"] for c in chapters if isinstance(c.meta.get("reviewed"), datetime.date)
    ]
    return max(dates) if dates else None


def css_string(text: str) -> Markup:
    """``text`` as a CSS string for a ``<style>`` element (the footer's ``content:``).

    Style elements are raw text, where HTML escapes would print as they are, so CSS escapes are
    used instead, and ``<`` is escaped so no text can close the element.
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return Markup('"' + escaped.replace("<", "\\3c ") + '"')


def booklet_environment(templates_dir: Path) -> jinja2.Environment:
    """Jinja for the booklet: the site's own templates folder, so it shares the site's partials."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir), autoescape=True)
    environment.filters["css_string"] = css_string
    environment.filters["long_date"] = long_date
    # The self-assessment's key is built from the same rules as "How this tool decides".
    environment.filters["answer_effects"] = answer_effects
    return environment


def chapter_source_html(
    environment: jinja2.Environment, chapter: Chapter, context: dict[str, Any]
) -> str:
    """The chapter's HTML before it is fitted into the booklet: its booklet partial
    (``chapter.partial``), given the page's own HTML as ``content``, or the page's HTML as it is."""
    if chapter.partial is None:
        return chapter.html
    return environment.get_template(chapter.partial).render(
        context, chapter=chapter, content=Markup(chapter.html)
    )


def render_booklet_html(
    environment: jinja2.Environment,
    chapters: list[Chapter],
    *,
    site_name: str,
    extra: dict[str, Any],
    language: str,
    strings: dict[str, str] | None = None,
    data: dict[str, Any] | None = None,
) -> str:
    """The booklet as one HTML document, from ``templates/booklet.html``; ``strings`` are the
    language's interface strings (generator.interface_strings), ``data`` the data files (by
    stem) that booklet partials read."""
    anchors = {chapter.url: chapter.anchor for chapter in chapters}
    context = {
        "site_name": site_name,
        "extra": extra,
        "language": language,
        "strings": strings or {},
        "data": data or {},
        # Each chapter's title by URL, so a partial links only to chapters that are there, by
        # the title the contents show.
        "chapter_titles": {chapter.url: chapter.title for chapter in chapters},
    }
    bodies = []
    for chapter in chapters:
        source = Chapter(
            chapter.url, chapter.title, chapter_source_html(environment, chapter, context), {}
        )
        bodies.append((chapter, Markup(chapter_html(source, anchors))))
    return environment.get_template("booklet.html").render(
        context, chapters=bodies, build_date=build_date(chapters)
    )


# ----------------------------------------------------------------- rendering with WeasyPrint


def _site_only_fetcher(site_dir: Path, refused: list[str], read: list[str] | None = None) -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = site_dir.resolve()

    class SiteOnlyFetcher(URLFetcher):
        """Reads ``file:`` URLs inside the built site and refuses everything else, so the
        booklet is made from the site alone and the build never reaches another host."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or not path.is_relative_to(root) or not path.is_file():
                refused.append(url)
                raise ValueError(f"the booklet reads only files inside the built site: {url}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if read is not None:
                read.append(path.relative_to(root).as_posix())
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), {"Content-Type": content_type}
            )

    return SiteOnlyFetcher()


def render_booklet_pdf(booklet_html: str, site_dir: Path) -> Booklet:
    """Lay the booklet out once and write it as a tagged PDF/UA-1 file (bytes)."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: pango or harfbuzz missing
        raise BookletError(
            f"WeasyPrint cannot be loaded ({error}); run `scripts/bootstrap.sh test` to install "
            "it and Debian's pango and harfbuzz libraries, or set `booklet: false` under the "
            "iop-guide plugin in site-config.yml"
        ) from error
    refused: list[str] = []
    read: list[str] = []
    base_url = (site_dir.resolve() / "index.html").as_uri()
    try:
        document = weasyprint.HTML(
            string=booklet_html,
            base_url=base_url,
            url_fetcher=_site_only_fetcher(site_dir, refused, read),
        ).render(pdf_variant="pdf/ua-1")
        pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    except Exception as error:  # WeasyPrint raises many types; report them the same way
        raise BookletError(f"WeasyPrint could not make the booklet: {error}") from error
    return Booklet(
        pdf=pdf, page_count=len(document.pages), refused_urls=refused, read_files=sorted(set(read))
    )


# ----------------------------------------------------------------- the link on every page

BOOKLET_FACTS_MARK = "<!--iop-booklet-facts-->"


def booklet_link_html(href: str, text: str = "The whole guide as a printable booklet") -> str:
    """The link every page carries, its words in the page's language (``booklet_link`` of the
    strings); the PDF's size and page count replace the mark once known."""
    return (
        '<p class="iop-booklet-link"><a href="' + html_lib.escape(href, quote=True) + '" '
        "download>" + html_lib.escape(text) + "</a> (PDF" + BOOKLET_FACTS_MARK + ")</p>"
    )


def fill_booklet_facts(pages: Iterable[Path], booklet: Booklet, pages_word: str = "pages") -> int:
    """Write the booklet's page count and size into ``pages`` (one language's built pages, so
    another language's booklet never fills them); returns how many changed."""
    facts = f", {booklet.page_count} {pages_word}, {booklet.size_text()}"
    changed = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if BOOKLET_FACTS_MARK in text:
            page.write_text(text.replace(BOOKLET_FACTS_MARK, facts), encoding="utf-8")
            changed += 1
    return changed
