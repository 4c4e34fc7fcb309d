"""Benchmark ``model()`` against PyTorch and scikit-learn: the cat images, a 10-class problem at
MNIST's shape, how the cost grows with the data and the width, and the 8x8 digits.

Usage::

    python benchmarks/benchmark.py [--quick] [--workloads all|cat|scaling|gd,kclass,...]
        [--dtype float64,float32] [--peers ours,torch,sklearn,baseline] [--baseline PATH]
        [--repeats N] [--retry-busy N [--quiet-wait S]] [--no-floor] [--threads N]
        [--iterations-scale F] [--json PATH] [--markdown] [--render JSON]

What is measured
----------------
**The cat images** (``--workloads cat``). Every implementation trains the same network,
``[12288, 20, 7, 5, 1]`` (ReLU hidden layers, one sigmoid output, binary cross-entropy), on the
209 training images, starting from the same He-normal weights, with the same update rule and
hyperparameters:

* ``gd``: full batch, plain gradient descent, learning rate 0.0075, 3000 iterations;
* ``adam_bn``: batch norm on the hidden layers, Adam (lr 0.001, betas 0.9/0.999, eps 1e-8),
  mini-batches of 64 (4 updates per epoch), 155 epochs;
* ``adam_mb``: Adam, mini-batches of 64, L2 with ``lambd = 0.7``, no batch norm, 300 epochs.

**K classes at MNIST's shape** (``kclass``): 20,000 synthetic examples of 784 inputs ``x ~
N(0, 1)`` with labels ``argmax(T x)`` from a fixed random linear teacher ``T (10, 784)`` (so the
task is learnable; a test set of 5,000 from the same teacher), the network ``[784, 256, 10]``
(softmax output, categorical cross-entropy), Adam, mini-batches of 128, 10 epochs, float32 and
float64. Here PyTorch draws its own mini-batches (``torch.randperm``) and scikit-learn shuffles
its own way, so their costs differ a little from ours; all start from our He weights.

**Scaling** (``scaling``, nine workloads ``scale_{2,20,60}k_h{64,256,1024}``): one epoch of the
same problem, float32, ours and PyTorch, with 2k, 20k and 60k examples and hidden widths 64, 256
and 1024 (``[784, h, 10]``): seconds per epoch and peak memory, to show how the cost grows.

**Digits** (``digits``): ``example_data.load_digits_data()`` (seed 0, float64: 1257 training and
540 test images), ``[64, 64, 10]``, Adam lr 0.001, mini-batches of 64, L2 ``lambd = 1.0``, 200
epochs, ours against ``MLPClassifier(hidden_layer_sizes=(64,))``, both from our He weights;
scored on the test split. The settings were fixed before any run, none chosen by a score.

``--quick`` is a smoke run of a few minutes: 100 iterations / 5 / 10 / 1 / 10 epochs instead,
a tenth of the examples for ``kclass`` and the scaling cells, once each. The implementations are

* ``ours``: ``neural_net_optimized.model()``;
* ``torch``: PyTorch on the CPU, ``nn.Linear`` + ``nn.BatchNorm1d(momentum=0.1, eps=1e-5)``
  (the same running-average convention as our 0.9) + ReLU, ``BCEWithLogitsLoss`` (one output)
  or ``CrossEntropyLoss`` (K), ``torch.optim.SGD`` or ``torch.optim.Adam``; L2 is added to each
  mini-batch's mean loss as ``lambd / (2 m) * sum ||W||^2``, which is what ``model()`` does; the
  data is an ``(m, n_x)`` tensor and each epoch's batches are ``index_select``-ed along a new
  permutation. On the cat workloads that is the permutation ``model()`` draws (see
  ``workers._model_seeds``), so both follow the same trajectory;
* ``sklearn``: ``MLPClassifier``, for ``gd`` (``solver="sgd"`` without momentum, full batch),
  ``adam_mb``, ``kclass`` and ``digits`` (``solver="adam"``, ``tol=0``, ``n_iter_no_change`` =
  the epochs: no early stop). Its L2 is scaled differently from ours: per batch of ``b``
  examples it adds ``alpha / (2 b) ||W||^2`` to the loss, so its gradient gets ``alpha / b * W``
  where ours gets ``lambd / m * W`` (``m`` the training set); ``alpha = lambd * b / m`` makes
  the two equal on every full batch (only the last, smaller batch differs; see
  ``workloads.SKLEARN_NOTES``). It has no batch norm, so it sits out ``adam_bn``. It starts from
  our He-normal weights (instead of its own Glorot-uniform draw) through its ``_init_coef``
  hook. Recent versions (1.9 here) keep float32 input in float32; a version that casts to
  float64 gets the dtype it computed in after its name;
* ``baseline`` (with ``--baseline PATH``): ``model()`` of another checkout of this library, run
  by this script with ``PATH`` first on the child's ``sys.path``; ``ours/this`` is then the
  after/before ratio of a change (``--peers ours,baseline --no-floor``).

Each timed run is a fresh child process (this script with ``--_worker``, see ``workers.py``)
that imports its library, loads the data into its natural layout, trains a tiny network the same
way once, untimed (so that one-time costs such as PyTorch's ~1 s of lazy imports on its first
optimiser are not charged to the workload), and then times the training call alone: no data
loading, no conversion, no evaluation. The runs alternate between implementations (ours, torch,
sklearn, ours, torch, ...) ``--repeats`` times, so a change in the machine's load hits all of
them alike; the tables give the median (the JSON also has each run and its CPU time). Peak memory
is the child's ``ru_maxrss`` right after training, before the accuracies are computed (its whole
peak resident set: interpreter, library, data and training), with in brackets the increase over
the resident set just before the timed training started. Every child uses the same number of
threads: ``--threads`` (default ``os.cpu_count()``) goes into ``OMP_NUM_THREADS``,
``OPENBLAS_NUM_THREADS`` and ``MKL_NUM_THREADS`` before NumPy is imported, and into
``torch.set_num_threads``.

Other processes matter a lot on a small machine: when they keep a core busy, multithreaded
OpenBLAS (and torch) threads wait for each other and a run can be tens of times slower. The
parent measures, for every run, how many cores the *other* processes kept busy (from
``/proc/stat``, minus the child's own CPU time), prints it under each table and warns when it
exceeds a quarter of a core. ``--retry-busy N`` reruns a whole repeat (every implementation, so
they stay alternated) up to N times when that happened during any of its runs (the discarded
runs stay in the JSON), and before each repeat waits, up to ``--quiet-wait`` seconds, for two
seconds in which the other processes keep at most a quarter of a core busy. Otherwise rerun
on a quiet machine, or compare with ``--threads 1``.

The floor (cat workloads; ``--no-floor`` skips it) is the time of the two products that
dominate an iteration, ``W1 @ X`` (forward) and ``dZ1 @ X.T`` (backward), with ``W1: (20,
12288)``, computed as ``model()`` computes them: ``X`` in Fortran order (for mini-batches,
batches of 64 gathered once, outside the timing, from it), ``Z1 = (X^T W1^T)^T`` and ``dZ1
X^T``, which read ``X^T`` as a C-contiguous matrix (the layout in which OpenBLAS runs both
products fastest). Each is timed alone (median of many calls) and multiplied by the number of
iterations or batches. The rest of the network is a few hundred thousand flops per example, so
an implementation using the same BLAS cannot beat it by much (PyTorch brings its own BLAS, so it
can). The row under it, "as written", times the products literally, ``W1 @ X`` and ``dZ1 @
X.T`` with ``X`` C-ordered as the data is loaded: the floor of a NumPy implementation that keeps
that layout.

How to read the ratios
----------------------
``ours/this`` is our median time divided by that row's median time, measured in the same run:
below 1 we are faster, above 1 slower; in brackets, the smallest and largest ratio of one
repeat's runs (ours over this row's, run one after the other), the run-to-run spread. On the
floor row it is our time over the floor, so ``1.10`` means we take 10% longer than the two big
products alone. The summary checks the targets (``workloads.TARGETS``): gd float64 ours/floor
<= 1.10, gd float32 ours/torch <= 1.0, adam_bn and adam_mb ours/torch per epoch <= 1.0 in each
dtype, gd ours/sklearn <= 1/3, kclass float32 ours/torch <= 1.0, and on the digits ours/sklearn
<= 1.0 with a test accuracy at most 0.01 below scikit-learn's. The final cost (the last epoch's
training cost, as ``history["cost"][-1]``) and the accuracies show that every implementation
trained the same network the same way: on the cat workloads ours and torch differ only by
rounding (torch's ``BatchNorm1d`` keeps an unbiased running variance, which only shows in the
accuracies), and so does sklearn on ``gd``; where a peer shuffles in its own order its cost and
accuracies are its own, close to ours.
"""

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # workloads, workers, reporting

