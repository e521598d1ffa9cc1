"""Files a host needs beside the built pages: security headers (Netlify / Cloudflare Pages
``_headers`` and an nginx snippet) and ``robots.txt``.

The Content-Security-Policy allows no inline script except by hash, and the hashes are computed
from the built HTML itself, after every page is written: whatever Material or our templates
emit inline is allowed exactly, and nothing else is. Material's inline scripts differ with a
page's depth (they embed the relative ``base_url``), so every page is scanned, once, with
compiled byte patterns rather than an HTML parser: the scan must stay cheap at thousands of pages.

Everything written here is sorted and free of dates, so two builds of the same inputs give
byte-identical files.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import os
import re
import stat
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from generator.errors import SiteError

# The folder, inside the output, for files meant for the server's configuration rather than for
# readers. The generated nginx snippet refuses to serve it; its contents are public headers only.
DEPLOY_FOLDER = "_deploy"
NGINX_SNIPPET = f"{DEPLOY_FOLDER}/nginx-site.conf"
HEADERS_FILE = "_headers"

# Material's build names its bundles after their content (bundle.a5f9d56c.min.js): a new
# release gets a new name, so only these may be cached for a year. Our own CSS and JS keep
# their names across edits and must be revalidated.
_FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)(?:\.map)?$")
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "no-cache"

# Features a reader's browser must refuse to this site, whatever a future page might try.
# Only names Chromium recognises: it logs a warning for an unknown one on every page.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "picture-in-picture",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "storage-access",
    "usb",
    "window-management",
    "xr-spatial-tracking",
)

# <script ...>text</script>: the HTML parser ends a script at the first "</script" that
# "\s*>" follows, so the text up to there is exactly the text the browser hashes.
_SCRIPT_OPENING = re.compile(rb"<script\b([^>]*)>", re.IGNORECASE)
_SCRIPT_CLOSING_REST = re.compile(rb"\s*>")
_SRC_ATTRIBUTE = re.compile(rb"(?:^|\s)src(?:\s*=|\s|/|$)", re.IGNORECASE)
_TYPE_ATTRIBUTE = re.compile(
    rb"""(?:^|\s)type\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE
)
# Script types the browser runs (the HTML standard's JavaScript MIME types, modules, and the
# inline JSON types that CSP still governs). Anything else, such as application/json or
# application/ld+json, is a data block: never executed, so it needs no hash.
_EXECUTABLE_TYPES = frozenset(
    [
        b"",
        b"module",
        b"importmap",
        b"speculationrules",
        *(
            b"application/" + name
            for name in (b"ecmascript", b"javascript", b"x-ecmascript", b"x-javascript")
        ),
        *(
            b"text/" + name
            for name in (
                b"ecmascript",
                b"javascript",
                b"javascript1.0",
                b"javascript1.1",
                b"javascript1.2",
                b"javascript1.3",
                b"javascript1.4",
                b"javascript1.5",
                b"jscript",
                b"livescript",
                b"x-ecmascript",
                b"x-javascript",
            )
        ),
    ]
)
_NEWLINES = re.compile(rb"\r\n?")


# The same few attribute strings come back on every page.
@functools.lru_cache(maxsize=256)
def _is_executable_inline(attributes: bytes) -> bool:
    if _SRC_ATTRIBUTE.search(attributes):
        return False
    match = _TYPE_ATTRIBUTE.search(attributes)
    if match is None:
        return True
    declared = next(group for group in match.groups() if group is not None)
    # Parameters such as "; charset=utf-8" do not change whether the browser runs it.
    essence = declared.split(b";", 1)[0].strip().lower()
    return essence in _EXECUTABLE_TYPES


def inline_script_texts(html: bytes) -> list[bytes]:
    """The text of every inline script in a page that the browser would run.

    Candidates are found with ``find`` on a lower-cased copy: ``bytes.lower`` changes ASCII
    letters only, as a case-blind bytes pattern does, so every offset is kept. One pattern for
    the whole element, with a lazy ``(.*?)`` for its text, tried the closing tag at every byte of
    every script; this scan runs over every page of the site."""
    lowered = html.lower()
    texts = []
    position = 0
    while (start := lowered.find(b"<script", position)) >= 0:
        opening = _SCRIPT_OPENING.match(html, start)
        if opening is None:
            position = start + 1
            continue
        end = opening.end()
        while (end := lowered.find(b"</script", end)) >= 0:
            closing = _SCRIPT_CLOSING_REST.match(html, end + len(b"</script"))
            if closing is not None:
                break
            end += 1
        if end < 0:  # no closing tag after this one, so none after any later one either
            break
        if _is_executable_inline(opening.group(1)):
            texts.append(html[opening.end() : end])
        position = closing.end()
    return texts


