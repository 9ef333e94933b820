"""The text-size, start-up and end-to-end benchmark scripts still run (tiny sizes).

They assert only that every table and verdict is printed; the targets themselves are judged by
running the scripts, never here (the machines are shared and noisy).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *arguments: str) -> str:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def test_text_size_prints_every_case_with_a_ratio_and_verdict() -> None:
    output = _run("text_size.py", "--sizes", "1,2", "--repeat", "1")
    for case in ("redact, one run of letters", "use cases by rules", "whole run, dense"):
        row = next(line for line in output.splitlines() if case in line)
        assert "×" in row and "met" in row
    assert "targets not met:" in output


def test_startup_times_help_and_version_against_the_floor() -> None:
    output = _run("startup.py", "--repeat", "1")
    assert "gaai --help" in output and "gaai --version" in output
    assert "over the floor" in output


def test_end_to_end_compares_the_product_with_the_columnar_reference() -> None:
    pytest.importorskip("polars")
    output = _run("end_to_end.py", "--sizes", "5000", "--offload", "1")
    assert "time ratio" in output and "memory ratio" in output
    assert "parallel / sequential" in output and "gaai run --sequential" in output
    # The product with another offload setting, beside the others and not judged.
    assert "With GAAI_OFFLOAD_MIN_EDGES=1 at 5," in output
    assert "(not judged: the targets are the default's)" in output
    assert "reference: map ids to integers (joins)" in output
    assert "product: analyze_schema" in output


def test_the_end_to_end_section_of_results_is_replaced_and_kept(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import end_to_end

    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nwritten by run.py\n")
    end_to_end.write_results("| first |", "end_to_end.py --sizes 5000", [("date", "d1")], results)
    end_to_end.write_results("| second |", "end_to_end.py --sizes 5000", [("date", "d2")], results)

    text = results.read_text()
    assert text.startswith("# Benchmark results\n\nwritten by run.py\n")
    assert "| second |" in text and "| first |" not in text and text.count("## End to end") == 1
    kept = end_to_end.kept_section(results)
    assert kept.startswith(end_to_end.SECTION_START) and kept.endswith(end_to_end.SECTION_END)
    assert "- date: d2" in kept


def test_rounds_report_each_pipelines_median_time_and_memory() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import end_to_end

    runs = [
        {"seconds": 12.0, "peak_rss_mb": 900.0, "phases": {"execute": 6.0}},
        {"seconds": 9.0, "peak_rss_mb": 880.0, "phases": {"execute": 4.0}},
        {"seconds": 10.0, "peak_rss_mb": 950.0, "phases": {"execute": 5.0}},
    ]
    chosen = end_to_end.median_run(runs)

    assert chosen["seconds"] == 10.0 and chosen["peak_rss_mb"] == 900.0
    assert chosen["phases"] == {"execute": 5.0}  # the phases of the median-time run
    assert chosen["all_seconds"] == [12.0, 9.0, 10.0]
    assert chosen["all_peak_rss_mb"] == [900.0, 880.0, 950.0]


def test_rounds_rotate_the_order_and_pair_each_rounds_runs() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import end_to_end

    orders = [end_to_end.round_order(number) for number in range(4)]
    assert orders[0][0] == "product"  # the reference needs the product's templates
    assert orders[3] == orders[0]
    for position in range(3):  # over three rounds each pipeline runs once in each place
        assert sorted(order[position] for order in orders[:3]) == sorted(end_to_end.PIPELINES)
    with_worker = end_to_end.pipelines_of("off")
    assert end_to_end.pipelines_of(None) == end_to_end.PIPELINES
    orders = [end_to_end.round_order(number, with_worker) for number in range(4)]
    assert orders[0][0] == "product"
    for position in range(4):
        assert sorted(order[position] for order in orders) == sorted(with_worker)
    each, middle = end_to_end.paired_ratios([10.0, 9.0, 12.0], [10.0, 10.0, 10.0])
    assert each == [1.0, 0.9, 1.2] and middle == 1.0


def test_tree_memory_counts_a_childs_descendants_from_outside() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import end_to_end

    # A child whose own child holds ~80 MB for a while: the parent's sampler sees both.
    grandchild = "b = bytearray(80 * 2**20); import time; time.sleep(1.5)"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])",
        ]
    )
    tree = end_to_end._TreeMemory(child.pid)
    try:
        child.wait(timeout=60)
    finally:
        tree.stop()
    assert tree.peak_descendants_mb >= 80
    assert tree.peak_mb > tree.peak_descendants_mb