import reporting  # noqa: E402
import workers  # noqa: E402
from workloads import (  # noqa: E402
    BUSY_CORES,
    DTYPES,
    GROUPS,
    IMPLEMENTATIONS,
    SEED,
    SKLEARN_NOTES,
    TARGETS,
    TORCH_NOTES,
    WORKLOADS,
    epochs,
    examples,
)

REPO_ROOT = workers.REPO_ROOT
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(1, str(REPO_ROOT))

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


# =============================================================================================
# The parent process: schedule the runs in fresh children, collect them
# =============================================================================================


def _busy_cpu_seconds():
    """CPU seconds that every process on the machine has used since boot (None without /proc)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal ...: all but idle and iowait are busy.
    busy = sum(fields[:8]) - fields[3] - fields[4]
    return busy / os.sysconf("SC_CLK_TCK")


def _children_cpu_seconds():
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_child(spec):
    """Run ``spec`` in a fresh interpreter; return its result dict.

    The result also gets ``other_cores``: how many cores, on average over the child's life, the
    machine's *other* processes kept busy (all CPU time on the machine minus the child's). On a
    quiet machine it is close to 0; near the core count, the timings mean little.
    """
    command = [sys.executable, str(Path(__file__).resolve()), "--_worker", json.dumps(spec)]
    busy, children, wall = _busy_cpu_seconds(), _children_cpu_seconds(), time.perf_counter()
    # The thread counts reach the child through os.environ, which main() set.
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    result = None
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(workers.RESULT_MARK):
            result = json.loads(line[len(workers.RESULT_MARK) :])
            break
    if result is None:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        result = {"status": "error", "reason": f"worker exited with code {proc.returncode}: {tail}"}
    wall = time.perf_counter() - wall
    busy_after = _busy_cpu_seconds()
    if busy is not None and busy_after is not None and wall > 0:
        other = (busy_after - busy) - (_children_cpu_seconds() - children)
        result["other_cores"] = max(0.0, other / wall)
    return result


def _log(where, result):
    """One line on stderr per run, as it finishes."""
    if result["status"] != "ok":
        print(f"{where} {result['status']}: {result['reason']}", file=sys.stderr)
        return
    cpu = f"{result['cpu_seconds']:.3f} s CPU; " if "cpu_seconds" in result else ""
    other = result.get("other_cores", 0.0)
    print(f"{where} {result['seconds']:8.3f} s ({cpu}others {other:.2f} cores)", file=sys.stderr)


def _run_repeat(base, impls, with_floor, skipped_peers):
    """One run of the floor (``with_floor``) and of each implementation, one after the other.

    Returns ``{impl: result}`` (``"floor"`` for the floor). A peer whose import fails is added to
    ``skipped_peers`` and not started again.
    """
    where = f"[{base['workload']} {base['dtype']} {base['repeat']}]"
    repeat = {}
    if with_floor:
        repeat["floor"] = _run_child({**base, "kind": "floor"})
        _log(f"{where} {'floor':8}", repeat["floor"])
    for impl in impls:
        if impl in skipped_peers:
            continue
        result = _run_child({**base, "kind": "train", "impl": impl})
        if result["status"] == "skipped":
            skipped_peers[impl] = result["reason"]
        repeat[impl] = result
        _log(f"{where} {impl:8}", result)
    return repeat


def _wait_for_quiet(max_wait, sample=2.0):
    """Wait until other processes keep at most ``BUSY_CORES`` busy over ``sample`` seconds, or
    ``max_wait`` seconds have passed. Between runs nothing of ours runs: all busy CPU is theirs."""
    deadline, told = time.perf_counter() + max_wait, False
    while True:
        before, start = _busy_cpu_seconds(), time.perf_counter()
        time.sleep(sample)
        after = _busy_cpu_seconds()
        if before is None or after is None:
            return
        busy = (after - before) / (time.perf_counter() - start)
        if busy <= BUSY_CORES or time.perf_counter() > deadline:
            return
        if not told:
            print(f"  waiting for a quiet machine (others: {busy:.2f} cores)", file=sys.stderr)
            told = True


def _busiest_run(repeat):
    return max((r.get("other_cores", 0.0) for r in repeat.values()), default=0.0)


def _run_group(args, workload, dtype, skipped_peers, spent):
    """Every repeat of one (workload, dtype): ``(repeats, discarded)``, lists of ``{impl:
    result}``. With ``--retry-busy N``, a repeat during which other processes kept more than
    ``BUSY_CORES`` busy is run again, up to N times, and the busy one is kept as discarded.
    ``spent`` adds up the seconds spent waiting and in discarded repeats."""
    w = WORKLOADS[workload]
    impls = [impl for impl in args.peers if impl not in w["sits_out"]]
    base = {
        "workload": workload,
        "dtype": dtype,
        "epochs": epochs(workload, args.quick, args.iterations_scale),
        "examples": examples(workload, args.quick),
    }
    base.update(threads=args.threads, seed=args.seed, baseline=args.baseline)
    with_floor = w["floor"] and not args.no_floor
    repeats, discarded = [], []
    for index in range(args.repeats):
        base["repeat"] = f"{index + 1}/{args.repeats}"
        for attempt in range(args.retry_busy + 1):
            if args.retry_busy:
                start = time.perf_counter()
                _wait_for_quiet(args.quiet_wait)
                spent["waiting_s"] += time.perf_counter() - start
            start = time.perf_counter()
            repeat = _run_repeat(base, impls, with_floor, skipped_peers)
            busiest = _busiest_run(repeat)
            if busiest <= BUSY_CORES or attempt == args.retry_busy:
                break
            discarded.append(repeat)
            spent["discarded_s"] += time.perf_counter() - start
            print(f"  busy ({busiest:.2f} cores): repeat run again", file=sys.stderr)
        repeats.append(repeat)
    return repeats, discarded


def _summarise(runs):
    """The median time and the figures of an implementation's successful runs."""
    ok = [r for r in runs if r["status"] == "ok"]
    if not ok:
        return {}
    first = ok[0]

    def largest(key):
        values = [r[key] for r in ok if r.get(key) is not None]
        return max(values) if values else None

    summary = {
        "median_s": statistics.median(r["seconds"] for r in ok),
        "median_cpu_s": statistics.median(r["cpu_seconds"] for r in ok),
        "peak_mb": largest("peak_rss_mb"),
        "delta_mb": largest("delta_rss_mb"),
    }
    for key in ("final_cost", "train_acc", "test_acc", "compute_dtype", "version", "library"):
        if key in first:
            summary[key] = first[key]
    # Every run of one implementation trains the same way: the figures must agree.
    summary["same_final_cost_every_run"] = len({r["final_cost"] for r in ok}) == 1
    return summary


