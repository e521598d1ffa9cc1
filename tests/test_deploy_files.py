"""The deploy files written with every build: headers for static hosts and nginx, robots.txt,
the 404 page, and the addresses a --base-url build puts in canonical, Open Graph and sitemap."""

from __future__ import annotations

import os
import random
import re
import shlex
from pathlib import Path

import pytest
import yaml

from generator import cli, deploy
from tests.conftest import REPO, build, page, reviewed_defaults

# The known-answer example of CSP hash sources (CSP Level 3, "hash-source"; also on web.dev).
KNOWN_SCRIPT = b"alert('Hello, world.');"
KNOWN_HASH = "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"

TEMPLATE_SCRIPT = 'document.documentElement.dataset.iopTemplateScript = "ran";'
MAIN_WITH_SCRIPT = (REPO / "templates" / "main.html").read_text(encoding="utf-8") + (
    f"\n{{% block scripts %}}\n  {{{{ super() }}}}\n  <script>{TEMPLATE_SCRIPT}</script>\n"
    "{% endblock %}\n"
)


def _headers_file(site: Path) -> dict[str, dict[str, str]]:
    """``_headers`` as {path: {header: value}}, read the way Netlify and Cloudflare read it."""
    rules: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in (site / "_headers").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith(" "):
            name, _, value = line.strip().partition(": ")
            current[name] = value
        else:
            current = rules.setdefault(line.strip(), {})
    return rules


def _nginx_policy(site: Path) -> str:
    snippet = (site / "_deploy" / "nginx-site.conf").read_text(encoding="utf-8")
    policies = re.findall(r'add_header Content-Security-Policy "([^"]+)" always;', snippet)
    assert len(policies) == 1, "one policy, set once for every location"
    return policies[0]


def _script_sources(policy: str) -> list[str]:
    directive = next(d for d in policy.split("; ") if d.startswith("script-src "))
    return directive.split()[1:]


# ---------------------------------------------------------------- inline scripts and hashes


def test_hash_matches_the_known_answer_and_ignores_line_ending_style() -> None:
    assert deploy.script_hash(KNOWN_SCRIPT) == KNOWN_HASH
    # The HTML parser turns CR LF and lone CR into LF before the browser hashes the text.
    assert deploy.script_hash(b"a();\r\nb();\rc();") == deploy.script_hash(b"a();\nb();\nc();")


def test_only_scripts_the_browser_runs_inline_are_hashed() -> None:
    html = b"""
    <script>plain()</script>
    <SCRIPT type="text/javascript">typed()</SCRIPT >
    <script type='module'>module()</script>
    <script type="application/javascript; charset=utf-8">withParameter()</script>
    <script data-src="x.js">dataSourceIsNotSrc()</script>
    <script src="bundle.js"></script>
    <script defer src=other.js></script>
    <script type="application/json" id="__config">{"base": "."}</script>
    <script type="application/ld+json">{"@type": "MedicalWebPage"}</script>
    <script type="text/template"><p>not run</p></script>
    <script>if (a < b && "</p>") { lessThan() }</script>
    """
    assert deploy.inline_script_texts(html) == [
        b"plain()",
        b"typed()",
        b"module()",
        b"withParameter()",
        b"dataSourceIsNotSrc()",
        b'if (a < b && "</p>") { lessThan() }',
    ]


# The single pattern the scan used before it looked for the tags with find: the reference.
_WHOLE_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SCRIPT_PIECES = (
    b"<script>", b"<SCRIPT type='module'>", b'<script type="application/json">', b"<script src=x>",
    b"<Script\n>", b"<scriptx>", b"<script", b"</script>", b"</SCRIPT >", b"</script\n\t>",
    b"</scriptx>", b"</script", b">", b"<", b"a();", b"\r\n", "é".encode(), b"<p>", b"",
)  # fmt: skip


