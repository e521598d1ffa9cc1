"""Run by tests/test_page_prefetch.py in a fresh interpreter, as `iop-guide build` runs: the
second process is forked only from a process with no other thread, and a test session's browser
driver keeps one. Prints one JSON line: what the build's own process compiled, and more.

    python -m tests.prefetch_probe build CONFIG [--no-child]
    python -m tests.prefetch_probe fill CACHE_DIR PAGE...
    python -m tests.prefetch_probe overtaken CACHE_DIR PAGE...
    python -m tests.prefetch_probe stopped CACHE_DIR PAGE...
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import jinja2

from generator import cli, page_prefetch
from generator.page_prefetch import PagePrefetch
from generator.page_rendering import make_page_environment, page_template_name
from generator.plugin import markdown_body

REPO = Path(__file__).resolve().parent.parent


def _count_compiles() -> list[str]:
    """Names of the templates this process compiles (a forked child counts in its own copy)."""
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(str(name))
        return original(self, source, name, filename, raw, defer_init)

    jinja2.Environment.compile = counting  # type: ignore[method-assign]
    return compiled


def build(config: str, *options: str) -> dict:
    if "--no-child" in options:
        page_prefetch.prefetch_available = lambda: False
    compiled = _count_compiles()
    code = cli.main(["build", "--config", config])
    return {"exit": code, "compiled": compiled, "available": page_prefetch.prefetch_available()}


def _start(cache_dir: str, pages: tuple[str, ...]) -> tuple[jinja2.Environment, PagePrefetch]:
    env = make_page_environment(REPO / "templates", Path(cache_dir))
    prefetch = PagePrefetch.start(env, list(pages), page_template_name, markdown_body)
    if prefetch is None:
        raise SystemExit("PROBE " + json.dumps({"started": False}))
    return env, prefetch


def _cached(env: jinja2.Environment, pages: tuple[str, ...]) -> list[bool]:
    """Which pages' compiled code the cache holds."""
    cache = env.bytecode_cache
    cached = []
    for path in pages:
        body = markdown_body(Path(path).read_text(encoding="utf-8"))
        cached.append(cache.get_bucket(env, page_template_name(body), None, body).code is not None)
    return cached


def fill(cache_dir: str, *pages: str) -> dict:
    """Start the child on ``pages``, wait for it, and say which pages' code the cache holds."""
    env, prefetch = _start(cache_dir, pages)
    prefetch.finish()
    return {"started": True, "cached": _cached(env, pages)}


def overtaken(cache_dir: str, *pages: str) -> dict:
    """The build reads every page before the child gets far: the child must skip them."""
    env, prefetch = _start(cache_dir, pages)
    for _ in pages:
        prefetch.page_read()
    prefetch.finish()
    return {"started": True, "cached": sum(_cached(env, pages))}


def stopped(cache_dir: str, *pages: str) -> dict:
    """Kill the child at once; waiting for its last page must not hang."""
    _, prefetch = _start(cache_dir, pages)
    prefetch._process.kill()
    began = time.monotonic()
    body = markdown_body(Path(pages[-1]).read_text(encoding="utf-8"))
    prefetch.wait_for(page_template_name(body))
    prefetch.finish()
    return {
        "started": True,
        "seconds": time.monotonic() - began,
        "alive": prefetch._process.is_alive(),
    }


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    result = {"build": build, "fill": fill, "overtaken": overtaken, "stopped": stopped}[command](
        *arguments
    )
    print("PROBE " + json.dumps(result))
