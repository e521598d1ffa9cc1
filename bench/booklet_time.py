"""What the PDF booklets add to the real site's build: ``python -m bench.booklet_time [RUNS]``.

Builds the real site (both languages) in fresh processes (``bench.build_once ours``), rotating
three sides so drift on a shared machine hits each of them:

- ``off``: a copy of ``site-config.yml`` that sets ``booklet: false``;
- ``cold``: the real configuration with no stored booklets (``.cache/iop-guide/booklets/``
  emptied first), so both booklets are laid out, in worker processes beside the build;
- ``warm``: the real configuration again with the booklets the previous build stored.

Prints one JSON line: each side's median wall and CPU seconds (CPU of the build process and,
separately, of its worker processes), the medians of the per-round differences to ``off``, and
the booklets' sizes and page counts. The copy sits beside the real file, because ``docs_dir`` and
``custom_dir`` are resolved against the configuration's folder, and is removed afterwards.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdf

from generator.plugin import BOOKLET_CACHE_DIR

REPO = Path(__file__).resolve().parent.parent
ON = "max_reading_grade: 8\n"
OFF = "max_reading_grade: 8\n      booklet: false\n"
SIDES = ("off", "cold", "warm")
BOOKLETS = {"en": "downloads/iop-guide-en.pdf", "es": "es/downloads/iop-guide-es.pdf"}


def _one_build(config: Path, out: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.build_once", "ours", str(config), str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv else 5
    real = REPO / "site-config.yml"
    text = real.read_text(encoding="utf-8")
    if ON not in text:
        raise SystemExit("site-config.yml no longer sets max_reading_grade: 8; update this script")
    off = REPO / "site-config.bench-booklet-off.yml"
    off.write_text(text.replace(ON, OFF, 1), encoding="utf-8")
    results: dict[str, list[dict[str, float]]] = {side: [] for side in SIDES}
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for run in range(runs):
                # Rotate the order; "warm" always follows a build that stored the booklets.
                order = ["off", "cold", "warm"] if run % 2 == 0 else ["cold", "warm", "off"]
                for side in order:
                    if side == "cold":
                        shutil.rmtree(REPO / BOOKLET_CACHE_DIR, ignore_errors=True)
                    config = off if side == "off" else real
                    out = Path(scratch) / f"{side}-{run}"
                    results[side].append(_one_build(config, out))
            booklets = {
                language: {
                    "pages": len(pypdf.PdfReader(Path(scratch) / "cold-0" / path).pages),
                    "bytes": (Path(scratch) / "cold-0" / path).stat().st_size,
                }
                for language, path in BOOKLETS.items()
            }
    finally:
        off.unlink()
    summary: dict[str, object] = {"runs": runs, "booklets": booklets}
    for side in SIDES:
        summary[side] = {
            "median_seconds": _median([r["seconds"] for r in results[side]]),
            "median_cpu_seconds": _median([r["cpu_seconds"] for r in results[side]]),
            "median_workers_cpu_seconds": _median(
                [r["children_cpu_seconds"] for r in results[side]]
            ),
            "seconds": [round(r["seconds"], 2) for r in results[side]],
        }
        if side != "off":
            summary[side]["median_added_seconds"] = _median(
                [
                    on["seconds"] - base["seconds"]
                    for on, base in zip(results[side], results["off"], strict=True)
                ]
            )
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
