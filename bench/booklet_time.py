"""What the PDF booklet adds to the real site's build: ``python -m bench.booklet_time [RUNS]``.

Builds the real site in fresh processes (``bench.build_once ours``), alternating the real
``site-config.yml`` (booklet on) with a copy that sets ``booklet: false``, and prints the median
of each side, the median of the per-pair differences and the booklet's size and page count as
one JSON line. The copy sits beside the real file, because ``docs_dir`` and ``custom_dir`` are
resolved against the configuration's folder, and is removed afterwards.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdf

REPO = Path(__file__).resolve().parent.parent
ON = "max_reading_grade: 8\n"
OFF = "max_reading_grade: 8\n      booklet: false\n"


def _one_build(config: Path, out: Path) -> float:
    result = subprocess.run(
        [sys.executable, "-m", "bench.build_once", "ours", str(config), str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])["seconds"]


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv else 5
    real = REPO / "site-config.yml"
    text = real.read_text(encoding="utf-8")
    if ON not in text:
        raise SystemExit("site-config.yml no longer sets max_reading_grade: 8; update this script")
    off = REPO / "site-config.bench-booklet-off.yml"
    off.write_text(text.replace(ON, OFF, 1), encoding="utf-8")
    on_times: list[float] = []
    off_times: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for run in range(runs):
                # Alternate which side goes first, so drift on a shared machine hits both.
                order = (
                    [("on", real), ("off", off)] if run % 2 == 0 else [("off", off), ("on", real)]
                )
                for side, config in order:
                    seconds = _one_build(config, Path(scratch) / f"{side}-{run}")
                    (on_times if side == "on" else off_times).append(seconds)
            booklet = Path(scratch) / "on-0" / "downloads" / "iop-guide-en.pdf"
            pages = len(pypdf.PdfReader(booklet).pages)
            size = booklet.stat().st_size
    finally:
        off.unlink()
    differences = [on - off_ for on, off_ in zip(on_times, off_times, strict=True)]
    print(
        json.dumps(
            {
                "runs": runs,
                "median_seconds_booklet_on": round(statistics.median(on_times), 2),
                "median_seconds_booklet_off": round(statistics.median(off_times), 2),
                "median_added_seconds": round(statistics.median(differences), 2),
                "booklet_pages": pages,
                "booklet_bytes": size,
                "on": on_times,
                "off": off_times,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
