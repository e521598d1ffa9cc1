"""The benchmarks: ``.venv/bin/python -m bench.run`` (from the repository root).

Steps (``--steps`` picks some; all but ``instructions`` by default):

  overhead    the real site: ``iop-guide build`` against bare MkDocs + Material, alternating
  scaling     synthetic sites of 100, 1,000 and 5,000 pages, ours and bare, alternating
  cache       cold builds (no compiled-page cache) and warm builds (cache kept) against bare,
              the three alternating, on the real site and at 100, 1,000 and 5,000 pages
  serve       save a page in ``iop-guide serve`` until the rebuilt page is served
  weight      bytes a first view transfers in Chromium from a gzip-compressing static server
  lighthouse  Lighthouse (mobile preset) on the same pages, same server
  html        the W3C Nu checker on every page of the real site
  languages   both languages: ``iop-guide build`` against bare Material building the same two
  instructions  instructions executed (valgrind's callgrind), warm ours against bare, at 100 and
              1,000 pages: a count the machine's noise does not move (``--sites`` picks sizes)

Until ``content/index.md`` exists, the real-site steps measure a stand-in: the real
site-config.yml, navigation and templates with a synthetic page for each navigation entry.

Machines are noisy, so every figure is a median of several runs and every ratio compares runs
made in the same invocation, alternating the two sides. Results go to ``bench/results/*.json``
and into the table between the markers in ``BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.gzip_server import COMPRESSED_TYPES, GzipServer
from bench.synthetic import make_bare_project, make_standin_project, make_synthetic_project
from generator.plugin import PAGE_CACHE_DIR
from tests.conftest import (  # one list of Chromium flags for tests and benchmarks
    CHROMIUM,
    CHROMIUM_ARGS,
    fetch_text,
)

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / "work"
RESULTS = REPO / "bench" / "results"
BENCHMARKS_MD = REPO / "BENCHMARKS.md"
PYTHON = sys.executable
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = REPO / "bench" / "node_modules" / ".bin" / "lighthouse"

# The pages whose first view is weighed and audited, by source file: home, levels of care and the
# self-assessment (measured only when the page exists).
PAGES = {
    "home": "index.md",
    "levels-of-care": "levels-of-care.md",
    "self-assessment": "self-assessment.md",
}
SCALING_RUNS = {100: 5, 1000: 5, 5000: 3}
TARGETS = {
    "overhead_ratio": 1.15,
    "scaling_ratio": 1.15,
    "linearity_5000_over_100": 55,
    "peak_rss_5000_bytes": 1024**3,
    "serve_rebuild_seconds": 1.0,
    "first_view_bytes": 150 * 1024,
    "lighthouse": {"accessibility": 100, "best-practices": 100, "seo": 100, "performance": 95},
    "html_errors": 0,
    "warm_ratio": 1.05,
    "cold_ratio": 1.20,
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------- builds


def folder_size(folder: Path) -> tuple[int, int]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files), len(files)


def build_command(side: str, config: Path, out: Path) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of one build in a fresh interpreter (see
    bench/build_once.py): the timed builds and the counted ones must be the same build."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)}
    return [PYTHON, "-m", "bench.build_once", side, str(config), str(out)], env


def timed_build(side: str, config: Path, out: Path) -> dict[str, Any]:
    """One build in a fresh interpreter, timed."""
    if out.exists():
        shutil.rmtree(out)
    command, env = build_command(side, config, out)
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    process_seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{side} build of {config} failed:\n{result.stderr[-3000:]}")
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    measured["process_seconds"] = process_seconds
    return measured


def compare_builds(ours: Path, bare: Path, runs: int, label: str) -> dict[str, Any]:
    """Alternate ours and bare ``runs`` times each (swapping who goes first) and summarise."""
    samples: dict[str, list[dict[str, Any]]] = {"ours": [], "bare": []}
    outputs = {"ours": WORK / "out" / f"{label}-ours", "bare": WORK / "out" / f"{label}-bare"}
    configs = {"ours": ours, "bare": bare}
    for run in range(runs):
        order = ("ours", "bare") if run % 2 == 0 else ("bare", "ours")
        for side in order:
            samples[side].append(timed_build(side, configs[side], outputs[side]))
        log(
            f"  {label} run {run + 1}/{runs}: ours {samples['ours'][-1]['seconds']:.2f} s, "
            f"bare {samples['bare'][-1]['seconds']:.2f} s"
        )
    summary: dict[str, Any] = {"runs": runs}
    for side in ("ours", "bare"):
        seconds = [sample["seconds"] for sample in samples[side]]
        size, files = folder_size(outputs[side])
        html_pages = sum(1 for _ in outputs[side].rglob("*.html"))
        summary[side] = {
            "seconds": seconds,
            "median_seconds": statistics.median(seconds),
            "median_process_seconds": statistics.median(
                s["process_seconds"] for s in samples[side]
            ),
            "peak_rss_bytes": max(sample["peak_rss_bytes"] for sample in samples[side]),
            "output_bytes": size,
            "output_files": files,
            "html_pages": html_pages,
        }
        shutil.rmtree(outputs[side])
    summary["ratio"] = summary["ours"]["median_seconds"] / summary["bare"]["median_seconds"]
    summary["ratio_of_pairs_median"] = statistics.median(
        o["seconds"] / b["seconds"] for o, b in zip(samples["ours"], samples["bare"], strict=True)
    )
    return summary


def step_overhead(args: argparse.Namespace) -> dict[str, Any]:
    config = args.site.resolve()
    bare = make_bare_project(config, WORK / "real-bare")
    result = compare_builds(config, bare, args.runs, "real")
    result["pages"] = result["ours"]["html_pages"]
    result["target_ratio"] = TARGETS["overhead_ratio"]
    result["met"] = result["ratio"] <= TARGETS["overhead_ratio"]
    return result


def step_scaling(args: argparse.Namespace) -> dict[str, Any]:
    sizes: dict[str, Any] = {}
    for pages, runs in SCALING_RUNS.items():
        if pages > args.max_pages:
            continue
        log(f"  generating {pages} pages")
        ours = make_synthetic_project(WORK / f"synthetic-{pages}", pages)
        bare = make_bare_project(ours, WORK / f"synthetic-{pages}-bare")
        result = compare_builds(ours, bare, min(runs, args.runs), f"synthetic-{pages}")
        for side in ("ours", "bare"):
            result[side]["ms_per_page"] = 1000 * result[side]["median_seconds"] / pages
        sizes[str(pages)] = result
        shutil.rmtree(WORK / f"synthetic-{pages}")
        shutil.rmtree(WORK / f"synthetic-{pages}-bare")
    summary: dict[str, Any] = {"sizes": sizes, "targets": {}}
    if "100" in sizes and "5000" in sizes:
        for side in ("ours", "bare"):
            summary[f"linearity_{side}"] = (
                sizes["5000"][side]["median_seconds"] / sizes["100"][side]["median_seconds"]
            )
    met = all(size["ratio"] <= TARGETS["scaling_ratio"] for size in sizes.values())
    summary["targets"]["ratio_at_every_size"] = met
    if "linearity_ours" in summary:
        summary["targets"]["linear"] = (
            summary["linearity_ours"] <= TARGETS["linearity_5000_over_100"]
        )
        summary["targets"]["memory"] = (
            sizes["5000"]["ours"]["peak_rss_bytes"] < TARGETS["peak_rss_5000_bytes"]
        )
    return summary


# ------------------------------------------------------------------ the compiled-page cache


def _drop_page_cache(config: Path) -> None:
    """Remove everything the project keeps between builds (.cache/iop-guide: compiled pages and
    theme templates, rendered pages, parsed YAML, booklets), so the next build is cold."""
    shutil.rmtree(config.resolve().parent / PAGE_CACHE_DIR.parent, ignore_errors=True)


def _timed_sides(side: str, configs: list[Path], out: Path) -> dict[str, Any]:
    """One build of each config (a bare site's languages are one build each, as Material
    documents it), summed: seconds and CPU time add up, peak memory is the largest."""
    parts = [
        timed_build(side, config, out.with_name(f"{out.name}-{number}"))
        for number, config in enumerate(configs)
    ]
    return {
        "seconds": sum(part["seconds"] for part in parts),
        "cpu_seconds": sum(part["cpu_seconds"] for part in parts),
        "children_cpu_seconds": sum(part["children_cpu_seconds"] for part in parts),
        "peak_rss_bytes": max(part["peak_rss_bytes"] for part in parts),
    }


def compare_cache_builds(ours: Path, bare: list[Path], runs: int, label: str) -> dict[str, Any]:
    """Alternate a cold build (cache removed first), a warm build (cache from the build before)
    and bare Material ``runs`` times each, rotating who goes first, and summarise. ``ours``
    builds every language in one command; ``bare`` is one mkdocs.yml per language."""
    sides = {
        "cold": ("ours", [ours], True),
        "warm": ("ours", [ours], False),
        "bare": ("bare", bare, False),
    }
    out = WORK / "out" / f"{label}-cache"
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
    _drop_page_cache(ours)
    timed_build("ours", ours, out)  # so a warm run that goes first finds a cache
    order = list(sides)
    for run in range(runs):
        for name in order[run % 3 :] + order[: run % 3]:
            side, configs, cold = sides[name]
            if cold:
                _drop_page_cache(ours)
            sample = _timed_sides(side, configs, out)
            if any(out.parent.glob(f"{out.name}*/**/*.pdf")):
                # The booklet is laid out in worker processes; it must be off here.
                raise RuntimeError(f"{label} {name}: the build wrote a PDF booklet")
            samples[name].append(sample)
        log(
            f"  {label} run {run + 1}/{runs}: "
            + ", ".join(
                f"{name} {samples[name][-1]['seconds']:.2f} s "
                f"(CPU {samples[name][-1]['cpu_seconds']:.2f} s)"
                for name in sides
            )
        )
    for path in out.parent.glob(f"{out.name}*"):
        shutil.rmtree(path, ignore_errors=True)
    summary: dict[str, Any] = {"runs": runs, "bare_builds": len(bare)}
    for name in sides:
        seconds = [sample["seconds"] for sample in samples[name]]
        cpu_seconds = [sample["cpu_seconds"] for sample in samples[name]]
        # With the child that compiles pages ahead of a cold build (generator.page_prefetch):
        # the build's own CPU time leaves the child's out, so both are kept.
        total_cpu_seconds = [
            sample["cpu_seconds"] + sample["children_cpu_seconds"] for sample in samples[name]
        ]
        summary[name] = {
            "seconds": seconds,
            "median_seconds": statistics.median(seconds),
            "cpu_seconds": cpu_seconds,
            "median_cpu_seconds": statistics.median(cpu_seconds),
            "total_cpu_seconds": total_cpu_seconds,
            "median_total_cpu_seconds": statistics.median(total_cpu_seconds),
            "peak_rss_bytes": max(sample["peak_rss_bytes"] for sample in samples[name]),
        }
    for name in ("cold", "warm"):
        summary[f"{name}_ratio"] = (
            summary[name]["median_seconds"] / summary["bare"]["median_seconds"]
        )
        summary[f"{name}_cpu_ratio"] = (
            summary[name]["median_cpu_seconds"] / summary["bare"]["median_cpu_seconds"]
        )
        summary[f"{name}_total_cpu_ratio"] = (
            summary[name]["median_total_cpu_seconds"] / summary["bare"]["median_total_cpu_seconds"]
        )
        summary[f"{name}_ratio_of_runs_median"] = statistics.median(
            o / b for o, b in zip(summary[name]["seconds"], summary["bare"]["seconds"], strict=True)
        )
        summary[f"{name}_cpu_ratio_of_runs_median"] = statistics.median(
            o / b
            for o, b in zip(
                summary[name]["cpu_seconds"], summary["bare"]["cpu_seconds"], strict=True
            )
        )
        # Met only when both wall and the build's CPU time say so: on a shared machine either
        # can mislead. The target is elapsed time; total CPU (with the page compiler) is shown.
        summary[f"{name}_met"] = (
            max(summary[f"{name}_ratio"], summary[f"{name}_cpu_ratio"]) <= TARGETS[f"{name}_ratio"]
        )
    return summary


def _site_languages(config: Path) -> list[str]:
    """The language codes a project builds, default first."""
    from generator.languages import declared_languages
    from generator.site_config import load_site_config

    site_config = load_site_config(config)
    theme_language = (site_config.loaded.data.get("theme") or {}).get("language", "en")
    languages = declared_languages(site_config.extra, theme_language)
    return [language.code for language in languages]


def step_cache(args: argparse.Namespace) -> dict[str, Any]:
    """Cold, warm and bare builds with the PDF booklet off on our side (bare Material makes
    none, and the booklet is laid out in worker processes whose CPU time a build's
    ``process_time`` leaves out); bare builds every language ours builds."""
    sites: dict[str, Any] = {}
    wanted = {site.strip() for site in args.sites.split(",") if site.strip()}
    config = args.site.resolve()
    if "real" in wanted:
        ours = _without_booklet(config, WORK / "cache-real-ours")
        codes = _site_languages(config)
        bare = [make_bare_project(config, WORK / f"cache-real-bare-{code}", code) for code in codes]
        sites["real"] = compare_cache_builds(ours, bare, args.runs, "real")
        sites["real"]["languages"] = codes
        shutil.rmtree(WORK / "cache-real-ours")
        for code in codes:
            shutil.rmtree(WORK / f"cache-real-bare-{code}")
    for pages, runs in SCALING_RUNS.items():
        if pages > args.max_pages or str(pages) not in wanted:
            continue
        log(f"  generating {pages} pages")
        ours = make_synthetic_project(WORK / f"synthetic-{pages}", pages)
        _booklet_off(ours)
        bare = make_bare_project(ours, WORK / f"synthetic-{pages}-bare")
        sites[str(pages)] = compare_cache_builds(ours, [bare], min(runs, args.runs), f"s{pages}")
        shutil.rmtree(WORK / f"synthetic-{pages}")
        shutil.rmtree(WORK / f"synthetic-{pages}-bare")
    return {
        "sites": sites,
        "booklet": False,
        "target_warm_ratio": TARGETS["warm_ratio"],
        "target_cold_ratio": TARGETS["cold_ratio"],
        "met": all(site["warm_met"] and site["cold_met"] for site in sites.values()),
    }


# ---------------------------------------------------------------------------- instructions

INSTRUCTION_SIZES = (100, 1000)


def _callgrind(side: str, config: Path, out: Path, folder: Path) -> subprocess.Popen[str]:
    """Start one build under callgrind (about 100 times slower than without). Its children,
    a forked page compiler, are counted in files of their own, which begin with what their
    parent had counted when it forked, so only the build's own process is read."""
    command, env = build_command(side, config, out)
    return subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder / side}.%p", *command],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def instructions_of(stderr: str, pid: int) -> int | None:
    """Process ``pid``'s count in valgrind's summary (``==PID== Collected : N``); a forked
    child's own line, under its own pid, is not it."""
    prefix = f"=={pid}== Collected :"
    for line in stderr.splitlines():
        if line.startswith(prefix):
            return int(line.removeprefix(prefix).replace(",", "").strip())
    return None


