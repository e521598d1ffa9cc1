"""Every internal link, asset and anchor of the built site resolves, read from the real HTML.

MkDocs checks the links written in Markdown; this checks what readers get: links added by
templates (crisis strip, review footer, 404 page), Material's navigation and assets, canonical
and Open Graph URLs, the search worker named in Material's page config, and the sitemap. A link
resolves when the file it names exists in the output (a folder URL needs its index.html), and a
#fragment when the target page has that id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from tests.conftest import build, page

# Attributes that name a resource the browser fetches or the reader follows.
_URL_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "form": ("action",),
}
_IGNORED_SCHEMES = ("mailto:", "tel:", "sms:", "javascript:", "data:", "blob:")
_SITEMAP_LOC = re.compile(r"<loc>([^<]+)</loc>")


@dataclass
class ParsedPage:
    ids: set[str] = field(default_factory=set)
    references: list[tuple[int, str]] = field(default_factory=list)  # (line, url)
    page_config: str = ""


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._in_config = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        line = self.getpos()[0]
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])
        for name in _URL_ATTRIBUTES.get(tag, ()):
            if name not in values:
                continue
            if name == "srcset":
                for candidate in values[name].split(","):
                    if candidate.strip():
                        self.page.references.append((line, candidate.split()[0]))
            else:
                self.page.references.append((line, values[name]))
        if tag == "meta" and values.get("property") == "og:url":
            self.page.references.append((line, values.get("content", "")))
        self._in_config = tag == "script" and values.get("id") == "__config"

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.page.page_config += data

    def handle_endtag(self, tag: str) -> None:
        self._in_config = False


def parse_page(html: str) -> ParsedPage:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser.page


def _page_url(site_url: str, relative: str) -> str:
    if relative == "index.html":
        return site_url
    if relative.endswith("/index.html"):
        return site_url + relative.removesuffix("index.html")
    return site_url + relative


def _html_files(site_dir: Path) -> Iterator[Path]:
    for path in sorted(site_dir.rglob("*.html")):
        if not path.relative_to(site_dir).as_posix().startswith("_deploy/"):
            yield path


def _material_config_urls(config_text: str) -> list[str]:
    """The search worker and index that Material's script loads, from its page config JSON."""
    if not config_text.strip():
        return []
    config = json.loads(config_text)
    base = config["base"].rstrip("/") + "/"
    urls = [base + "search/search_index.json"]
    if config.get("search"):
        urls.append(config["search"])
    return urls


def check_links(site_dir: Path, site_url: str) -> list[str]:
    """Every broken internal reference, as 'page:line: url (reason)'."""
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    site = urlsplit(site_url)
    pages: dict[str, ParsedPage] = {}
    for path in _html_files(site_dir):
        relative = path.relative_to(site_dir).as_posix()
        pages[relative] = parse_page(path.read_text(encoding="utf-8"))

    def resolve(base: str, url: str) -> tuple[str, str] | str | None:
        """(file relative to the output, fragment), a reason it is broken, or None if external."""
        if not url or url.startswith(_IGNORED_SCHEMES):
            return None
        target = urlsplit(urljoin(base, url))
        if target.scheme not in ("http", "https"):
            return f"unexpected scheme {target.scheme!r}"
        if target.netloc != site.netloc:
            return None
        if not target.path.startswith(site.path):
            return f"outside the site's path {site.path}"
        relative = unquote(target.path[len(site.path) :])
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        file = site_dir / relative
        if file.is_dir() and (file / "index.html").is_file():
            relative += "/index.html"
        elif not file.is_file():
            return f"no file {relative}"
        return relative, unquote(target.fragment)

    problems: list[str] = []
    for relative, parsed in pages.items():
        base = _page_url(site_url, relative)
        references = parsed.references + [
            (0, url) for url in _material_config_urls(parsed.page_config)
        ]
        for line, url in references:
            resolved = resolve(base, url)
            if resolved is None:
                continue
            if isinstance(resolved, str):
                problems.append(f"{relative}:{line}: {url} ({resolved})")
                continue
            target, fragment = resolved
            if fragment and target in pages and fragment not in pages[target].ids:
                problems.append(f"{relative}:{line}: {url} (no id {fragment!r} in {target})")

    sitemap = site_dir / "sitemap.xml"
    if sitemap.is_file():
        for loc in _SITEMAP_LOC.findall(sitemap.read_text(encoding="utf-8")):
            resolved = resolve(site_url, loc)
            if not isinstance(resolved, tuple):
                problems.append(f"sitemap.xml: {loc} ({resolved or 'not on this site'})")
    return problems


def _site_url_of(site_dir: Path) -> str:
    """The address the site was built for: the home page's canonical link."""
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<link rel="canonical" href="([^"]+)"', home)
    assert match, "the home page has no canonical link: is site_url set?"
    return match.group(1)


def test_real_site_has_no_broken_links_or_anchors(built_site: Path) -> None:
    assert check_links(built_site, _site_url_of(built_site)) == []


def test_site_under_a_sub_path_has_no_broken_links(make_project, tmp_path: Path) -> None:
    project = make_project(
        {
            "content/deep/er/page.md": page(
                "Deep", "[Home](../../index.md), [help](../../get-help-now.md)."
            )
        }
    )
    out = tmp_path / "out"
    assert build(project, "--out", str(out), "--base-url", "https://example.org/iop/") == 0
    assert _site_url_of(out) == "https://example.org/iop/"
    assert check_links(out, "https://example.org/iop/") == []


def test_checker_reports_broken_links_anchors_and_assets(tmp_path: Path) -> None:
    """The checker must fail on what it claims to find, or its clean result means nothing."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text(
        '<h1 id="top">Home</h1>\n'
        '<a href="a/">fine</a> <a href="a/#here">fine anchor</a> <a href="#top">self</a>\n'
        '<a href="a/#nowhere">bad anchor</a>\n'
        '<a href="missing/">missing page</a>\n'
        '<img src="img/none.png" alt="">\n'
        '<a href="https://elsewhere.example/">external</a> <a href="tel:988">call</a>\n'
        '<a href="/other/">outside the site path</a>\n',
        encoding="utf-8",
    )
    (site / "a" / "index.html").write_text(
        '<p id="here"><a href="../#top">back</a></p>', encoding="utf-8"
    )
    (site / "sitemap.xml").write_text(
        "<urlset><url><loc>https://example.org/iop/a/</loc></url>"
        "<url><loc>https://example.org/iop/gone/</loc></url></urlset>",
        encoding="utf-8",
    )
    assert check_links(site, "https://example.org/iop/") == [
        "index.html:3: a/#nowhere (no id 'nowhere' in a/index.html)",
        "index.html:4: missing/ (no file missing/index.html)",
        "index.html:5: img/none.png (no file img/none.png)",
        "index.html:7: /other/ (outside the site's path /iop/)",
        "sitemap.xml: https://example.org/iop/gone/ (no file gone/index.html)",
    ]