def _paired(ours_runs, runs, key):
    """Our run's ``key`` over this row's, for each repeat where both ran."""
    return [
        ours_run[key] / run[key]
        for ours_run, run in zip(ours_runs, runs, strict=False)
        if ours_run and run and ours_run["status"] == run["status"] == "ok" and run.get(key)
    ]


def _with_ratios(entry, ours, ours_runs, runs, per_unit):
    """Add ``ratio_ours_over_this`` (of the median times), its spread over the repeats, the same
    of the CPU times (``cpu_ratio*``: on a busy machine they move less than wall times), and the
    milliseconds per iteration or epoch."""
    if entry.get("median_s"):
        entry["ms_per_unit"] = entry["median_s"] / per_unit * 1000
        if ours is not None:
            entry["ratio_ours_over_this"] = ours["median_s"] / entry["median_s"]
    if entry.get("median_cpu_s") and ours is not None and ours.get("median_cpu_s"):
        entry["cpu_ratio_ours_over_this"] = ours["median_cpu_s"] / entry["median_cpu_s"]
    for prefix, key in (("ratio", "seconds"), ("cpu_ratio", "cpu_seconds")):
        pairs = _paired(ours_runs, runs, key)
        if pairs:
            entry[f"{prefix}_runs"] = pairs
            entry[f"{prefix}_min"], entry[f"{prefix}_max"] = min(pairs), max(pairs)
    return entry