def _collected(process: subprocess.Popen[str], label: str) -> int:
    """The build process's instruction count, once it has finished."""
    _, stderr = process.communicate()
    count = instructions_of(stderr, process.pid) if process.returncode == 0 else None
    if count is None:
        raise RuntimeError(f"{label} under valgrind: no count\n{stderr[-3000:]}")
    return count


def per_page_and_fixed(sizes: dict[str, dict[str, float]]) -> dict[str, Any]:
    """From counts at two or more sizes (``{"100": {"ours": n, "bare": n}, ...}``): what each page
    more costs between the smallest and the largest, and what a build costs before its first
    page (the smallest count less its pages). Nothing from one size alone."""
    pages = sorted(int(size) for size in sizes)
    if len(pages) < 2:
        return {}
    small, large = sizes[str(pages[0])], sizes[str(pages[-1])]
    added = pages[-1] - pages[0]
    per_page = {side: (large[side] - small[side]) / added for side in ("ours", "bare")}
    return {
        "per_page": {
            **per_page,
            "ratio": per_page["ours"] / per_page["bare"],
            "between": [pages[0], pages[-1]],
        },
        "fixed": {side: small[side] - pages[0] * per_page[side] for side in ("ours", "bare")},
    }


def step_instructions(args: argparse.Namespace) -> dict[str, Any]:
    """Warm ours and bare Material, each once under callgrind, the two at the same time (one a
    core): an instruction count is the same on a busy machine and a quiet one. Not a time:
    memory stalls and the kernel's work are not in it, and the targets are wall time."""
    if shutil.which("valgrind") is None:
        raise RuntimeError("the instructions step needs valgrind (Debian's package valgrind)")
    wanted = {site.strip() for site in args.sites.split(",") if site.strip()}
    sizes = [pages for pages in INSTRUCTION_SIZES if str(pages) in wanted] or list(
        INSTRUCTION_SIZES
    )
    results: dict[str, Any] = {}
    for pages in sizes:
        log(f"  {pages} pages: a warm-up build, then ours and bare under callgrind")
        ours = make_synthetic_project(WORK / f"instructions-{pages}", pages)
        _booklet_off(ours)
        bare = make_bare_project(ours, WORK / f"instructions-{pages}-bare")
        timed_build("ours", ours, WORK / "out" / "instructions-warm-up")  # so ours is warm
        folder = WORK / f"callgrind-{pages}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        running = {
            "ours": _callgrind("ours", ours, WORK / "out" / f"instructions-{pages}-ours", folder),
            "bare": _callgrind("bare", bare, WORK / "out" / f"instructions-{pages}-bare", folder),
        }
        counts = {side: _collected(process, f"{side} {pages}") for side, process in running.items()}
        results[str(pages)] = {**counts, "ratio": counts["ours"] / counts["bare"]}
        log(f"  {pages} pages: ours {counts['ours']:,}, bare {counts['bare']:,}")
        for path in (
            folder,
            WORK / f"instructions-{pages}",
            WORK / f"instructions-{pages}-bare",
            WORK / "out",
        ):
            shutil.rmtree(path, ignore_errors=True)
    return {
        "sizes": results,
        **per_page_and_fixed(results),
        "counts": "the build's own process; a forked child is left out",
    }


