"""The built site behind Debian's nginx, deployed as README.md tells a deployer: copied with
`rsync -a` into a web root, served by workers running as the unprivileged ``www-data``. Every
page of both languages (English at the root, Spanish under /es/) runs under the generated
Content-Security-Policy without a single violation, search (in each language) and the 404 page
work, the Spanish self-assessment works, every response carries the security headers, and all of
it also under a sub-path.

Violations are collected twice over: a ``securitypolicyviolation`` listener installed before any
page script runs (Playwright's init scripts are injected by the browser, outside the page's
policy) and Chromium's console errors, which also cover what the listener cannot see.
"""

from __future__ import annotations

import pwd
import re
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from generator import deploy
from tests.browser.conftest import WORKER_USER, Nginx, start_nginx
from tests.browser.test_assessment_page import CALM, choose_audience, shown_result, walk
from tests.browser_helpers import axe_violations, first_search_result, site_pages
from tests.conftest import REPO, build, page, run_cli, serve_directory

SUB_PATH = "/iop/"
UNKNOWN = "no/such/deep/page/"
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(js|css)(\.map)?$")

_LISTEN_FOR_VIOLATIONS = """
window.__iopViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__iopViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}: ${event.sample}`
  );
}, true);
"""
_POLICY_MESSAGE = re.compile(r"Content[ -]Security[ -]Policy|Permissions-Policy", re.IGNORECASE)

# Each language's prefix on the site and its content folder.
LANGUAGES = {"": REPO / "content", "es/": REPO / "content" / "es"}
language_param = pytest.mark.parametrize(
    "language", list(LANGUAGES), ids=lambda language: language.strip("/") or "en"
)

INJECTED_SCRIPT = "window.iopInjected = true;"
TEMPLATE_SCRIPT = 'document.documentElement.dataset.iopTemplateScript = "ran";'


# ---------------------------------------------------------------- deploying, as README.md says


