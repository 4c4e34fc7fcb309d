"""Smoke tests of benchmarks/benchmark.py: a tiny run finishes and reports what it measured.

Each test runs the script the way a person would, in a subprocess with this interpreter, on a
handful of iterations (the hidden ``--iterations-scale``, and ``--quick``'s small K-class set)
with one thread per run, so that it stays quick and is not thrown by other processes on the
machine. The peers (PyTorch, scikit-learn) are optional: where one is missing it must be
reported as skipped, not crash the run. One test hides both, whatever is installed, to check
exactly that. No test asserts anything about the times themselves.

The two runs of every workload take half a minute together, more than the rest of the suite can
spare: they run when ``BENCHMARK_SMOKE=1``, as ``make benchmark-check`` and CI set it.
"""

import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cat_data

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "benchmark.py"
WORKLOADS = ("gd", "adam_bn", "adam_mb")
SMOKE = pytest.mark.skipif(
    os.environ.get("BENCHMARK_SMOKE") != "1",
    reason="a run of every workload: make benchmark-check runs it (BENCHMARK_SMOKE=1), as CI does",
)
PEERS = ("torch", "sklearn")


@pytest.fixture(autouse=True)
def _needs_cat_data():
    try:
        cat_data.find_data_dir()
    except FileNotFoundError:
        pytest.skip(
            "the cat images are not available (cat_data.find_data_dir() found no data); "
            "see README.md, 'Getting the data'"
        )


def run_benchmark(tmp_path, *args, workloads=WORKLOADS, env=None):
    """Run the script from ``tmp_path`` (not the repo root); return its JSON report and stdout."""
    output = tmp_path / "results.json"
    command = [
        sys.executable,
        str(SCRIPT),
        "--quick",
        "--repeats",
        "1",
        "--iterations-scale",
        "0.1",
        "--threads",
        "1",
        "--workloads",
        ",".join(workloads),
        "--json",
        str(output),
        *args,
    ]
    proc = subprocess.run(
        command, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600, check=False
    )
    assert proc.returncode == 0, f"exit code {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return json.loads(output.read_text()), proc.stdout


def check_ours(entry):
    assert entry["status"] == "ok", entry
    assert entry["median_s"] > 0
    assert math.isfinite(entry["final_cost"])
    assert 0.0 <= entry["train_acc"] <= 1.0
    assert 0.0 <= entry["test_acc"] <= 1.0
    assert entry["peak_mb"] > 0
    assert entry["ratio_ours_over_this"] == pytest.approx(1.0)


@SMOKE
def test_every_workload_has_our_result_and_peers_are_run_or_skipped(tmp_path):
    report, stdout = run_benchmark(tmp_path, "--peers", "ours,torch,sklearn", "--dtype", "float32")
    for workload in WORKLOADS:
        group = report["results"][workload]["float32"]
        check_ours(group["ours"])
        for peer in PEERS:
            entry = group[peer]
            assert entry["status"] in ("ok", "skipped"), entry
            if entry["status"] == "skipped":
                assert entry["reason"]
            else:
                assert entry["median_s"] > 0
                assert entry["ratio_ours_over_this"] > 0
        floor = report["floors"][workload]["float32"]
        assert floor["status"] == "ok"
        assert floor["median_s"] > 0
    # scikit-learn has no batch norm: it sits adam_bn out, and says why.
    assert report["results"]["adam_bn"]["float32"]["sklearn"]["status"] == "skipped"
    assert report["results"]["adam_bn"]["float32"]["sklearn"]["reason"]
    # The peers start from our weights; torch also takes our mini-batches in our order, and
    # full-batch gradient descent has no order. So these must end at our cost, up to rounding, or
    # they are not training the same network the same way.
    same_trajectory = [(w, "torch") for w in WORKLOADS] + [("gd", "sklearn")]
    for workload, peer in same_trajectory:
        group = report["results"][workload]["float32"]
        if group[peer]["status"] == "ok":
            theirs, ours = group[peer]["final_cost"], group["ours"]["final_cost"]
            assert theirs == pytest.approx(ours, abs=1e-4), (
                f"{peer} ended {workload} at cost {theirs}, ours at {ours}. The peers copy "
                "model()'s initial weights and shuffling (_model_seeds in "
                "benchmarks/benchmark.py): if model() changed how it uses its seed, update them."
            )
    assert {t["name"] for t in report["targets"]} >= {"gd float32: ours / torch"}
    assert "Targets" in stdout
    assert "floor (W1@X + dZ1@X.T)" in stdout