def script_hash(text: bytes) -> str:
    """The CSP source for one inline script, e.g. ``'sha256-…'``.

    Browsers hash the element's text after the parser has turned CR LF and lone CR into LF.
    """
    digest = hashlib.sha256(_NEWLINES.sub(b"\n", text)).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _html_files(site_dir: Path) -> Iterable[Path]:
    for folder, subfolders, names in os.walk(site_dir):
        if Path(folder) == site_dir and DEPLOY_FOLDER in subfolders:
            subfolders.remove(DEPLOY_FOLDER)
        for name in names:
            if name.endswith(".html"):
                yield Path(folder, name)


def inline_script_hashes(site_dir: Path) -> list[str]:
    """The sorted, distinct hashes of every executable inline script in the built site."""
    texts: set[bytes] = set()
    for path in _html_files(site_dir):
        texts.update(inline_script_texts(path.read_bytes()))
    return sorted({script_hash(text) for text in texts})


def content_security_policy(script_hashes: Sequence[str], *, for_meta: bool = False) -> str:
    """The policy for every response.

    Everything comes from the site's own origin. Images also allow ``data:`` because Material's
    stylesheet draws its icons from data: SVG URLs. ``frame-ancestors`` is left out of the
    ``<meta>`` form (``for_meta``), where browsers ignore it and log an error instead.
    """
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(["'self'", *script_hashes]),
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    if not for_meta:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


def security_headers(script_hashes: Sequence[str]) -> list[tuple[str, str]]:
    """The headers every response carries, in a fixed order."""
    return [
        ("Content-Security-Policy", content_security_policy(script_hashes)),
        ("Referrer-Policy", "no-referrer"),
        ("X-Content-Type-Options", "nosniff"),
        ("Permissions-Policy", ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)),
        # Older browsers know only this form of frame-ancestors 'none'.
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        # Browsers ignore it over plain HTTP, so it is safe to send everywhere; over HTTPS it
        # keeps a reader from ever being downgraded. No includeSubDomains: other hosts of the
        # domain are not ours to decide for.
        ("Strict-Transport-Security", "max-age=31536000"),
    ]


def fingerprinted_assets(site_dir: Path, language_prefixes: Sequence[str] = ("",)) -> list[str]:
    """Paths (relative to the output, with /) of the files that may be cached for a year: the
    theme's assets of every language's build (each writes its own, es/assets/...)."""
    found = [
        path.relative_to(site_dir).as_posix()
        for prefix in language_prefixes
        for path in (site_dir / prefix / "assets").rglob("*")
        if path.is_file() and _FINGERPRINTED.search(path.name)
    ]
    return sorted(found)