def _implementation_entry(workload, impl, runs, skipped_peers):
    """One implementation's summary, or why it did not run."""
    w = WORKLOADS[workload]
    if impl in w["sits_out"]:
        return {"status": "skipped", "reason": w["sits_out"][impl]}
    runs = [r for r in runs if r is not None]
    if not runs or runs[0]["status"] == "skipped":
        return {"status": "skipped", "reason": skipped_peers.get(impl, "not run")}
    summary = _summarise(runs)
    entry = {"status": "ok" if summary else "error", **summary, "runs": runs}
    errors = [r["reason"] for r in runs if r["status"] == "error"]
    if errors:
        entry["reason"] = errors[0]
    notes = {"sklearn": SKLEARN_NOTES, "torch": TORCH_NOTES}.get(impl, {})
    if workload in notes:
        entry["note"] = notes[workload]
    return entry


def _floor_entry(floor_runs):
    ok_floors = [f for f in floor_runs if f["status"] == "ok"]
    floor = {"status": "ok" if ok_floors else "error", "runs": floor_runs}
    if ok_floors:
        floor["median_s"] = statistics.median(f["seconds"] for f in ok_floors)
        as_written = statistics.median(f["as_written_seconds"] for f in ok_floors)
        floor["as_written"] = {"median_s": as_written}
    else:
        floor["reason"] = floor_runs[0].get("reason") if floor_runs else "not run"
    return floor


