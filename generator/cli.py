"""The ``iop-guide`` command: build, serve, check and scaffold, with errors editors can act on.

Builds go into a temporary folder beside the output and replace it only when everything passed,
so a failed build never leaves a half-written or empty site where the old one was.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from generator.errors import SiteError, SiteErrors
from generator.front_matter import nav_line, scaffold_front_matter
from generator.site_config import PLUGIN_NAME, SiteConfig, load_site_config

log = logging.getLogger("iop-guide")


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            return f"{record.levelname}: {message}"
        return message


def _configure_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    for name in ("mkdocs", "iop-guide"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.DEBUG if verbose else logging.INFO)
        logger.propagate = False
    # MkDocs announces its temporary build folder; editors only need to hear about the result.
    logging.getLogger("mkdocs.commands.build").setLevel(
        logging.DEBUG if verbose else logging.WARNING
    )
    # Material 9.8 prints an end-of-life banner on every build; it is not news to an editor.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def _output_dir(site_config: SiteConfig, out: str | None) -> Path:
    if out:
        return Path(out).resolve()
    return (site_config.folder / site_config.loaded.data.get("site_dir", "site")).resolve()


def _run_mkdocs_build(config_path: Path, site_dir: Path, base_url: str | None):
    """Build with MkDocs in strict mode: a broken link or anchor fails the build."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    overrides: dict[str, object] = {"site_dir": str(site_dir), "strict": True}
    if base_url:
        overrides["site_url"] = base_url if base_url.endswith("/") else base_url + "/"
    config = load_config(str(config_path), **overrides)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return config


def _replace_directory(new: Path, target: Path) -> None:
    """Swap the finished build into place; the old site is removed only after the swap."""
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
        new.rename(target)
        shutil.rmtree(old)
    else:
        new.rename(target)


def _release_problems(config) -> list[SiteError]:
    """Every language's: the default build's state holds the other languages' (editions)."""
    plugin = config.plugins[PLUGIN_NAME]
    if plugin.state is None:
        return []
    return [p for state in plugin.state.every_edition() for p in state.release_problems]


def _report_release_problems(problems: list[SiteError], release: bool) -> None:
    """Under --release they stop the build; otherwise each is a warning naming its place."""
    if release and problems:
        raise SiteErrors(
            [
                SiteError(
                    p.path,
                    p.message + " (not allowed in a release)",
                    p.fix,
                    p.line,
                    p.key,
                    p.source_line,
                )
                for p in problems
            ]
        )
    for problem in problems:
        log.warning(problem.format())


