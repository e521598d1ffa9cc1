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


def fill(cache_dir: str, *pages: str) -> dict:
    """Start the child on ``pages``, wait for it, and say which pages' code the cache holds."""
    env = make_page_environment(REPO / "templates", Path(cache_dir))
    prefetch = PagePrefetch.start(env, list(pages), page_template_name, markdown_body)
    if prefetch is None:
        return {"started": False}
    prefetch.finish()
    cache = env.bytecode_cache
    cached = []
    for path in pages:
        body = markdown_body(Path(path).read_text(encoding="utf-8"))
        bucket = cache.get_bucket(env, page_template_name(body), None, body)
        cached.append(bucket.code is not None)
    return {"started": True, "cached": cached}


def overtaken(cache_dir: str, *pages: str) -> dict:
    """The build reads every page before the child gets far: the child must skip them."""
    env = make_page_environment(REPO / "templates", Path(cache_dir))
    prefetch = PagePrefetch.start(env, list(pages), page_template_name, markdown_body)
    if prefetch is None:
        return {"started": False}
    for _ in pages:
        prefetch.page_read()
    prefetch.finish()
    cache = env.bytecode_cache
    cached = 0
    for path in pages:
        body = markdown_body(Path(path).read_text(encoding="utf-8"))
        cached += cache.get_bucket(env, page_template_name(body), None, body).code is not None
    return {"started": True, "cached": cached}


def stopped(cache_dir: str, *pages: str) -> dict:
    """Kill the child at once; waiting for its last page must not hang."""
    env = make_page_environment(REPO / "templates", Path(cache_dir))
    prefetch = PagePrefetch.start(env, list(pages), page_template_name, markdown_body)
    if prefetch is None:
        return {"started": False}
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