@pytest.fixture(scope="module")
def www_root() -> Iterator[Path]:
    """A web root like /var/www (0755), outside pytest's folders, which only root may enter."""
    folder = Path(tempfile.mkdtemp(prefix="iop-guide-www-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def rsync_deploy(site: Path, destination: Path) -> Path:
    """README.md's `rsync -a --delete site/ /var/www/iop-guide/`: it copies modes, the
    destination folder's own included."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["rsync", "-a", "--delete", f"{site}/", f"{destination}/"], check=True)
    return destination


# ---------------------------------------------------------------- servers


@pytest.fixture(scope="module")
def root_site(built_site: Path, www_root: Path) -> Path:
    """The real site at the root of its host, as most deployers publish it."""
    return rsync_deploy(built_site, www_root / "iop-guide")


@pytest.fixture(scope="module")
def root_server(root_site: Path, tmp_path_factory) -> Iterator[Nginx]:
    server = start_nginx(tmp_path_factory.mktemp("nginx-root"), root_site, root_site)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sub_path_site(tmp_path_factory, www_root: Path) -> Path:
    """The real site built for https://iop-guide.example.org/iop/, copied to <root>/iop/."""
    site = tmp_path_factory.mktemp("sub-path-build") / "site"
    code = run_cli(
        "build",
        "--config",
        str(REPO / "site-config.yml"),
        "--out",
        str(site),
        "--base-url",
        "https://iop-guide.example.org" + SUB_PATH,
    )
    assert code == 0
    return rsync_deploy(site, www_root / "iop-guide-sub" / SUB_PATH.strip("/"))


@pytest.fixture(scope="module")
def sub_path_server(sub_path_site: Path, tmp_path_factory) -> Iterator[Nginx]:
    server = start_nginx(tmp_path_factory.mktemp("nginx-sub"), sub_path_site.parent, sub_path_site)
    yield server
    server.stop()


@pytest.fixture
def serve_with_nginx(tmp_path: Path) -> Iterator[Callable[[Path], Nginx]]:
    """``serve_with_nginx(site)``: the site deployed with rsync into a new web root, served at
    its root; stopped and removed after the test."""
    servers: list[Nginx] = []
    roots: list[Path] = []

    def serve(site: Path) -> Nginx:
        www = Path(tempfile.mkdtemp(prefix="iop-guide-www-"))
        www.chmod(0o755)
        roots.append(www)
        deployed = rsync_deploy(site, www / "iop-guide")
        servers.append(start_nginx(tmp_path / f"nginx-{len(servers)}", deployed, deployed))
        return servers[-1]

    yield serve
    for server in servers:
        server.stop()
    for root in roots:
        shutil.rmtree(root)


@pytest.fixture(params=["root", "sub-path"])
def deployed(request) -> tuple[Path, str]:
    """(built site, its URL on nginx) for both ways of publishing it."""
    if request.param == "root":
        site, server = request.getfixturevalue("root_site"), request.getfixturevalue("root_server")
        return site, server.origin + "/"
    site, server = (
        request.getfixturevalue("sub_path_site"),
        request.getfixturevalue("sub_path_server"),
    )
    return site, server.origin + SUB_PATH


# ---------------------------------------------------------------- helpers


@pytest.fixture
def open_page(browser) -> Iterator:
    """``open_page(url, width)``: a page loaded in a fresh context, recording policy problems."""
    contexts = []

    def open_(url: str, width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        context.add_init_script(_LISTEN_FOR_VIOLATIONS)
        new_page = context.new_page()
        new_page.policy_messages = []
        new_page.page_errors = []
        new_page.on(
            "console",
            lambda message: (
                new_page.policy_messages.append(message.text)
                if _POLICY_MESSAGE.search(message.text)
                else None
            ),
        )
        new_page.on("pageerror", lambda error: new_page.page_errors.append(str(error)))
        new_page.last_response = new_page.goto(url)
        new_page.wait_for_load_state("networkidle")
        return new_page

    yield open_
    for context in contexts:
        context.close()


def policy_problems(loaded_page) -> list[str]:
    return loaded_page.evaluate("window.__iopViolations") + loaded_page.policy_messages


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """A plain HTTP GET that does not follow redirects, as a cache or crawler sees the response."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def assert_security_headers(headers: dict[str, str], site: Path, what: str) -> None:
    policy = headers.get("Content-Security-Policy", "")
    directives = dict(d.split(" ", 1) for d in policy.split("; ") if " " in d)
    assert directives.get("default-src") == "'self'", what
    assert directives.get("frame-ancestors") == "'none'", what
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, what
    assert directives["script-src"].split() == ["'self'", *deploy.inline_script_hashes(site)], what
    assert headers.get("Referrer-Policy") == "no-referrer", what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    denied = headers.get("Permissions-Policy", "").split(", ")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in denied, what
    assert headers.get("X-Frame-Options") == "DENY", what


# ---------------------------------------------------------------- an unprivileged worker


def test_workers_run_as_the_unprivileged_user(root_server, sub_path_server) -> None:
    www_data = pwd.getpwnam(WORKER_USER).pw_uid
    assert www_data != 0
    for server in (root_server, sub_path_server):
        assert server.worker_uids() == {www_data}


def test_deployed_copy_keeps_the_modes_a_worker_can_read(deployed) -> None:
    site, url = deployed
    for path in [site, *site.rglob("*")]:
        expected = 0o755 if path.is_dir() else 0o644
        assert path.stat().st_mode & 0o777 == expected, path
    status, _, body = fetch(url)
    assert status == 200 and b"</html>" in body


def test_a_build_folder_only_its_builder_can_read_answers_403(
    built_site: Path, serve_with_nginx
) -> None:
    """What every deploy got before: mkdtemp's 0700, carried to the web root by `rsync -a`.
    The worker cannot enter it, so this setup would have caught that bug."""
    private = Path(tempfile.mkdtemp(prefix="iop-guide-private-"))
    try:
        shutil.copytree(built_site, private, dirs_exist_ok=True)
        private.chmod(0o700)
        server = serve_with_nginx(private)
        status, _, _ = fetch(server.origin + "/")
        assert status == 403
        assert "Permission denied" in server.error_log()
    finally:
        shutil.rmtree(private)


# ---------------------------------------------------------------- every page, every header


def _language_pages(site: Path, language: str) -> list[str]:
    """The built pages of one language: the Spanish ones under es/, the English ones elsewhere."""
    if language:
        return [path for path in site_pages(site) if path.startswith(language)]
    others = tuple(prefix for prefix in LANGUAGES if prefix)
    return [path for path in site_pages(site) if not path.startswith(others)]


@language_param
def test_every_page_runs_without_a_policy_violation(deployed, open_page, language: str) -> None:
    site, url = deployed
    pages = _language_pages(site, language)
    # Every page of the language's content folder was built and is checked.
    assert len(pages) == len(list(LANGUAGES[language].glob("*.md"))) > 2
    paths = [*pages, language + UNKNOWN]
    problems = {}
    for path in paths:
        loaded = open_page(url + path)
        found = policy_problems(loaded) + loaded.page_errors
        # Material's script ran: it replaces the no-js class on <html> with js.
        if "no-js" in (loaded.get_attribute("html", "class") or ""):
            found.append("Material's script did not run")
        if found:
            problems[path or "home"] = found
    assert problems == {}


def test_every_file_has_the_headers_and_only_fingerprinted_files_are_cached_long(
    deployed,
) -> None:
    site, url = deployed
    files = [
        p.relative_to(site).as_posix()
        for p in sorted(site.rglob("*"))
        if p.is_file() and not p.relative_to(site).as_posix().startswith(("_deploy/", "_headers"))
    ]
    long_cached = []
    for relative in files:
        status, headers, _ = fetch(url + relative)
        assert status == 200, relative
        assert_security_headers(headers, site, relative)
        cache = headers.get("Cache-Control", "")
        if FINGERPRINTED.search(relative):
            assert cache == "public, max-age=31536000, immutable", relative
            long_cached.append(relative)
        else:
            assert cache == "no-cache", relative
    assert any(name.startswith("assets/javascripts/bundle.") for name in long_cached)
    assert "assets/stylesheets/iop-guide.css" in files


@pytest.mark.parametrize("path", [UNKNOWN, "no-such-page", "assets/", "_headers", "_deploy/"])
def test_unknown_and_private_paths_get_the_404_page_with_status_404(deployed, path) -> None:
    site, url = deployed
    status, headers, body = fetch(url + path)
    assert status == 404
    assert b'<h1 id="page-not-found">Page not found</h1>' in body
    assert_security_headers(headers, site, path)
    assert headers.get("Cache-Control") == "no-cache"


def test_unknown_spanish_path_gets_the_spanish_404_page(deployed) -> None:
    """A Spanish reader who follows a broken link under /es/ gets the Spanish edition's own
    not-found page (es/404.html is built), with status 404 and the security headers."""
    site, url = deployed
    assert (site / "es" / "404.html").is_file()
    status, headers, body = fetch(url + "es/" + UNKNOWN)
    assert status == 404
    assert b'<html lang="es"' in body, body[:200]
    assert_security_headers(headers, site, "es/" + UNKNOWN)


def test_folder_address_without_slash_redirects_on_the_same_host(deployed) -> None:
    site, url = deployed
    status, headers, _ = fetch(url + "get-help-now")
    assert status == 301
    # A relative Location keeps the reader on the address they used, behind any proxy.
    assert headers["Location"] == urlsplit(url).path + "get-help-now/"
    assert_security_headers(headers, site, "redirect")


def test_not_found_page_is_styled_and_its_ways_on_work_at_any_depth(deployed, open_page) -> None:
    _, url = deployed
    loaded = open_page(url + UNKNOWN + "even/deeper/")
    assert loaded.last_response.status == 404
    assert policy_problems(loaded) == []
    # Every stylesheet loaded (a relative URL would have 404ed at this depth) and applies.
    sheets = loaded.evaluate(
        "() => [...document.querySelectorAll('link[rel=stylesheet]')].map(l => !!l.sheet)"
    )
    assert sheets and all(sheets)
    assert loaded.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == (
        "sticky"
    )
    assert loaded.locator(".iop-crisis a[href='tel:988']").is_visible()
    assert axe_violations(loaded) == []
    home = loaded.get_by_role("link", name="Go to the home page")
    home.click()
    loaded.wait_for_load_state()
    assert loaded.url == url
    loaded.go_back()
    loaded.get_by_role("link", name="Get help now", exact=True).first.click()
    loaded.wait_for_load_state()
    assert loaded.url == url + "get-help-now/"


# ---------------------------------------------------------------- search under the policy


def _get_help_now_title(site: Path, language: str = "") -> str:
    html = (site / language / "get-help-now" / "index.html").read_text(encoding="utf-8")
    return re.search(r"<h1[^>]*>(.*?)<", html).group(1).strip()


@pytest.mark.parametrize("width", [1280, 375])
@language_param
def test_search_works_under_the_policy(deployed, open_page, language: str, width: int) -> None:
    site, url = deployed
    loaded = open_page(url + language, width=width)
    if width < 960:
        loaded.click('label.md-header__button[for="__search"]')
    href = first_search_result(loaded, _get_help_now_title(site, language))
    assert href.startswith(url + language + "get-help-now/")
    links = loaded.locator(".md-search-result__item a").evaluate_all("ls => ls.map(l => l.href)")
    if language:
        assert all(link.startswith(url + language) for link in links), links
    assert policy_problems(loaded) == []


def test_search_from_the_not_found_page(deployed, open_page) -> None:
    site, url = deployed
    loaded = open_page(url + UNKNOWN)
    loaded.fill("#iop-not-found-query", _get_help_now_title(site))
    loaded.get_by_role("button", name="Search", exact=True).click()
    first = loaded.locator(".md-search-result__item").first
    first.wait_for(timeout=10_000)
    assert first.locator("a").first.get_attribute("href").startswith(url + "get-help-now/")
    assert policy_problems(loaded) == []


# ---------------------------------------------------------------- the policy follows the templates


@pytest.fixture
def fixture_site(make_project) -> Path:
    """A small site whose template adds an inline script of its own."""
    main = (REPO / "templates" / "main.html").read_text(encoding="utf-8")
    main += (
        "\n{% block scripts %}\n  {{ super() }}\n"
        f"  <script>{TEMPLATE_SCRIPT}</script>\n{{% endblock %}}\n"
    )
    project = make_project(
        {
            "templates/main.html": main,
            "content/deep/er/page.md": page("Deep", "Back [home](../../index.md)."),
        }
    )
    assert build(project) == 0
    return project / "site"


def _inject_script_after_the_build(site: Path, relative: str) -> None:
    """A page with an inline script the policy has never seen, as a hand edit or stale policy."""
    path = site / relative
    html = path.read_text(encoding="utf-8")
    path.write_text(html.replace("</body>", f"<script>{INJECTED_SCRIPT}</script></body>"))


def test_inline_script_added_by_a_template_runs_under_the_generated_policy(
    fixture_site: Path, serve_with_nginx, open_page
) -> None:
    server = serve_with_nginx(fixture_site)
    for path in ["", "get-help-now/", "deep/er/page/", UNKNOWN]:
        loaded = open_page(server.origin + "/" + path)
        assert policy_problems(loaded) == [], path
        ran = loaded.evaluate("document.documentElement.dataset.iopTemplateScript")
        assert ran == "ran", path


def test_a_page_with_an_inline_script_missing_from_the_policy_is_caught(
    fixture_site: Path, serve_with_nginx, open_page
) -> None:
    """The zero-violation tests above can fail: an unhashed inline script is blocked and seen."""
    _inject_script_after_the_build(fixture_site, "deep/er/page/index.html")
    server = serve_with_nginx(fixture_site)
    loaded = open_page(server.origin + "/deep/er/page/")
    assert loaded.evaluate("window.iopInjected") is None
    problems = policy_problems(loaded)
    assert any(p.startswith("script-src-elem blocked inline") for p in problems), problems
    assert any("Content Security Policy" in p for p in problems), problems
    # The template's own script, which the policy knows, still ran.
    ran = loaded.evaluate("document.documentElement.dataset.iopTemplateScript")
    assert ran == "ran"


# ---------------------------------------------------------------- hosts without headers


def test_meta_policy_protects_a_site_on_a_host_without_headers(
    fixture_site: Path, open_page
) -> None:
    """GitHub Pages sends no custom headers: the <meta> policy must allow ours and block others."""
    assert deploy.main(["meta-policy", str(fixture_site)]) == 0
    _inject_script_after_the_build(fixture_site, "get-help-now/index.html")
    process, url = serve_directory(fixture_site)
    try:
        loaded = open_page(url)
        assert policy_problems(loaded) == []
        assert loaded.evaluate("document.documentElement.dataset.iopTemplateScript") == "ran"
        blocked = open_page(url + "get-help-now/")
        assert blocked.evaluate("window.iopInjected") is None
        assert any(p.startswith("script-src-elem blocked inline") for p in policy_problems(blocked))
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_self_assessment_works_under_the_policy(deployed, open_page) -> None:
    """The page script, its JSON data and its styles all run under the strict policy: the danger
    screen shows help at once, and a full walk-through reaches a result."""
    _site, url = deployed
    loaded = open_page(url + "self-assessment/")
    choose_audience(loaded, "self")
    loaded.click("label[for='q-harm-yes']")
    assert loaded.locator("#q-harm + .iop-urgent").is_visible()
    loaded.click("label[for='q-harm-no']")

    loaded = open_page(url + "self-assessment/")
    walk(loaded, "self", CALM)
    assert shown_result(loaded)["level"] == "outpatient"
    assert policy_problems(loaded) == [] and loaded.page_errors == []


def test_spanish_self_assessment_works_under_the_policy(deployed, open_page) -> None:
    """The Spanish page's script, its JSON data (the Spanish words) and its styles run under the
    strict policy: the danger screen shows help at once, in Spanish, and a walk-through reaches
    a result named in Spanish."""
    _site, url = deployed
    spanish = yaml.safe_load(
        (REPO / "content" / "es" / "data" / "assessment.yml").read_text(encoding="utf-8")
    )
    names = {level["id"]: level["name"] for level in spanish["levels"]}
    loaded = open_page(url + "es/self-assessment/")
    assert loaded.evaluate("document.documentElement.lang") == "es"
    choose_audience(loaded, "other")
    loaded.click("label[for='q-harm-yes']")
    urgent = loaded.locator("#q-harm + .iop-urgent")
    assert urgent.is_visible()
    assert names["crisis"] in urgent.inner_text()
    assert urgent.locator("a[href='tel:988']").count() >= 1
    loaded.click("label[for='q-harm-no']")

    loaded = open_page(url + "es/self-assessment/")
    walk(loaded, "self", {**CALM, "alcohol": "heavy_most_days"})
    assert shown_result(loaded)["level"] == "withdrawal"
    level = loaded.locator(".iop-result [data-level='withdrawal'] .iop-result__name")
    assert level.inner_text().strip() == names["withdrawal"]
    assert policy_problems(loaded) == [] and loaded.page_errors == []
