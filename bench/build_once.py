"""One timed build in a fresh process: ``python -m bench.build_once ours|bare CONFIG OUT``.

Each build runs in its own interpreter so peak memory (RSS) belongs to that build alone and no
cache carries over from the previous one. Both sides import the same MkDocs modules before the
clock starts, then time exactly what their command does: ``iop-guide build`` (validation, our
plugin, strict mode, the atomic swap) against ``mkdocs build``. Prints one JSON line.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import sys
import time
from pathlib import Path


def _build_ours(config: Path, out: Path) -> None:
    from generator import cli

    if cli.main(["build", "--config", str(config), "--out", str(out)]) != 0:
        raise SystemExit(f"iop-guide build failed for {config}")


def _build_bare(config: Path, out: Path) -> None:
    # What `mkdocs build -f CONFIG -d OUT` does, without its command-line wrapper.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    loaded = load_config(str(config), site_dir=str(out))
    loaded.plugins.on_startup(command="build", dirty=False)
    try:
        build(loaded)
    finally:
        loaded.plugins.on_shutdown()


def peak_rss_bytes() -> int:
    """This process's peak resident memory. Not ``getrusage(RUSAGE_SELF).ru_maxrss``: on Linux
    that survives ``exec``, so a child started by a bigger parent (bench.run, ~45 MB) reports the
    parent's peak instead of its own. ``VmHWM`` is the high-water mark of this program's memory
    alone (it starts afresh at ``exec``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kilobytes


def main(argv: list[str]) -> int:
    side, config, out = argv[0], Path(argv[1]).resolve(), Path(argv[2]).resolve()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # Both sides pay for these imports before the clock starts; neither logs page by page.
    import mkdocs.commands.build
    import mkdocs.config  # noqa: F401

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    started = time.perf_counter()
    cpu_started = time.process_time()
    (_build_ours if side == "ours" else _build_bare)(config, out)
    seconds = time.perf_counter() - started
    # CPU time as well: on a shared machine, waiting for a core inflates wall time but not this.
    cpu_seconds = time.process_time() - cpu_started
    # Worker processes (the PDF booklets) are reaped before the build returns.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_cpu_seconds = children.ru_utime + children.ru_stime
    peak_rss = peak_rss_bytes()
    print(
        json.dumps(
            {
                "side": side,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "children_cpu_seconds": children_cpu_seconds,
                "peak_rss_bytes": peak_rss,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