def test_absent_peers_are_reported_as_skipped(tmp_path):
    # Packages named torch and sklearn that fail to import shadow the real ones, if any. One
    # workload is enough to see it, in both dtypes (the test above covers every workload).
    hidden = tmp_path / "hidden"
    for name in PEERS:
        (hidden / name).mkdir(parents=True)
        (hidden / name / "__init__.py").write_text(
            f"raise ImportError('{name} is hidden by the test')\n"
        )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hidden), str(ROOT)])}
    report, stdout = run_benchmark(tmp_path, "--peers", "ours,torch,sklearn", workloads=["gd"],
                                   env=env)  # fmt: skip
    for dtype in ("float64", "float32"):
        group = report["results"]["gd"][dtype]
        check_ours(group["ours"])
        for peer in PEERS:
            assert group[peer]["status"] == "skipped", group[peer]
            assert group[peer]["reason"]
    for peer in PEERS:
        assert "hidden by the test" in report["skipped_peers"][peer]
        assert f"Skipped {peer}" in stdout


@SMOKE
def test_k_classes_scaling_and_digits_are_reported(tmp_path):
    # One of each new kind of workload: the 10-class problem, one cell of the scaling table, and
    # the digits. float32 keeps it short: the digits are float64 only, so they run alone.
    report, stdout = run_benchmark(tmp_path, "--dtype", "float32",
                                   workloads=["kclass", "scale_2k_h64"])  # fmt: skip
    kclass = report["results"]["kclass"]["float32"]
    check_ours(kclass["ours"])
    assert report["workloads"]["kclass"]["layers"] == [784, 256, 10]
    for peer in PEERS:
        entry = kclass[peer]
        assert entry["status"] in ("ok", "skipped"), entry
        if entry["status"] == "ok":
            # Their own shuffles, the same start and task: after one epoch, about the same cost.
            assert entry["final_cost"] == pytest.approx(kclass["ours"]["final_cost"], abs=0.05)
            assert entry["ratio_ours_over_this"] > 0
    assert "kclass" not in report["floors"]
    cell = report["results"]["scale_2k_h64"]["float32"]
    check_ours(cell["ours"])
    assert cell["sklearn"]["status"] == "skipped" and cell["sklearn"]["reason"]
    assert "Scaling: [784, hidden, 10]" in stdout
    assert {t["name"] for t in report["targets"]} >= {"kclass float32: ours / torch"}

    report, stdout = run_benchmark(tmp_path, workloads=["digits"])
    assert list(report["results"]["digits"]) == ["float64"]
    digits = report["results"]["digits"]["float64"]
    check_ours(digits["ours"])
    assert digits["torch"]["status"] == "skipped"
    accuracy = next(t for t in report["targets"] if t["kind"] == "test_acc")
    if digits["sklearn"]["status"] == "ok":
        gap = digits["sklearn"]["test_acc"] - digits["ours"]["test_acc"]
        assert accuracy["gap"] == pytest.approx(gap)
        assert accuracy["met"] == (gap <= 0.01)


def test_baseline_runs_model_of_another_checkout(tmp_path):
    # A copy of the library in another folder stands for an older checkout: the baseline runs
    # its model(), and trains exactly as ours does since the code is the same.
    other = tmp_path / "other checkout"
    other.mkdir()
    for path in ROOT.glob("*.py"):
        shutil.copy(path, other)
    for package in ROOT.glob("*/__init__.py"):  # the library's packages (_validation)
        shutil.copytree(package.parent, other / package.parent.name)
    report, stdout = run_benchmark(tmp_path, "--peers", "ours,baseline", "--baseline", str(other),
                                   workloads=["digits"])  # fmt: skip
    group = report["results"]["digits"]["float64"]
    check_ours(group["ours"])
    assert group["ours"]["library"] == str(ROOT)
    assert group["baseline"]["library"] == str(other.resolve())
    for key in ("final_cost", "train_acc", "test_acc"):
        assert group["baseline"][key] == group["ours"][key]
    assert report["baseline"]["path"] == str(other.resolve())
    assert "After (this checkout" in stdout


def test_baseline_needs_a_checkout(tmp_path):
    command = [sys.executable, str(SCRIPT), "--peers", "ours,baseline"]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert proc.returncode == 2
    assert "--baseline" in proc.stderr


def test_the_tables_of_docs_performance_are_those_of_the_recorded_runs():
    # docs/performance.md shows the tables of the runs recorded in docs/*.json, as the script
    # renders them: every table in it must be in that rendering, figure for figure.
    rendered = ""
    for path in sorted((ROOT / "docs").glob("benchmark*.json")):
        command = [sys.executable, str(SCRIPT), "--render", str(path), "--markdown"]
        proc = subprocess.run(command, capture_output=True, text=True, check=True)
        rendered += proc.stdout
    doc = (ROOT / "docs" / "performance.md").read_text()
    tables = [m.group(0) for m in re.finditer(r"(?m)^(\|.*\|\n)+", doc)]
    assert len(tables) >= 5
    for table in tables:
        assert table in rendered, f"not in the recorded runs' tables:\n{table}"