# ----------------------------------------------------------------------------------- serve


def _copy_project(config: Path, folder: Path) -> Path:
    """A copy of the project to edit, so the real content is never touched."""
    if folder.exists():
        shutil.rmtree(folder)
    root = config.resolve().parent
    folder.mkdir(parents=True)
    for name in ("content", "templates"):
        shutil.copytree(root / name, folder / name)
    shutil.copyfile(config, folder / config.name)
    return folder / config.name


def _wait_for(url: str, text: str, limit: float = 60, interval: float = 0.01) -> float:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if text in fetch_text(url):
            return time.monotonic()
        time.sleep(interval)
    raise RuntimeError(f"{text!r} never appeared at {url}")


def step_serve(args: argparse.Namespace) -> dict[str, Any]:
    config = _copy_project(args.site, WORK / "serve-project")
    page = config.parent / "content" / PAGES["levels-of-care"]
    if not page.is_file():
        page = config.parent / "content" / PAGES["home"]
    url_path = "" if page.name == "index.md" else page.stem + "/"
    port = _free_port()
    url = f"http://127.0.0.1:{port}/{url_path}"
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "generator.cli",
            "serve",
            "--config",
            str(config),
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        cwd=REPO,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds: list[float] = []
    try:
        _wait_for(url, "</html>", interval=0.1)
        original = page.read_text(encoding="utf-8")
        for _ in range(args.serve_runs):
            marker = f"Benchmark marker {uuid.uuid4().hex}"
            time.sleep(1.0)  # let the previous rebuild and its file events settle
            started = time.monotonic()
            page.write_text(original + f"\n{marker}\n", encoding="utf-8")
            seconds.append(_wait_for(url, marker) - started)
            log(f"  rebuild served after {seconds[-1]:.2f} s")
    finally:
        process.terminate()
        process.wait(timeout=20)
    return {
        "page": page.name,
        "seconds": seconds,
        "median_seconds": statistics.median(seconds),
        "target_seconds": TARGETS["serve_rebuild_seconds"],
        "met": statistics.median(seconds) < TARGETS["serve_rebuild_seconds"],
    }


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ----------------------------------------------------------------------- the real built site