def build_site(
    config_path: Path,
    out: str | None = None,
    base_url: str | None = None,
    release: bool = False,
) -> Path:
    """Validate, build into a temporary folder, and replace the output folder on success."""
    site_config = load_site_config(config_path)
    target = _output_dir(site_config, out)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        umask = _give_published_modes(staging)
        config = _run_mkdocs_build(config_path, staging, base_url)
        _report_release_problems(_release_problems(config), release)
        _check_published_modes(staging, umask, target.name)
        _replace_directory(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target


def _give_published_modes(staging: Path) -> int:
    """mkdtemp makes a 0700 folder, which `rsync -a` would carry to the web root (nginx: 403 for
    every page); give it the mode mkdir would. Returns the umask, for the check after the build."""
    from generator.deploy import current_umask, give_published_mode, umask_warning

    umask = current_umask()
    give_published_mode(staging, umask)
    warning = umask_warning(umask)
    if warning:
        log.warning(warning)
    return umask


def _check_published_modes(site_dir: Path, umask: int, shown: str) -> None:
    from generator.deploy import mode_problems

    problems = mode_problems(site_dir, umask, shown)
    if problems:
        raise SiteErrors(problems)


def check_site(config_path: Path, today: datetime.date, release: bool = False) -> int:
    """Build into a throw-away folder (so links and anchors are checked too), then report."""
    from generator.readability import page_report, render_report

    site_config = load_site_config(config_path)
    with tempfile.TemporaryDirectory(prefix="iop-guide-check-") as scratch:
        config = _run_mkdocs_build(config_path, Path(scratch), None)
    problems = _release_problems(config)
    if release and problems:
        _report_release_problems(problems, release=True)
    plugin = config.plugins[PLUGIN_NAME]
    max_grade = float(site_config.plugin_options()["max_reading_grade"])
    min_ease = {
        entry["code"]: float(entry["min_reading_ease"])
        for entry in site_config.extra.get("languages") or []
        if "min_reading_ease" in entry
    }
    rows = [
        page_report(record, today)
        for state in plugin.state.every_edition()
        for record in state.pages
    ]
    table, warnings = render_report(rows, max_grade, min_ease)
    warnings = warnings + [problem.format() for problem in problems]
    print(table)
    for warning in warnings:
        log.warning(warning)
    print(f"\nChecked {len(rows)} pages: no errors, {len(warnings)} warnings.")
    return 0


EXIT_CODES_HELP = """\
exit codes:
  0  done: the site was built or checked (warnings may have been printed)
  1  problems in the site: each is listed with its file, line and fix
  2  usage: the command could not run as given (an unknown option, a busy port)
  130  stopped with Ctrl-C (a build leaves the previous site folder as it was)"""
# What shells report for a command stopped by Ctrl-C (128 + SIGINT).
INTERRUPTED = 130


def list_uses(config_path: Path, query: str) -> int:
    """Print every page and data file line that quotes ``query`` (see generator.data_uses)."""
    from generator.data_files import load_data_files
    from generator.data_uses import dotted, find_uses, resolve_value
    from generator.errors import display_path
    from generator.page_rendering import make_page_environment, page_context

    site_config = load_site_config(config_path)
    docs_dir = site_config.folder / site_config.loaded.data.get("docs_dir", "docs")
    data_dir = docs_dir / site_config.plugin_options()["data_dir"]
    data, _ = load_data_files(data_dir, site_config.folder)
    context = page_context(site_config.extra, data.values, {}, {})
    target, hint = resolve_value(query, context)
    if target is None:
        log.error(SiteError("--uses", f"there is no value called '{query}'", hint).format())
        return 1
    custom_dir = (site_config.loaded.data.get("theme") or {}).get("custom_dir")
    env = make_page_environment(site_config.folder / custom_dir if custom_dir else None)
    paths = sorted(docs_dir.rglob("*.md")) + sorted(data_dir.glob("*.y*ml"))
    files = [
        (display_path(path, site_config.folder), path.read_text(encoding="utf-8-sig"))
        for path in paths
    ]
    uses = find_uses(env, files, target)
    places = "1 place" if len(uses) == 1 else f"{len(uses)} places"
    print(f"{dotted(target)} is quoted in {places}:")
    for use in uses:
        print(use.format())
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iop-guide",
        description="Build, preview and check the IOP guide site.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug messages")
    commands = parser.add_subparsers(dest="command", required=True)

    def with_config(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--config",
            default="site-config.yml",
            help="the site configuration (default: site-config.yml in this folder)",
        )
        return sub

    build = with_config(commands.add_parser("build", help="write the site (default: site/)"))
    build.add_argument("--out", help="output folder (default: site_dir from the config)")
    build.add_argument(
        "--base-url",
        help="the address the site will be published at, e.g. https://example.org/iop/",
    )
    release_help = (
        "refuse to publish what may stand in a preview: pages without a clinical review or "
        "past their review date, placeholder text, pages missing from nav, the example site_url"
    )
    build.add_argument("--release", action="store_true", help=release_help)
    serve = with_config(commands.add_parser("serve", help="live preview with reload"))
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="address:port to serve on")
    check = with_config(
        commands.add_parser("check", help="validate everything without writing the site")
    )
    check.add_argument("--release", action="store_true", help=release_help)
    check.add_argument(
        "--uses",
        metavar="VALUE",
        help="instead of checking, list the pages and data files that quote a value, "
        "e.g. levels.iop.hours_min or program.days_per_week",
    )
    new = with_config(commands.add_parser("new", help="create a page with valid front matter"))
    new.add_argument("title", help='the page title, e.g. "Sober living homes"')
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _configure_logging(args.verbose)
    config_path = Path(args.config)
    today = datetime.date.today()
    from mkdocs.exceptions import MkDocsException

    try:
        if args.command == "build":
            target = build_site(config_path, args.out, args.base_url, args.release)
            log.info(f"Site written to {target}")
        elif args.command == "check" and args.uses:
            return list_uses(config_path, args.uses)
        elif args.command == "check":
            return check_site(config_path, today, args.release)
        elif args.command == "serve":
            from generator.preview import serve_preview

            return serve_preview(config_path, args.dev_addr)
        elif args.command == "new":
            return _new(config_path, args.title, today)
    except SiteErrors as exc:
        log.error(exc.format())
        return _failed(args.command)
    except MkDocsException as exc:
        # MkDocs has already logged the problems; this is its summary ("Aborted with ...").
        if not _is_engine_summary(exc):
            log.error(str(exc))
        return _failed(args.command)
    except KeyboardInterrupt:
        # Ctrl-C is a choice, not a crash: a short line, not a traceback, and the shell's
        # usual status for it (128 + SIGINT).
        return _interrupted(args.command)
    return 0


def _new(config_path: Path, title: str, today: datetime.date) -> int:
    site_config = load_site_config(config_path)
    docs_dir = site_config.folder / site_config.loaded.data.get("docs_dir", "docs")
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "new-page"
    path = docs_dir / f"{slug}.md"
    if path.exists():
        log.error(f"{path} already exists: choose another title, or edit that page")
        return 1
    path.write_text(scaffold_front_matter(title, today), encoding="utf-8")
    log.info(
        f"Created {path}.\nNext: fill in its description and sources, write the page, and add "
        f"it to `nav:` in {config_path.name}, e.g.  {nav_line(title, path.name)}"
    )
    return 0


def _is_engine_summary(exc: Exception) -> bool:
    """MkDocs' "Aborted with a BuildError!" follows our own list of problems: it is noise."""
    return str(exc) == "Aborted with a BuildError!"


def _interrupted(command: str) -> int:
    if command == "build":
        # The build works in a staging folder, removed on the way out (build_site).
        log.error("Build stopped (Ctrl-C). The previous site folder was left exactly as it was.")
    else:
        log.error(f"`iop-guide {command}` stopped (Ctrl-C).")
    return INTERRUPTED


def _failed(command: str) -> int:
    if command == "build":
        log.error("Build failed. The previous site folder was left exactly as it was.")
    else:
        log.error(f"`iop-guide {command}` failed: fix the problems above and run it again.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