def test_the_scan_finds_what_the_single_pattern_found_on_random_markup() -> None:
    chooser = random.Random(20261207)
    found = 0
    for _ in range(3000):
        html = b"".join(chooser.choice(_SCRIPT_PIECES) for _ in range(chooser.randint(0, 40)))
        expected = [
            match.group(2)
            for match in _WHOLE_SCRIPT.finditer(html)
            if deploy._is_executable_inline(match.group(1))
        ]
        assert deploy.inline_script_texts(html) == expected, html
        found += bool(expected)
    assert found > 1000


def test_policy_is_strict() -> None:
    policy = deploy.content_security_policy([KNOWN_HASH])
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == f"'self' {KNOWN_HASH}"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "*" not in policy
    # In a <meta> element browsers ignore frame-ancestors and log an error for it.
    assert "frame-ancestors" not in deploy.content_security_policy([KNOWN_HASH], for_meta=True)


# ---------------------------------------------------------------- whole builds


@pytest.fixture
def built_project(make_project) -> Path:
    """A fixture site with a page two folders deep and a template that adds an inline script."""
    project = make_project(
        {
            "templates/main.html": MAIN_WITH_SCRIPT,
            "content/deep/er/page.md": page("Deep", "Back [home](../../index.md)."),
        }
    )
    assert build(project) == 0
    return project / "site"


def test_inline_script_from_a_template_is_hashed_in_every_format(built_project: Path) -> None:
    ours = deploy.script_hash(TEMPLATE_SCRIPT.encode())
    headers_policy = _headers_file(built_project)["/*"]["Content-Security-Policy"]
    assert ours in _script_sources(headers_policy)
    assert headers_policy == _nginx_policy(built_project)


def test_policy_has_a_hash_for_every_inline_script_and_nothing_else(built_project: Path) -> None:
    expected = set()
    for html in built_project.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", text, re.DOTALL):
            if "src=" not in attributes and "type=" not in attributes:
                expected.add(deploy.script_hash(body.encode()))
    sources = _script_sources(_nginx_policy(built_project))
    assert sources[0] == "'self'"
    assert sources[1:] == sorted(expected)
    # Material's scripts embed the page's depth, so a site with pages at several depths has
    # several versions of them; the JSON-LD data blocks are not among the hashes.
    assert len(expected) > 2
    assert '<script type="application/ld+json">' in (built_project / "index.html").read_text()


def test_headers_file_has_every_security_header_and_caches_only_fingerprinted_assets(
    built_project: Path,
) -> None:
    rules = _headers_file(built_project)
    everything = rules.pop("/*")
    assert everything["Referrer-Policy"] == "no-referrer"
    assert everything["X-Content-Type-Options"] == "nosniff"
    denied = everything["Permissions-Policy"].split(", ")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "display-capture"):
        assert f"{feature}=()" in denied
    assert "frame-ancestors 'none'" in everything["Content-Security-Policy"]
    assert "Cache-Control" not in everything, "hosts would join it with the immutable rule"

    long_cached = {
        path for path, headers in rules.items() if "immutable" in headers["Cache-Control"]
    }
    assert set(rules) == long_cached
    assets = {
        "/" + p.relative_to(built_project).as_posix()
        for p in (built_project / "assets").rglob("*")
        if p.is_file()
    }
    fingerprinted = {a for a in assets if re.search(r"\.[0-9a-f]{8}\.min\.(js|css)(\.map)?$", a)}
    assert any(a.startswith("/assets/javascripts/bundle.") for a in fingerprinted)
    assert long_cached == fingerprinted
    assert "/assets/stylesheets/iop-guide.css" in assets - long_cached


def test_nginx_snippet_serves_the_site_path_and_refuses_configuration(built_project) -> None:
    snippet = (built_project / "_deploy" / "nginx-site.conf").read_text(encoding="utf-8")
    assert snippet.count("location / {") == 1
    assert "error_page 404 /404.html;" in snippet
    assert "location = /_headers {" in snippet
    assert "location ^~ /_deploy/ {" in snippet
    assert "add_header Cache-Control $iop_guide_cache always;" in snippet
    # The policy, set once in the outer location, is the only add_header per header name.
    assert snippet.count("add_header Content-Security-Policy") == 1
    for asset in deploy.fingerprinted_assets(built_project):
        assert f"location = /{asset} {{" in snippet