def build_real_site(args: argparse.Namespace) -> Path:
    out = WORK / "real-site"
    if not args._built:
        from generator import cli

        if cli.main(["build", "--config", str(args.site), "--out", str(out)]) != 0:
            raise RuntimeError("the real site does not build: run `iop-guide check`")
        args._built = True
    return out


def measured_pages(args: argparse.Namespace) -> dict[str, str]:
    """URL paths of the pages to weigh and audit, for those whose source exists."""
    docs = args.site.resolve().parent / "content"
    pages = {}
    for name, source in PAGES.items():
        path = "" if source == "index.md" else source.removesuffix(".md") + "/"
        if (docs / source).is_file():
            pages[name] = path
        # The same page in the second language, where it is translated (issue 14).
        if (docs / "es" / source).is_file():
            pages[f"{name} (es)"] = "es/" + path
    return pages


def _category(resource_type: str, url: str) -> str:
    path = url.split("?")[0]
    if resource_type == "document":
        return "html"
    if resource_type == "stylesheet" or path.endswith(".css"):
        return "css"
    if resource_type == "script" or path.endswith(".js"):
        return "js"
    if resource_type == "font" or path.endswith((".woff", ".woff2", ".ttf")):
        return "fonts"
    if resource_type == "image" or path.endswith((".svg", ".png", ".jpg", ".webp", ".ico")):
        return "images"
    return "other"


