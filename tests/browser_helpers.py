"""Helpers for browser tests: axe-core accessibility runs and page listings."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()


def axe_violations(page) -> list[dict]:
    """axe-core's violations for the page as it is now (WCAG 2.x A and AA, and best practice)."""
    results = _AXE.run(page)
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5], "help": v["help"]}
        for v in results.response["violations"]
    ]


def site_pages(site: Path) -> list[str]:
    """The URL path of every built page ('' for the home page), 404 page excluded."""
    paths = []
    for html in sorted(site.rglob("index.html")):
        relative = html.parent.relative_to(site).as_posix()
        paths.append("" if relative == "." else relative + "/")
    return paths