def test_robots_points_to_the_sitemap(built_project: Path) -> None:
    robots = (built_project / "robots.txt").read_text(encoding="utf-8")
    assert robots == (
        "User-agent: *\nDisallow:\n\nSitemap: https://iop-guide.example.org/sitemap.xml\n"
    )
    assert deploy.render_robots("") == "User-agent: *\nDisallow:\n"


def test_deploy_files_are_deterministic(built_project: Path, tmp_path: Path) -> None:
    """Same pages, same files, whatever order the file system lists them in."""
    names = ["_headers", "_deploy/nginx-site.conf", "robots.txt"]
    first = {name: (built_project / name).read_bytes() for name in names}
    copy = tmp_path / "copy"
    copy.mkdir()
    # Re-create the pages in reverse order, so directory listing order differs.
    for path in sorted(built_project.rglob("*"), reverse=True):
        target = copy / path.relative_to(built_project)
        if path.is_file() and path.relative_to(built_project).as_posix() not in names:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    deploy.write_deploy_files(copy, "https://iop-guide.example.org/")
    assert {name: (copy / name).read_bytes() for name in names} == first


def test_not_found_page_has_crisis_help_search_and_ways_on(built_project: Path) -> None:
    html = (built_project / "404.html").read_text(encoding="utf-8")
    assert "<title>Page not found - " in html
    assert '<meta name="robots" content="noindex">' in html
    assert 'class="iop-crisis"' in html
    assert '<h1 id="page-not-found">Page not found</h1>' in html
    assert re.search(r'<form [^>]*action="/" method="get" role="search"', html)
    assert re.search(r'<input [^>]*name="q"', html)
    assert '<a href="/">Go to the home page</a>' in html
    assert '<a href="/get-help-now/">Get help now</a>' in html
    assert 'href="tel:988"' in html