def _summarise_group(args, workload, repeats, skipped_peers):
    """``(group, floor)``: each implementation's entry, and the floor's (None without one)."""
    per_unit = epochs(workload, args.quick, args.iterations_scale)

    def runs_of(impl):
        return [repeat.get(impl) for repeat in repeats]

    group = {
        impl: _implementation_entry(workload, impl, runs_of(impl), skipped_peers)
        for impl in args.peers
    }
    ours = group.get("ours") if group.get("ours", {}).get("median_s") else None
    for impl, entry in group.items():
        _with_ratios(entry, ours, runs_of("ours"), runs_of(impl), per_unit)
    floor_runs = [r for r in runs_of("floor") if r is not None]
    if not floor_runs:
        return group, None
    floor = _floor_entry(floor_runs)
    floor_ratios = [{**r, "seconds": r.get("as_written_seconds")} for r in floor_runs]
    _with_ratios(floor, ours, runs_of("ours"), floor_runs, per_unit)
    if "as_written" in floor:
        _with_ratios(floor["as_written"], ours, runs_of("ours"), floor_ratios, per_unit)
    return group, floor


def _target_row(name, kind, goal, ours, entry):
    """One target: its value (a time ratio, or the peer's test accuracy minus ours), met?"""
    row = {"name": name, "kind": kind, "target": goal}
    if kind == "time":
        row["ratio"] = entry.get("ratio_ours_over_this")
        row["spread"] = [entry.get("ratio_min"), entry.get("ratio_max")]
        row["repeats"] = len(entry.get("ratio_runs", []))
        value = row["ratio"]
    else:
        ok = entry.get("status") == "ok" and (ours or {}).get("status") == "ok"
        value = entry["test_acc"] - ours["test_acc"] if ok else None
        row["gap"] = value
    row["met"] = None if value is None else value <= goal + 1e-12
    if value is None:
        row["reason"] = entry.get("reason", "the peer or ours did not run")
    return row


def check_targets(results, floors):
    """Each target of ``workloads.TARGETS`` whose workload and dtype were run."""
    targets = []
    for name, workload, dtype, peer, kind, goal in TARGETS:
        group = results.get(workload, {}).get(dtype)
        if group is None:
            continue
        entry = floors.get(workload, {}).get(dtype) if peer == "floor" else group.get(peer)
        if entry is not None:  # a peer or floor that was not asked for has no target
            targets.append(_target_row(name, kind, goal, group.get("ours"), entry))
    return targets