def _served_size(site: Path, path: str) -> int:
    """What the gzip server sends for ``path``: Chromium reports no body size for a worker's
    script, so it is taken from the file, compressed as the server compresses it."""
    import gzip
    import mimetypes

    file = site / path.split("?")[0]
    if file.is_dir():
        file = file / "index.html"
    if not file.is_file():
        return 0
    data = file.read_bytes()
    content_type = mimetypes.guess_type(file.name)[0] or ""
    if content_type.startswith(COMPRESSED_TYPES):
        return len(gzip.compress(data, 6, mtime=0))
    return len(data)


def step_weight(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    site = build_real_site(args)
    pages: dict[str, Any] = {}
    with GzipServer(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, path in measured_pages(args).items():
            context = browser.new_context(viewport={"width": 412, "height": 823})
            page = context.new_page()
            requests: list[Any] = []
            page.on("requestfinished", lambda request, seen=requests: seen.append(request))
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_timeout(500)  # the search worker fetches its index after load
            split = dict.fromkeys(("html", "css", "js", "fonts", "images", "other"), 0)
            files = []
            for request in requests:
                sizes = request.sizes()
                body = sizes["responseBodySize"] or _served_size(site, request.url[len(base) :])
                transferred = body + sizes["responseHeadersSize"]
                category = _category(request.resource_type, request.url)
                split[category] += transferred
                files.append(
                    {
                        "url": request.url.removeprefix(base),
                        "category": category,
                        "bytes": transferred,
                    }
                )
            total = sum(split.values())
            pages[name] = {
                "path": "/" + path,
                "bytes": split,
                "total_bytes": total,
                "requests": files,
                "met": total <= TARGETS["first_view_bytes"],
            }
            context.close()
        browser.close()
    import gzip

    indexes = {}
    for prefix in ("", "es/"):
        index = site / prefix / "search" / "search_index.json"
        if index.is_file():
            raw = index.read_bytes()
            indexes[prefix or "en"] = {
                "bytes": len(raw),
                "gzip_bytes": len(gzip.compress(raw, 6, mtime=0)),
                "lang": json.loads(raw)["config"]["lang"],
            }
    return {
        "pages": pages,
        "missing_pages": [name for name in PAGES if name not in pages],
        "search_index": indexes.get("en"),
        "search_indexes": indexes,
        "target_bytes": TARGETS["first_view_bytes"],
        "met": all(page["met"] for page in pages.values()),
    }


def step_lighthouse(args: argparse.Namespace) -> dict[str, Any]:
    site = build_real_site(args)
    reports = WORK / "lighthouse"
    reports.mkdir(parents=True, exist_ok=True)
    pages: dict[str, Any] = {}
    with GzipServer(site) as base:
        for name, path in measured_pages(args).items():
            runs = []
            for run in range(args.lighthouse_runs):
                report_path = reports / f"{name}-{run}.json"
                subprocess.run(
                    [
                        str(LIGHTHOUSE),
                        base + path,
                        "--quiet",
                        f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
                        "--output=json",
                        f"--output-path={report_path}",
                        "--only-categories=performance,accessibility,best-practices,seo",
                    ],
                    env={**os.environ, "CHROME_PATH": CHROMIUM},
                    check=True,
                    capture_output=True,
                )
                runs.append(json.loads(report_path.read_text()))
            scores = {
                category: statistics.median(
                    round(100 * report["categories"][category]["score"]) for report in runs
                )
                for category in ("performance", "accessibility", "best-practices", "seo")
            }
            last = runs[-1]
            failing = sorted(
                {
                    audit_id
                    for category in last["categories"].values()
                    for ref in category["auditRefs"]
                    if ref["weight"] > 0
                    and (audit_id := ref["id"]) in last["audits"]
                    and last["audits"][audit_id]["score"] is not None
                    and last["audits"][audit_id]["score"] < 1
                }
            )
            metrics = {
                key: statistics.median(report["audits"][key]["numericValue"] for report in runs)
                for key in (
                    "first-contentful-paint",
                    "largest-contentful-paint",
                    "total-blocking-time",
                    "cumulative-layout-shift",
                    "speed-index",
                )
            }
            met = all(scores[key] >= target for key, target in TARGETS["lighthouse"].items())
            pages[name] = {
                "path": "/" + path,
                "scores": scores,
                "metrics": metrics,
                "audits_below_full_score": failing,
                "lighthouse_version": last["lighthouseVersion"],
                "met": met,
            }
            log(f"  {name}: {scores}")
    return {
        "runs": args.lighthouse_runs,
        "preset": "mobile (Lighthouse default: emulated Moto G Power, slow 4G)",
        "pages": pages,
        "missing_pages": [name for name in PAGES if name not in pages],
        "met": all(page["met"] for page in pages.values()),
    }


def step_html(args: argparse.Namespace) -> dict[str, Any]:
    from tests.test_html_valid import nu_messages, split_allowed

    site = build_real_site(args)
    messages = nu_messages(site)
    errors = [message for message in messages if message["type"] == "error"]
    unexpected, allowed = split_allowed(errors)
    pages = sorted(str(path.relative_to(site)) for path in site.rglob("*.html"))
    return {
        "pages_checked": len(pages),
        "errors": len(errors),
        "errors_not_allowed": unexpected,
        "errors_allowed_from_material": len(allowed),
        "warnings": len([m for m in messages if m["type"] != "error"]),
        "met": not unexpected,
    }


# --------------------------------------------------------------------------------- reporting


def _version(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    except OSError:
        return "not installed"
    return (
        (result.stdout or result.stderr).strip().splitlines()[0] if result.returncode == 0 else "?"
    )


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    memory = 0
    cpu = platform.processor()
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_bytes": memory,
        "os": _version(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "python": platform.python_version(),
        "packages": {
            name: version(name)
            for name in (
                "mkdocs",
                "mkdocs-material",
                "pymdown-extensions",
                "Markdown",
                "Jinja2",
                "PyYAML",
                "playwright",
            )
        },
        "chromium": _version([CHROMIUM, "--version"]),
        "java": _version(["java", "-version"]),
        "node": _version(["node", "--version"]),
        "lighthouse": _version([str(LIGHTHOUSE), "--version"]),
        "vnu": _version(["java", "-jar", str(VNU_JAR), "--version"]),
    }


def _booklet_off(config: Path) -> None:
    """Turn the PDF booklet off in a project's site-config.yml (bare Material writes none)."""
    text = config.read_text(encoding="utf-8")
    changed = text.replace("  - iop-guide:\n", "  - iop-guide:\n      booklet: false\n", 1)
    if changed == text:
        raise RuntimeError(f"{config}: no `- iop-guide:` plugin entry to turn the booklet off in")
    config.write_text(changed, encoding="utf-8")


def _without_booklet(config: Path, folder: Path) -> Path:
    """A copy of the project that writes no PDF booklet (bare Material writes none)."""
    copy = _copy_project(config, folder)
    _booklet_off(copy)
    return copy


def step_languages(args: argparse.Namespace) -> dict[str, Any]:
    """Both languages: one `iop-guide build` (English, then Spanish from its on_post_build)
    against bare Material building the same two languages (two `mkdocs build`s, as Material
    documents a site in several languages), alternating; ours without the PDF booklets, which
    bare Material does not make, and ours as shipped (with them)."""
    config = args.site.resolve()
    ours = _without_booklet(config, WORK / "languages-ours")
    bare = {
        code: make_bare_project(config, WORK / f"languages-bare-{code}", code)
        for code in ("en", "es")
    }
    samples: dict[str, list[dict[str, float]]] = {"ours": [], "shipped": [], "bare": []}
    for run in range(args.runs):
        sides = ["ours", "shipped", "bare"]
        for side in sides[run % 3 :] + sides[: run % 3]:
            if side == "bare":
                parts = [
                    timed_build("bare", bare[code], WORK / "out" / f"languages-bare-{code}")
                    for code in ("en", "es")
                ]
                sample = {
                    key: sum(part[key] for part in parts) for key in ("seconds", "cpu_seconds")
                }
            else:
                measured = timed_build(
                    "ours", ours if side == "ours" else config, WORK / "out" / f"languages-{side}"
                )
                sample = {key: measured[key] for key in ("seconds", "cpu_seconds")}
            samples[side].append(sample)
        log(
            f"  languages run {run + 1}/{args.runs}: "
            + ", ".join(f"{side} {samples[side][-1]['seconds']:.2f} s" for side in samples)
        )
    summary: dict[str, Any] = {"runs": args.runs, "languages": ["en", "es"]}
    for side, values in samples.items():
        summary[side] = {
            "median_seconds": statistics.median(v["seconds"] for v in values),
            "median_cpu_seconds": statistics.median(v["cpu_seconds"] for v in values),
            "seconds": [v["seconds"] for v in values],
        }
    for side in ("ours", "shipped"):
        summary[f"{side}_ratio"] = (
            summary[side]["median_seconds"] / summary["bare"]["median_seconds"]
        )
        summary[f"{side}_cpu_ratio"] = (
            summary[side]["median_cpu_seconds"] / summary["bare"]["median_cpu_seconds"]
        )
    shutil.rmtree(WORK / "out", ignore_errors=True)
    return summary


STEPS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "overhead": step_overhead,
    "scaling": step_scaling,
    "cache": step_cache,
    "serve": step_serve,
    "weight": step_weight,
    "lighthouse": step_lighthouse,
    "html": step_html,
    "languages": step_languages,
    "instructions": step_instructions,
}
# Asked for by name only: about 30 minutes, and valgrind installed.
SLOW_STEPS = ("instructions",)


def _ensure_node_packages(steps: list[str]) -> None:
    if "html" in steps and not VNU_JAR.is_file():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO, check=True)
    if "lighthouse" in steps and not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO / "bench", check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--steps",
        default=",".join(step for step in STEPS if step not in SLOW_STEPS),
        help="comma-separated, default all but " + ", ".join(SLOW_STEPS),
    )
    parser.add_argument("--site", type=Path, default=REPO / "site-config.yml")
    parser.add_argument("--runs", type=int, default=5, help="alternating build runs (default 5)")
    parser.add_argument("--max-pages", type=int, default=5000, help="largest synthetic site")
    parser.add_argument(
        "--sites",
        default="real,100,1000,5000",
        help="cache step: which sites (real and synthetic sizes), default real,100,1000,5000",
    )
    parser.add_argument("--serve-runs", type=int, default=7)
    parser.add_argument("--lighthouse-runs", type=int, default=3)
    parser.add_argument("--no-markdown", action="store_true", help="do not update BENCHMARKS.md")
    args = parser.parse_args(argv)
    args._built = False
    args.site = args.site.resolve()
    args.site_kind = "real"
    if not (args.site.parent / "content" / PAGES["home"]).is_file():
        # The content is written in parallel with the generator; until it exists, the real
        # site-config.yml, templates and navigation are measured with synthetic pages.
        log("the real content is missing: measuring a stand-in (real config, synthetic pages)")
        args.site = make_standin_project(WORK / "standin")
        args.site_kind = "stand-in: real site-config.yml, nav and templates; synthetic pages"
    steps = [step.strip() for step in args.steps.split(",") if step.strip()]
    unknown = set(steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    _ensure_node_packages(steps)
    # Both sides run from bytecode: pip compiled MkDocs and Material when it installed them, and
    # scripts/bootstrap.sh compiles the generator (an editable install is not compiled, and
    # with PYTHONDONTWRITEBYTECODE set nothing would write it).
    compileall.compile_dir(REPO / "generator", quiet=1)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    (RESULTS / "machine.json").write_text(json.dumps(machine(), indent=2) + "\n")
    for step in steps:
        log(f"{step} ...")
        step_started = time.monotonic()
        result = STEPS[step](args)
        result["measured_on"] = datetime.date.today().isoformat()
        if step not in ("scaling", "instructions"):  # those two build synthetic sites only
            result["site"] = args.site_kind
        result["step_seconds"] = round(time.monotonic() - step_started, 1)
        (RESULTS / f"{step}.json").write_text(json.dumps(result, indent=2) + "\n")
        log(f"{step}: done in {result['step_seconds']} s")
    if not args.no_markdown:
        from bench.report import update_benchmarks_md

        update_benchmarks_md(RESULTS, BENCHMARKS_MD)
    log(f"all done in {time.monotonic() - started:.0f} s; results in {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