def test_sub_path_build_has_absolute_urls_everywhere_they_must_be(make_project) -> None:
    project = make_project()
    assert build(project, "--base-url", "https://example.org/iop") == 0
    site = project / "site"
    home = (site / "get-help-now" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/iop/get-help-now/">' in home
    assert '<meta property="og:url" content="https://example.org/iop/get-help-now/">' in home
    assert '"url": "https://example.org/iop/get-help-now/"' in home
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/iop/get-help-now/</loc>" in sitemap
    assert "<lastmod>2026-01-10</lastmod>" in sitemap
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://example.org/iop/sitemap.xml" in robots
    snippet = (site / "_deploy" / "nginx-site.conf").read_text(encoding="utf-8")
    assert "location /iop/ {" in snippet
    assert "error_page 404 /iop/404.html;" in snippet
    assert "location ^~ /iop/_deploy/ {" in snippet
    # The 404 page is served at any depth, so none of its own URLs may be relative.
    not_found = (site / "404.html").read_text(encoding="utf-8")
    urls = re.findall(r'(?:href|src|action)="([^"]*)"', not_found)
    local = [u for u in urls if not u.startswith(("https://", "tel:", "sms:", "mailto:"))]
    assert local, "the 404 page links to the site"
    assert [u for u in local if not u.startswith("/iop/")] == []
    assert '"base": "/iop/"' in not_found


# ---------------------------------------------------------------- hosts without headers


def test_meta_policy_goes_before_every_script_and_only_once(built_project: Path) -> None:
    assert deploy.main(["meta-policy", str(built_project)]) == 0
    pages = sorted(p for p in built_project.rglob("*.html") if "_deploy" not in p.parts)
    for path in pages:
        html = path.read_text(encoding="utf-8")
        meta = html.find('<meta http-equiv="Content-Security-Policy"')
        assert 0 < meta < html.find("<script"), path
        assert html.count('<meta http-equiv="Content-Security-Policy"') == 1
        assert '<meta name="referrer" content="no-referrer">' in html
        assert "frame-ancestors" not in html
        # The charset declaration must stay within the first 1024 bytes.
        assert html.encode().find(b'<meta charset="utf-8">') < 1024
    assert deploy.add_policy_meta_tags(built_project) == 0


def test_meta_policy_refuses_a_folder_that_is_not_a_site(tmp_path: Path, capsys) -> None:
    assert deploy.main(["meta-policy", str(tmp_path)]) == 1
    assert "not a built site" in capsys.readouterr().err


def test_github_pages_workflow_builds_for_the_pages_address_and_adds_the_policy(
    make_project, tmp_path: Path
) -> None:
    """The workflow's own commands, run on a fixture project with a project-site address."""
    workflow = yaml.safe_load((REPO / "deploy" / "github-pages.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    commands = [shlex.split(step["run"]) for step in steps if "run" in step]
    build_command = next(c for c in commands if c[:2] == ["iop-guide", "build"])
    meta_command = next(c for c in commands if c[:3] == ["python", "-m", "generator.deploy"])
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    out = cli._parser().parse_args(build_command[1:]).out
    assert upload["with"]["path"] == out == meta_command[-1]

    project = make_project()
    pages_address = "https://owner.github.io/repository"
    site = tmp_path / out
    arguments = [a.replace("$BASE_URL", pages_address) for a in build_command[2:]]
    arguments = [str(site) if a == out else a for a in arguments]
    assert build(project, *arguments) == 0
    assert deploy.main([*meta_command[3:-1], str(site)]) == 0
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert (
        '<link rel="stylesheet" href="/repository/assets/stylesheets/iop-guide.css">' in not_found
    )
    assert '<meta http-equiv="Content-Security-Policy"' in not_found


# ---------------------------------------------------------------- modes a web server can read


def _modes(site: Path) -> dict[str, int]:
    return {
        (path.relative_to(site).as_posix() or "."): path.stat().st_mode & 0o777
        for path in [site, *site.rglob("*")]
    }


@pytest.fixture
def umask():
    """``umask(value)`` for the rest of the test; the process's umask is restored after it."""
    original = os.umask(0o022)
    os.umask(original)
    yield os.umask
    os.umask(original)


def test_published_folder_has_the_usual_modes(make_project, umask) -> None:
    """tempfile.mkdtemp makes 0700 folders; `rsync -a` would carry that to the web root."""
    umask(0o022)
    project = make_project()
    assert build(project) == 0
    modes = _modes(project / "site")
    folders = {p for p in modes if (project / "site" / p).is_dir()}
    assert modes["."] == 0o755
    assert {modes[p] for p in folders} == {0o755}
    assert {modes[p] for p in modes if p not in folders} == {0o644}


def test_published_folder_follows_the_umask_and_warns_when_others_cannot_read(
    make_project, umask, capsys
) -> None:
    umask(0o002)
    project = make_project()
    assert build(project) == 0
    assert _modes(project / "site")["."] == 0o775
    assert "umask" not in capsys.readouterr().err

    umask(0o027)
    assert build(project) == 0
    modes = _modes(project / "site")
    assert modes["."] == 0o750 and modes["index.html"] == 0o640
    message = capsys.readouterr().err
    assert "your umask is 0027" in message and "403" in message and "chmod -R a+rX" in message


def test_a_mode_the_umask_does_not_give_is_found(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<p>hi</p>")
    (site / "assets" / "app.js").write_text("")
    site.chmod(0o755)
    (site / "assets").chmod(0o700)
    (site / "index.html").chmod(0o644)
    (site / "assets" / "app.js").chmod(0o600)
    problems = deploy.mode_problems(site, 0o022, "site")
    assert [(p.path, p.message) for p in problems] == [
        ("site/assets", "has mode 0700, not the 0755 the umask (0022) gives"),
        ("site/assets/app.js", "has mode 0600, not the 0644 the umask (0022) gives"),
    ]
    assert deploy.mode_problems(site, 0o077, "site") != []
    site.chmod(0o700)
    assert deploy.mode_problems(site, 0o022, "site")[0].path == "site"


# ---------------------------------------------------------------- the example address


@pytest.mark.parametrize(
    ("url", "example"),
    [
        ("https://iop-guide.example.org/", True),
        ("https://example.com/iop/", True),
        ("http://www.EXAMPLE.net", True),
        ("https://clinic.test/", True),
        ("https://guide.riverside.example/", True),
        ("https://iop.riverside-recovery.org/", False),
        ("https://example.org.riverside.com/", False),
        ("https://notexample.org/", False),
        ("", False),
    ],
)
def test_example_addresses(url: str, example: bool) -> None:
    assert deploy.is_example_address(url) is example


def test_example_site_url_warns_and_a_release_refuses_it(make_project, capsys) -> None:
    project = make_project()
    config = (project / "site-config.yml").read_text(encoding="utf-8")
    line = next(n for n, text in enumerate(config.splitlines(), 1) if text.startswith("site_url:"))
    assert "example.org" in config.splitlines()[line - 1]

    assert build(project) == 0
    warning = capsys.readouterr().err
    assert f"WARNING: site-config.yml:{line}: [site_url]" in warning
    assert "an example address" in warning and "--base-url" in warning
    before = (project / "site" / "index.html").read_bytes()

    for command in (["build"], ["check"]):
        code = cli.main([*command, "--config", str(project / "site-config.yml"), "--release"])
        message = capsys.readouterr().err
        assert code == 1
        assert f"site-config.yml:{line}: [site_url]" in message
        assert "(not allowed in a release)" in message
    assert (project / "site" / "index.html").read_bytes() == before


def test_a_release_for_a_real_address_has_no_example_address_problem(make_project, capsys) -> None:
    project = make_project(reviewed_defaults())
    # --base-url replaces site_url, as a deployer's build command does.
    build(project, "--release", "--base-url", "https://iop.riverside-recovery.org/")
    assert "example address" not in capsys.readouterr().err
    robots = (project / "site" / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://iop.riverside-recovery.org/sitemap.xml" in robots


# ---------------------------------------------------------------- Netlify


def test_netlify_builds_with_a_python_the_package_accepts_into_the_published_folder() -> None:
    import tomllib

    netlify = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    minimum = project["project"]["requires-python"].removeprefix(">=")
    python = netlify["build"]["environment"]["PYTHON_VERSION"]
    as_tuple = lambda version: tuple(int(part) for part in version.split("."))  # noqa: E731
    assert as_tuple(python) >= as_tuple(minimum)

    commands = {"production": netlify["build"]["command"]}
    commands |= {name: context["command"] for name, context in netlify["context"].items()}
    for name, command in commands.items():
        install, _, build_command = command.partition(" && ")
        assert install == "pip install .", name
        words = shlex.split(build_command)
        assert words[:2] == ["iop-guide", "build"], name
        arguments = cli._parser().parse_args(words[1:])
        assert arguments.out == netlify["build"]["publish"], name
        assert arguments.base_url in ("$URL", "$DEPLOY_PRIME_URL"), name
        assert arguments.release is (name == "production"), name


def test_netlify_serves_each_language_its_own_not_found_page() -> None:
    import tomllib

    netlify = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    config = yaml.safe_load((REPO / "site-config.yml").read_text(encoding="utf-8"))
    extra = config["extra"]
    others = [
        lang["code"] for lang in extra["languages"] if lang["code"] != extra["default_language"]
    ]
    assert others, "the real site has a second language"
    rules = {
        (rule["from"], rule["to"], rule["status"], rule.get("force", False))
        for rule in netlify["redirects"]
    }
    for code in others:
        assert (f"/{code}/*", f"/{code}/404.html", 404, False) in rules, code
