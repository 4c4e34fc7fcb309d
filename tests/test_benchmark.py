"""Smoke tests of benchmarks/benchmark.py: a tiny run finishes and reports what it measured.

Each test runs the script the way a person would, in a subprocess with this interpreter, on a
handful of iterations (the hidden ``--iterations-scale``) with one thread per run, so that it
stays quick and is not thrown by other processes on the machine. The peers (PyTorch,
scikit-learn) are optional: where one is missing it must be reported as skipped, not crash the
run. The second test hides both, whatever is installed, to check exactly that.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cat_data

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "benchmark.py"
WORKLOADS = ("gd", "adam_bn", "adam_mb")
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