def _other_load(repeats):
    others = [r["other_cores"] for repeat in repeats for r in repeat.values() if "other_cores" in r]
    return {"mean": statistics.mean(others), "max": max(others)} if others else None


def run_benchmark(args):
    """Run every (workload, dtype) group and return the results as a JSON-ready dict."""
    skipped_peers = {}  # peer -> reason, once its import has failed
    results, floors, load, discarded = {}, {}, {}, {}
    spent = {"waiting_s": 0.0, "discarded_s": 0.0}  # what --retry-busy added to the run's time
    for workload in args.workloads:
        for dtype in [d for d in args.dtypes if d in WORKLOADS[workload]["dtypes"]]:
            repeats, busy = _run_group(args, workload, dtype, skipped_peers, spent)
            group, floor = _summarise_group(args, workload, repeats, skipped_peers)
            results.setdefault(workload, {})[dtype] = group
            if floor is not None:
                floors.setdefault(workload, {})[dtype] = floor
            other_load = _other_load(repeats)
            if other_load:
                load.setdefault(workload, {})[dtype] = other_load
            if busy:
                discarded.setdefault(workload, {})[dtype] = busy
    run_workloads = {}
    for w in results:
        run_workloads[w] = {**WORKLOADS[w], "epochs": epochs(w, args.quick, args.iterations_scale)}
        run_workloads[w]["examples"] = examples(w, args.quick)
    return {
        "results": results,
        "floors": floors,
        "targets": check_targets(results, floors),
        "other_load": load,
        "discarded_busy_repeats": discarded,
        "retry_busy_seconds": spent,
        "workloads": run_workloads,
        "skipped_peers": skipped_peers,
    }


# ---------------------------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------------------------


def _blas():
    """NumPy's BLAS: name, version, threads and architecture, as threadpoolctl sees them."""
    import numpy as np

    with contextlib.suppress(ImportError):
        from threadpoolctl import threadpool_info

        blas = "; ".join(
            f"{lib.get('internal_api')} {lib.get('version')} ({lib.get('num_threads')} threads, "
            f"{lib.get('architecture')})"
            for lib in threadpool_info()
            if lib.get("user_api") == "blas"
        )
        if blas:
            return blas
    with contextlib.suppress(Exception):
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{config.get('name')} {config.get('version')}"
    return "unknown"


def _machine_info(threads):
    """CPU, cores, NumPy and its BLAS, and the peers' versions (without importing them)."""
    from importlib import metadata

    import numpy as np

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break

    def version(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "threads": threads,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": _blas(),
        "torch": version("torch"),
        "scikit-learn": version("scikit-learn"),
        "platform": platform.platform(),
    }


def _load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _commit(path):
    """The short commit hash checked out at ``path`` (None outside git), and whether its
    library modules (the ``*.py`` at its top) have uncommitted changes."""

    def git(*command):
        proc = subprocess.run(
            ["git", "-C", str(path), *command], capture_output=True, text=True, check=False
        )
        return proc.stdout.strip() if proc.returncode == 0 else None

    commit = git("rev-parse", "--short", "HEAD")
    changed = git("status", "--porcelain", "--", ":(glob)*.py")  # the library, not the rest
    return {"commit": commit, "modified": bool(changed)}


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def _choices(allowed, what, groups=None):
    groups = groups or {}

    def parse(text):
        values = [v.strip() for v in text.split(",") if v.strip()]
        unknown = [v for v in values if v not in allowed and v not in groups]
        if unknown or not values:
            names = ", ".join([*groups, *allowed])
            raise argparse.ArgumentTypeError(
                f"unknown {what} {', '.join(unknown) or '(none)'}; choose from {names}"
            )
        expanded = [name for v in values for name in groups.get(v, [v])]
        return list(dict.fromkeys(expanded))

    return parse


