"""Turn ``bench/results/*.json`` into the tables between the markers in ``BENCHMARKS.md``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

START = "<!-- bench:results:start (written by `python -m bench.run`; edit outside the markers) -->"
END = "<!-- bench:results:end -->"


def _load(results: Path, step: str) -> dict[str, Any] | None:
    path = results / f"{step}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def _kb(size: float) -> str:
    return f"{size / 1024:.1f} KB"


def _mb(size: float) -> str:
    return f"{size / 1024**2:.0f} MB"


def _site(result: dict[str, Any]) -> str:
    return "real site" if result.get("site", "real") == "real" else "stand-in site\\*"


def _met(value: bool) -> str:
    return "met" if value else "**missed**"


def render_tables(results: Path) -> str:
    lines: list[str] = []
    machine = _load(results, "machine") or {}
    if machine:
        packages = ", ".join(f"{name} {v}" for name, v in machine["packages"].items())
        lines += [
            f"Measured on {machine['cores']} cores ({machine['cpu']}), "
            f"{machine['memory_bytes'] / 1024**3:.0f} GB memory, {machine['os']}; "
            f"Python {machine['python']}; {packages}; {machine['chromium']}; "
            f"Lighthouse {machine['lighthouse']}; vnu {machine['vnu']}; {machine['java']}.",
            "",
        ]
    lines += ["| # | measure | result | target | |", "| --- | --- | --- | --- | --- |"]

    overhead = _load(results, "overhead")
    if overhead:
        lines.append(
            f"| 1 | build overhead, {_site(overhead)} ({overhead['pages']} pages), "
            f"{overhead['runs']} alternating runs | ours {overhead['ours']['median_seconds']:.2f} s"
            f", bare {overhead['bare']['median_seconds']:.2f} s: **{overhead['ratio']:.2f}×** "
            f"| ≤ 1.15× | {_met(overhead['met'])} |"
        )
    scaling = _load(results, "scaling")
    if scaling:
        for pages, size in scaling["sizes"].items():
            lines.append(
                f"| 2 | build time, {int(pages):,} synthetic pages ({size['runs']} runs) | ours "
                f"{size['ours']['median_seconds']:.2f} s, bare {size['bare']['median_seconds']:.2f}"
                f" s: **{size['ratio']:.2f}×** | ≤ 1.15× | {_met(size['ratio'] <= 1.15)} |"
            )
        if "linearity_ours" in scaling:
            lines.append(
                f"| 2 | 5,000-page build / 100-page build | "
                f"ours **{scaling['linearity_ours']:.1f}×**, "
                f"bare {scaling['linearity_bare']:.1f}× | ≤ 55× | "
                f"{_met(scaling['targets']['linear'])} |"
            )
            rss = scaling["sizes"]["5000"]["ours"]["peak_rss_bytes"]
            lines.append(
                f"| 2 | peak memory, 5,000 pages | ours **{_mb(rss)}**, bare "
                f"{_mb(scaling['sizes']['5000']['bare']['peak_rss_bytes'])} | < 1 GB | "
                f"{_met(scaling['targets']['memory'])} |"
            )
    cache = _load(results, "cache")
    if cache:
        for name, site in cache["sites"].items():
            where = "real site" if name == "real" else f"{int(name):,} synthetic pages"
            if site.get("languages"):
                where += f" ({' + '.join(site['languages'])})"
            if cache.get("booklet") is False:
                where += ", booklet off"
            for kind in ("warm", "cold"):
                target = cache[f"target_{kind}_ratio"]
                lines.append(
                    f"| 7 | {kind} build, {where} ({site['runs']} alternating runs) | ours "
                    f"{site[kind]['median_seconds']:.2f} s "
                    f"(CPU {site[kind]['median_cpu_seconds']:.2f} s), bare "
                    f"{site['bare']['median_seconds']:.2f} s "
                    f"(CPU {site['bare']['median_cpu_seconds']:.2f} s): "
                    f"**{site[f'{kind}_ratio']:.2f}×** "
                    f"(CPU time {site[f'{kind}_cpu_ratio']:.2f}×"
                    + (
                        f"; with the page compiler's {site[f'{kind}_total_cpu_ratio']:.2f}×"
                        if site.get(f"{kind}_total_cpu_ratio", 0)
                        > site[f"{kind}_cpu_ratio"] + 0.005
                        else ""
                    )
                    + ") "
                    f"| ≤ {target:.2f}× | {_met(site[f'{kind}_met'])} |"
                )
    serve = _load(results, "serve")
    if serve:
        lines.append(
            f"| 3 | `serve` ({_site(serve)}): save {serve['page']} → rebuilt page served "
            f"(median of "
            f"{len(serve['seconds'])}) | **{serve['median_seconds']:.2f} s** | < 1 s | "
            f"{_met(serve['met'])} |"
        )
    weight = _load(results, "weight")
    if weight:
        for name, page in weight["pages"].items():
            lines.append(
                f"| 4 | first view of {name}, {_site(weight)} (`{page['path']}`), gzip | "
                f"**{_kb(page['total_bytes'])}** | ≤ 150 KB | {_met(page['met'])} |"
            )
    lighthouse = _load(results, "lighthouse")
    if lighthouse:
        for name, page in lighthouse["pages"].items():
            scores = page["scores"]
            lines.append(
                f"| 5 | Lighthouse {name} ({_site(lighthouse)}): performance / accessibility / "
                f"best practices / SEO | "
                f"**{scores['performance']:.0f} / {scores['accessibility']:.0f} / "
                f"{scores['best-practices']:.0f} / {scores['seo']:.0f}** | ≥ 95 / 100 / 100 / 100 "
                f"| {_met(page['met'])} |"
            )
    html = _load(results, "html")
    if html:
        lines.append(
            f"| 6 | Nu checker errors on {html['pages_checked']} pages ({_site(html)}) | "
            f"**{len(html['errors_not_allowed'])}** (+ {html['errors_allowed_from_material']} "
            f"listed, from Material) | 0 | {_met(html['met'])} |"
        )
    kinds = {r.get("site") for r in (overhead, serve, weight, lighthouse, html) if r}
    if kinds - {"real", None}:
        lines += [
            "",
            "\\* The real content did not exist yet when this was measured, so steps 1 and 3–6 "
            "ran on a stand-in: the real `site-config.yml`, navigation and templates, with a "
            "synthetic page (as in step 2) for every page of the navigation. Run the command "
            "again once the content is in `content/` to measure the real site.",
        ]
    missing = sorted(set((weight or {}).get("missing_pages", [])))
    if missing:
        lines += ["", f"Not measured (the page does not exist yet): {', '.join(missing)}."]

    if scaling:
        lines += [
            "",
            "Scaling, medians (ms per page = build time / topic pages):",
            "",
            "| pages | side | build | ms per page | peak RSS | output | files | ours / bare |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for pages, size in scaling["sizes"].items():
            for side in ("ours", "bare"):
                row = size[side]
                ratio = f"{size['ratio']:.2f}" if side == "ours" else ""
                lines.append(
                    f"| {int(pages):,} | {side} | {row['median_seconds']:.2f} s | "
                    f"{row['ms_per_page']:.1f} | {_mb(row['peak_rss_bytes'])} | "
                    f"{_mb(row['output_bytes'])} | {row['output_files']:,} | {ratio} |"
                )
    instructions = _load(results, "instructions")
    if instructions:
        sizes = instructions["sizes"]
        lines += [
            "",
            "Instructions executed by one warm build (valgrind's callgrind, "
            f"`--steps instructions`, {instructions['measured_on']}; "
            "the build's own process):",
            "",
            "| site | ours | bare | ours / bare |",
            "| --- | ---: | ---: | ---: |",
        ]
        for pages, row in sizes.items():
            lines.append(
                f"| {int(pages):,} pages | {row['ours'] / 1e9:.2f} G | "
                f"{row['bare'] / 1e9:.2f} G | {row['ratio']:.3f} |"
            )
        if "per_page" in instructions:
            per_page, fixed = instructions["per_page"], instructions["fixed"]
            low, high = per_page["between"]
            lines.append(
                f"| each page more, {low:,} → {high:,} | {per_page['ours'] / 1e6:.1f} M | "
                f"{per_page['bare'] / 1e6:.1f} M | {per_page['ratio']:.3f} |"
            )
            lines.append(
                f"| before the first page | {fixed['ours'] / 1e9:.2f} G | "
                f"{fixed['bare'] / 1e9:.2f} G | {fixed['ours'] / fixed['bare']:.3f} |"
            )
    if weight:
        lines += [
            "",
            "Page weight, bytes transferred on a first view (gzip level 6; headers included):",
            "",
            "| page | HTML | CSS | JS | fonts | images | other | total | requests |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, page in weight["pages"].items():
            split = page["bytes"]
            cells = " | ".join(
                _kb(split[key]) for key in ("html", "css", "js", "fonts", "images", "other")
            )
            lines.append(
                f"| {name} | {cells} | {_kb(page['total_bytes'])} | {len(page['requests'])} |"
            )
        index = weight["search_index"]
        lines += [
            "",
            f"Search index (`search/search_index.json`): {_kb(index['bytes'])}, "
            f"{_kb(index['gzip_bytes'])} gzipped.",
        ]
    if lighthouse:
        lines += [
            "",
            "Lighthouse metrics (medians) and audits below full score:",
            "",
            "| page | FCP | LCP | TBT | CLS | audits below full score |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for name, page in lighthouse["pages"].items():
            metric = page["metrics"]
            audits = ", ".join(page["audits_below_full_score"]) or "none"
            lines.append(
                f"| {name} | {metric['first-contentful-paint'] / 1000:.1f} s | "
                f"{metric['largest-contentful-paint'] / 1000:.1f} s | "
                f"{metric['total-blocking-time']:.0f} ms | {metric['cumulative-layout-shift']:.3f}"
                f" | {audits} |"
            )
    return "\n".join(lines)


def update_benchmarks_md(results: Path, benchmarks_md: Path) -> None:
    text = benchmarks_md.read_text(encoding="utf-8") if benchmarks_md.is_file() else ""
    block = f"{START}\n\n{render_tables(results)}\n\n{END}"
    if START in text and END in text:
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        text = head + block + tail
    else:
        text = text + ("\n\n" if text else "# Benchmarks\n\n") + block + "\n"
    benchmarks_md.write_text(text, encoding="utf-8")
