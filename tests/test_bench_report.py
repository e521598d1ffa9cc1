"""The instruction-count step's reading of valgrind and its table in BENCHMARKS.md.
(No counts are taken here: see bench/run.py, step ``instructions``.)"""

from __future__ import annotations

import json
from pathlib import Path

from bench.report import render_tables
from bench.run import instructions_of, per_page_and_fixed

# What valgrind prints when the build forks its page compiler: the child's count begins with
# what the parent had counted at the fork, so it must never be taken for the build's.
VALGRIND_STDERR = """\
==4100== Callgrind, a call-graph generating cache profiler
==4100== Command: python -m bench.build_once ours site-config.yml out
==4107== Events    : Ir
==4107== Collected : 3,117,614,752
==4100== Events    : Ir
==4100== Collected : 96905869470
==4100== I   refs:      96,905,869,470
"""


def test_the_count_is_the_build_process_s_not_its_child_s() -> None:
    assert instructions_of(VALGRIND_STDERR, 4100) == 96_905_869_470
    assert instructions_of(VALGRIND_STDERR, 4107) == 3_117_614_752
    assert instructions_of(VALGRIND_STDERR, 4200) is None
    assert instructions_of("valgrind: command not found", 4100) is None


def test_the_table_shows_each_size_the_per_page_cost_and_the_fixed_cost(tmp_path: Path) -> None:
    result = {
        "sizes": {
            "100": {"ours": 11_140_000_000, "bare": 11_050_000_000, "ratio": 11.14 / 11.05},
            "1000": {"ours": 96_900_000_000, "bare": 89_150_000_000, "ratio": 96.9 / 89.15},
        },
        "per_page": {
            "ours": 95_288_888.9,
            "bare": 86_777_777.8,
            "ratio": 95.2888889 / 86.7777778,
            "between": [100, 1000],
        },
        "fixed": {"ours": 1_611_111_110.0, "bare": 2_372_222_220.0},
        "measured_on": "2026-12-07",
    }
    (tmp_path / "instructions.json").write_text(json.dumps(result), encoding="utf-8")
    table = render_tables(tmp_path)
    assert "| 100 pages | 11.14 G | 11.05 G | 1.008 |" in table
    assert "| 1,000 pages | 96.90 G | 89.15 G | 1.087 |" in table
    assert "| each page more, 100 → 1,000 | 95.3 M | 86.8 M | 1.098 |" in table
    assert "| before the first page | 1.61 G | 2.37 G | 0.679 |" in table


def test_per_page_and_fixed_costs_come_from_the_smallest_and_largest_sizes() -> None:
    # Worked by hand: ours adds (9,100 - 1,000) / 900 = 9 a page and so costs 1,000 - 100 x 9
    # = 100 before its first page; bare adds (8,200 - 1,000) / 900 = 8 and costs 200. The
    # middle size must not change either figure, and the order of the keys must not matter.
    sizes = {
        "1000": {"ours": 9_100, "bare": 8_200},
        "500": {"ours": 123, "bare": 456},
        "100": {"ours": 1_000, "bare": 1_000},
    }
    figures = per_page_and_fixed(sizes)
    assert figures["per_page"] == {"ours": 9.0, "bare": 8.0, "ratio": 9 / 8, "between": [100, 1000]}
    assert figures["fixed"] == {"ours": 100.0, "bare": 200.0}
    assert per_page_and_fixed({"100": {"ours": 1, "bare": 1}}) == {}


def test_the_recorded_per_page_and_fixed_figures_follow_from_the_recorded_counts() -> None:
    recorded = json.loads(
        (Path(__file__).parents[1] / "bench" / "results" / "instructions.json").read_text()
    )
    figures = per_page_and_fixed(recorded["sizes"])
    for key in ("per_page", "fixed"):
        for side in ("ours", "bare"):
            assert abs(figures[key][side] - recorded[key][side]) < 1, (key, side)