def site_path(site_url: str) -> str:
    """The path the site is served under: '/' or, for https://example.org/iop/, '/iop/'."""
    path = urlsplit(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


_GENERATED = "Generated by `iop-guide build` from the built pages: do not edit, rebuild instead."


def render_headers_file(headers: Sequence[tuple[str, str]], long_cached: Sequence[str]) -> str:
    """Netlify / Cloudflare Pages ``_headers``: paths are relative to the published folder.

    No Cache-Control for the catch-all rule: both hosts join the values of every rule that
    matches a path, and their default (revalidate) is what unfingerprinted files need.
    """
    lines = [
        f"# {_GENERATED}",
        "# Read by Netlify and Cloudflare Pages; see README.md, Deploying.",
        "/*",
    ]
    lines += [f"  {name}: {value}" for name, value in headers]
    for path in long_cached:
        lines += [f"/{path}", f"  Cache-Control: {LONG_CACHE}"]
    return "\n".join(lines) + "\n"


def render_nginx_snippet(
    headers: Sequence[tuple[str, str]],
    long_cached: Sequence[str],
    path: str,
    language_prefixes: Sequence[str] = ("",),
) -> str:
    """An nginx snippet for inside a ``server {}`` block whose ``root`` holds the site at ``path``.

    The headers are added once, in the outer location, with ``always`` so 404 responses carry
    them too: a nested location that added a header of its own would inherit none of them, so
    the exact-match locations of the fingerprinted files only set the Cache-Control value.
    ``_headers`` and this folder are refused, as they are configuration, not pages.
    """
    lines = [
        f"# {_GENERATED}",
        "# Include it inside a server block (see deploy/nginx.conf) and reload nginx after every",
        "# deploy: the Content-Security-Policy hashes come from this build's pages.",
        f"location {path} {{",
        "    charset utf-8;",
        "    # Redirects (/page -> /page/) keep the address the reader used, behind any proxy.",
        "    absolute_redirect off;",
        f"    error_page 404 {path}404.html;",
        "    # A folder without a page (/deep/) is not found, not forbidden.",
        f"    error_page 403 =404 {path}404.html;",
        f'    set $iop_guide_cache "{SHORT_CACHE}";',
        *(f'    add_header {name} "{value}" always;' for name, value in headers),
        "    add_header Cache-Control $iop_guide_cache always;",
        "",
        f"    location = {path}{HEADERS_FILE} {{",
        "        return 404;",
        "    }",
        f"    location ^~ {path}{DEPLOY_FOLDER}/ {{",
        "        return 404;",
        "    }",
    ]
    for asset in long_cached:
        lines += [
            f"    location = {path}{asset} {{",
            f'        set $iop_guide_cache "{LONG_CACHE}";',
            "    }",
        ]
    # Each other language's addresses that do not exist get that language's 404 page.
    for prefix in (prefix for prefix in language_prefixes if prefix):
        lines += [
            f"    location {path}{prefix} {{",
            f"        error_page 404 {path}{prefix}404.html;",
            f"        error_page 403 =404 {path}{prefix}404.html;",
            f'        set $iop_guide_cache "{SHORT_CACHE}";',
            "    }",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_robots(site_url: str, language_prefixes: Sequence[str] = ("",)) -> str:
    """Everything may be crawled; the sitemap needs an absolute URL, so only with a site_url.
    Each language's build writes its own sitemap, under its prefix."""
    lines = ["User-agent: *", "Disallow:"]
    if site_url:
        base = site_url if site_url.endswith("/") else site_url + "/"
        lines.append("")
        lines += [f"Sitemap: {base}{prefix}sitemap.xml" for prefix in language_prefixes]
    return "\n".join(lines) + "\n"


def _write_if_changed(path: Path, text: str) -> None:
    # `iop-guide serve` rebuilds on every save; leaving unchanged files alone keeps it quiet.
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_deploy_files(
    site_dir: Path, site_url: str, language_prefixes: Sequence[str] = ("",)
) -> None:
    """Write ``_headers``, the nginx snippet and ``robots.txt`` into the built site, once every
    language is in it (the policy hashes every page's inline scripts)."""
    headers = security_headers(inline_script_hashes(site_dir))
    long_cached = fingerprinted_assets(site_dir, language_prefixes)
    _write_if_changed(site_dir / HEADERS_FILE, render_headers_file(headers, long_cached))
    _write_if_changed(
        site_dir / NGINX_SNIPPET,
        render_nginx_snippet(headers, long_cached, site_path(site_url), language_prefixes),
    )
    _write_if_changed(site_dir / "robots.txt", render_robots(site_url, language_prefixes))


# ------------------------------------------------- the address the site is built for

# Names reserved for examples and tests (RFC 2606, RFC 6761): a site built for one of them has
# canonical links, a sitemap and a robots.txt that point at a domain that is not the publisher's.
_EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")
_EXAMPLE_TOP_LEVEL = ("example", "test", "invalid", "localhost")


def is_example_address(site_url: str) -> bool:
    """Whether ``site_url`` is on a reserved example host (``iop-guide.example.org`` and co)."""
    host = (urlsplit(site_url).hostname or "").rstrip(".").lower()
    if not host:
        return False
    if any(host == domain or host.endswith("." + domain) for domain in _EXAMPLE_DOMAINS):
        return True
    return host.rsplit(".", 1)[-1] in _EXAMPLE_TOP_LEVEL


def example_address_problem(site_url: str, path: str, line: int | None) -> SiteError | None:
    """A release problem when the site is built for an example address, else None."""
    if not is_example_address(site_url):
        return None
    return SiteError(
        path,
        f"the site is built for {site_url}, an example address: its canonical links, sitemap "
        "and robots.txt would point at a domain that is not yours",
        "set site_url to the address the site will be published at, or pass "
        "--base-url https://your-address/ to `iop-guide build`",
        line=line,
        key="site_url",
    )


# ------------------------------------------------- file modes a web server can read

# What the published folder must let a web server running as another user (Debian's nginx:
# www-data) do: read files, and read and enter folders.
_OTHERS_READ_FILE = stat.S_IROTH
_OTHERS_READ_FOLDER = stat.S_IROTH | stat.S_IXOTH


def current_umask() -> int:
    """The process's umask (it can only be read by setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def published_modes(umask: int) -> tuple[int, int]:
    """(folder mode, file mode) that ``mkdir`` and ``open`` give under ``umask``:
    0755 and 0644 under the usual 022."""
    return 0o777 & ~umask, 0o666 & ~umask


def give_published_mode(folder: Path, umask: int) -> None:
    """Give a folder made by ``tempfile.mkdtemp`` (always 0700) the mode ``mkdir`` would have.

    ``rsync -a`` copies modes, so a 0700 output folder becomes a 0700 web root that nginx's
    worker cannot enter: every page answers 403.
    """
    folder.chmod(published_modes(umask)[0])


def mode_problems(site_dir: Path, umask: int, shown: str = "") -> list[SiteError]:
    """Every file or folder in ``site_dir`` whose mode is not what ``umask`` gives.

    Such a mode comes from a step that chose its own (as ``mkdtemp`` does), not from the person
    building, so it is an error in the build, never left to the web server to find. ``shown``
    names the folder in messages (the output folder, not the temporary one being checked).
    """
    shown = shown or site_dir.name
    folder_mode, file_mode = published_modes(umask)
    problems: list[SiteError] = []
    entries = [site_dir, *site_dir.rglob("*")]
    for entry in entries:
        info = entry.lstat()
        if stat.S_ISLNK(info.st_mode):
            continue
        expected = folder_mode if stat.S_ISDIR(info.st_mode) else file_mode
        actual = stat.S_IMODE(info.st_mode)
        if actual != expected:
            relative = entry.relative_to(site_dir).as_posix()
            problems.append(
                SiteError(
                    f"{shown}/{relative}" if relative != "." else shown,
                    f"has mode {actual:04o}, not the {expected:04o} the umask ({umask:04o}) gives",
                    "this is a bug in the build: please report it; meanwhile run "
                    f"`chmod -R a+rX {shown}` before deploying",
                )
            )
    return problems


def umask_warning(umask: int) -> str | None:
    """A warning when the umask itself hides the site from a web server running as another
    user; None for the usual 022 or 002."""
    folder_mode, file_mode = published_modes(umask)
    if folder_mode & _OTHERS_READ_FOLDER == _OTHERS_READ_FOLDER and file_mode & _OTHERS_READ_FILE:
        return None
    return (
        f"your umask is {umask:04o}, so the site's folders are {folder_mode:04o} and its files "
        f"{file_mode:04o}: a web server running as another user (Debian's nginx runs as "
        "www-data) will answer 403. Build with `umask 022` first, or run `chmod -R a+rX` on the "
        "output folder before copying it"
    )


# ------------------------------------------------- hosts that cannot set headers (GitHub Pages)

_CHARSET_META = re.compile(rb"<meta\s+charset=[^>]*>", re.IGNORECASE)
_HEAD = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)
_META_MARKER = b'<meta http-equiv="Content-Security-Policy"'


def add_policy_meta_tags(site_dir: Path) -> int:
    """Put the policy and referrer rule into every page, for hosts that send no custom headers.

    A ``<meta>`` policy cannot carry frame-ancestors, and nosniff and Permissions-Policy have no
    ``<meta>`` form at all: this is the most such a host allows. The tags go right after
    ``<meta charset>``, before any script, since a policy applies only to what follows it.
    Returns the number of pages changed; pages that already have a policy are left alone.
    """
    policy = content_security_policy(inline_script_hashes(site_dir), for_meta=True)
    tags = (
        f'{_META_MARKER.decode()} content="{policy}"><meta name="referrer" content="no-referrer">'
    ).encode()
    changed = 0
    for path in sorted(_html_files(site_dir)):
        html = path.read_bytes()
        if _META_MARKER in html:
            continue
        anchor = _CHARSET_META.search(html) or _HEAD.search(html)
        if anchor is None:
            continue
        path.write_bytes(html[: anchor.end()] + tags + html[anchor.end() :])
        changed += 1
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator.deploy",
        description="Deploy helpers for a built site.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    meta = commands.add_parser(
        "meta-policy",
        help="add the Content-Security-Policy and referrer rule to every page as <meta> tags, "
        "for hosts that cannot send headers (GitHub Pages)",
    )
    meta.add_argument("site_dir", type=Path, help="the built site, e.g. site/")
    args = parser.parse_args(argv)
    if not (args.site_dir / "index.html").is_file():
        print(f"{args.site_dir} is not a built site (no index.html)", file=sys.stderr)
        return 1
    changed = add_policy_meta_tags(args.site_dir)
    print(f"Added the policy to {changed} pages in {args.site_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