def _parser():
    parser = argparse.ArgumentParser(
        prog="python benchmarks/benchmark.py",
        description="Time model() against PyTorch and scikit-learn (see the module docstring).",
    )
    arg = parser.add_argument
    arg("--quick", action="store_true", help="few iterations/epochs, one repeat: a smoke run")
    arg(
        "--workloads",
        type=_choices(tuple(WORKLOADS), "workload", GROUPS),
        default=GROUPS["all"],
        help="comma-separated workloads or groups (cat, scaling, all); default: all",
    )
    arg(
        "--dtype",
        dest="dtypes",
        type=_choices(DTYPES, "dtype"),
        default=list(DTYPES),
        help=f"comma-separated, from {','.join(DTYPES)} (default: both)",
    )
    arg(
        "--peers",
        type=_choices(IMPLEMENTATIONS, "peer"),
        default=None,
        help="implementations to run, from "
        + ",".join(IMPLEMENTATIONS)
        + " (default: ours,torch,sklearn, and baseline with --baseline)",
    )
    arg(
        "--baseline",
        type=Path,
        default=None,
        help="another checkout of this library, run as the peer 'baseline'",
    )
    arg("--repeats", type=int, default=None, help="timed runs per implementation (3; quick: 1)")
    arg(
        "--retry-busy",
        type=int,
        default=0,
        help="rerun a repeat up to N times when other processes kept the machine busy",
    )
    arg(
        "--quiet-wait",
        type=float,
        default=120.0,
        help="with --retry-busy: seconds to wait for a quiet machine before each repeat",
    )
    arg("--no-floor", action="store_true", help="do not time the floor of the cat workloads")
    arg("--threads", type=int, default=None, help="threads for every run (default: all cores)")
    arg("--seed", type=int, default=SEED, help="seed of the initial weights and the shuffling")
    arg("--json", type=Path, default=None, help="also write every result to this JSON file")
    arg("--markdown", action="store_true", help="also print the tables in Markdown")
    arg(
        "--render",
        type=Path,
        default=None,
        help="measure nothing: print the tables of the JSON a previous run wrote",
    )
    arg(
        "--iterations-scale",
        type=float,
        default=1.0,
        help="multiply every workload's iterations/epochs (at least 1): shorter runs",
    )
    arg("--_worker", default=None, help=argparse.SUPPRESS)
    return parser


def parse_args(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    if args.peers is None:
        args.peers = ["ours", "torch", "sklearn"] + (["baseline"] if args.baseline else [])
    if args.threads is None:
        args.threads = os.cpu_count() or 1
    for name in ("repeats", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be >= 1")
    if args.retry_busy < 0:
        parser.error("--retry-busy must be >= 0")
    if args.iterations_scale <= 0:
        parser.error("--iterations-scale must be positive")
    if ("baseline" in args.peers) != (args.baseline is not None):
        parser.error("the peer baseline and --baseline PATH go together")
    if args.baseline is not None:
        args.baseline = str(args.baseline.resolve())
        if not (Path(args.baseline) / "neural_net_optimized.py").is_file():
            parser.error(f"--baseline {args.baseline}: no neural_net_optimized.py there")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args._worker is not None:
        return workers.run(json.loads(args._worker))
    if args.render is not None:
        report = json.loads(args.render.read_text())
        print((reporting.format_markdown if args.markdown else reporting.format_text)(report))
        return 0
    # Every child inherits these, and our own NumPy (for the machine description) reads them.
    os.environ.update(dict.fromkeys(THREAD_VARIABLES, str(args.threads)))
    report = {"machine": _machine_info(args.threads), "load_average_before": _load_average()}
    report.update(repeats=args.repeats, quick=args.quick, seed=args.seed)
    report.update(argv=sys.argv[1:] if argv is None else list(argv), ours=_commit(REPO_ROOT))
    if args.baseline:
        report["baseline"] = {"path": args.baseline, **_commit(args.baseline)}
    start = time.perf_counter()
    report.update(run_benchmark(args))
    report["wall_seconds"] = time.perf_counter() - start
    report["load_average_after"] = _load_average()
    print(reporting.format_text(report))
    if args.markdown:
        print()
        print(reporting.format_markdown(report))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
    ours_failed = any(
        group.get("ours", {}).get("status") == "error"
        for by_dtype in report["results"].values()
        for group in by_dtype.values()
    )
    return 1 if ours_failed else 0


if __name__ == "__main__":
    sys.exit(main())
