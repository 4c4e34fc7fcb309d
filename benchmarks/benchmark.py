"""Benchmark ``model()`` against PyTorch and scikit-learn on the cat vs non-cat images.

Usage::

    python benchmarks/benchmark.py [--quick] [--workloads gd,adam_bn,adam_mb]
        [--dtype float64,float32] [--peers ours,torch,sklearn] [--repeats N] [--threads N]
        [--json PATH] [--markdown]

What is measured
----------------
Every implementation trains the same network, ``[12288, 20, 7, 5, 1]`` (ReLU hidden layers, one
sigmoid output, binary cross-entropy), on the 209 training images, starting from the same
He-normal weights, with the same update rule and hyperparameters:

* ``gd``: full batch, plain gradient descent, learning rate 0.0075, 3000 iterations;
* ``adam_bn``: batch norm on the hidden layers, Adam (lr 0.001, betas 0.9/0.999, eps 1e-8),
  mini-batches of 64 (4 updates per epoch), 155 epochs;
* ``adam_mb``: Adam, mini-batches of 64, L2 with ``lambd = 0.7``, no batch norm, 300 epochs.

``--quick`` runs 100 iterations / 5 epochs / 10 epochs instead, once each. The implementations are

* ``ours``: ``neural_net_optimized.model()``;
* ``torch``: PyTorch on the CPU, ``nn.Linear`` + ``nn.BatchNorm1d(momentum=0.1, eps=1e-5)``
  (the same running-average convention as our 0.9) + ReLU, ``BCEWithLogitsLoss``,
  ``torch.optim.SGD`` or ``torch.optim.Adam``; L2 is added to each mini-batch's mean loss as
  ``lambd / (2 m) * sum ||W||^2``, which is what ``model()`` does; the data is an ``(m, n_x)``
  tensor and each epoch's batches are ``index_select``-ed along a new permutation, the same
  permutation ``model()`` draws (see ``_model_seeds``), so both follow the same trajectory;
* ``sklearn``: ``MLPClassifier``, for ``gd`` (``solver="sgd"`` without momentum, full batch) and
  ``adam_mb`` (``solver="adam"``, ``alpha = lambd * 64 / m``: scikit-learn divides its penalty by
  the size of the batch, we divide by ``m``; see ``SKLEARN_NOTES``). It has no batch norm, so it
  sits out ``adam_bn``. It starts from our He-normal weights (instead of its own Glorot-uniform
  draw) through its ``_init_coef`` hook. Recent versions (1.9 here) keep float32 input in
  float32; a version that casts to float64 gets the dtype it computed in after its name.

Each timed run is a fresh child process (this script with ``--_worker``) that imports its
library, loads the data into its natural layout, trains a tiny network the same way once,
untimed (so that one-time costs such as PyTorch's ~1 s of lazy imports on its first optimiser
are not charged to the workload), and then times the training call alone: no data loading, no
conversion, no evaluation. The runs alternate between implementations (ours, torch, sklearn,
ours, torch, ...) ``--repeats`` times, so a change in the machine's load hits all of them alike;
the tables give the median (the JSON also has each run and its CPU time). Peak memory is the
child's ``ru_maxrss`` after training (its whole peak resident set: interpreter, library, data and
training), with in brackets the increase over the resident set just before the timed training
started. Every child uses the same number of threads: ``--threads`` (default ``os.cpu_count()``)
goes into ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and ``MKL_NUM_THREADS`` before NumPy is
imported, and into ``torch.set_num_threads``.

Other processes matter a lot on a small machine: when they keep a core busy, multithreaded
OpenBLAS (and torch) threads wait for each other and a run can be tens of times slower. The
parent measures, for every run, how many cores the *other* processes kept busy (from
``/proc/stat``, minus the child's own CPU time), prints it under each table and warns when it
exceeds a quarter of a core; then rerun on a quiet machine, or compare with ``--threads 1``.

The floor is the time of the two products that dominate an iteration, ``W1 @ X`` (forward) and
``dZ1 @ X.T`` (backward), with ``W1: (20, 12288)``, computed as ``model()`` computes them: ``X``
in Fortran order (for mini-batches, batches of 64 gathered once, outside the timing, from it),
``Z1 = (X^T W1^T)^T`` and ``dZ1 X^T``, which read ``X^T`` as a C-contiguous matrix (the layout in
which OpenBLAS runs both products fastest). Each is timed alone (median of many calls) and
multiplied by the number of iterations or batches. The rest of the network is a few hundred
thousand flops per example, so an implementation using the same BLAS cannot beat it by much
(PyTorch brings its own BLAS, so it can). The row under it, "as written", times the products
literally, ``W1 @ X`` and ``dZ1 @ X.T`` with ``X`` C-ordered as the data is loaded: the floor of
a NumPy implementation that keeps that layout.

How to read the ratios
----------------------
``ours/this`` is our median time divided by that row's median time, measured in the same run:
below 1 we are faster, above 1 slower. On the floor row it is our time over the floor, so
``1.10`` means we take 10% longer than the two big products alone. The summary checks the
targets: gd float64 ours/floor <= 1.10, gd float32 ours/torch <= 1.0, adam_bn and adam_mb ours/torch
per epoch <= 1.0 in each dtype, and gd ours/sklearn <= 1/3. The final cost (the last epoch's
training cost, as ``history["cost"][-1]``) and the accuracies show that every implementation
trained the same network the same way: ours and torch differ only by rounding (torch's
``BatchNorm1d`` keeps an unbiased running variance, which only shows in the accuracies), and so
does sklearn on ``gd``; on ``adam_mb`` sklearn shuffles in its own order and scales L2
differently, so its cost and accuracies are its own.
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
import traceback
import warnings
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

LAYERS = [12288, 20, 7, 5, 1]
WARM_UP_LAYERS = [8, 4, 3, 1]
SEED = 0
IMPLEMENTATIONS = ("ours", "torch", "sklearn")
DTYPES = ("float64", "float32")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
RESULT_MARK = "@@BENCHMARK_RESULT@@ "
BUSY_CORES = 0.25  # above this many cores kept busy by other processes, warn

# ``epochs``: iterations of gd (one update each) or passes over the data for mini-batch Adam.
WORKLOADS = {
    "gd": {
        "description": "full batch, gradient descent, lr 0.0075",
        "optimizer": "gd",
        "learning_rate": 0.0075,
        "mini_batch_size": None,
        "batch_norm": False,
        "lambd": 0.0,
        "epochs": 3000,
        "quick_epochs": 100,
        "unit": "iter",
    },
    "adam_bn": {
        "description": "batch norm, Adam lr 0.001, mini-batch 64",
        "optimizer": "adam",
        "learning_rate": 0.001,  # model()'s default for Adam
        "mini_batch_size": 64,
        "batch_norm": True,
        "lambd": 0.0,
        "epochs": 155,
        "quick_epochs": 5,
        "unit": "epoch",
    },
    "adam_mb": {
        "description": "Adam lr 0.001, mini-batch 64, L2 lambd 0.7",
        "optimizer": "adam",
        "learning_rate": 0.001,
        "mini_batch_size": 64,
        "batch_norm": False,
        "lambd": 0.7,
        "epochs": 300,
        "quick_epochs": 10,
        "unit": "epoch",
    },
}

SKLEARN_NOTES = {
    "adam_bn": "MLPClassifier has no batch norm",
    "adam_mb": (
        "MLPClassifier's L2 gradient is alpha / m_batch * W; alpha = lambd * 64 / m matches our "
        "lambd / m * W on the full batches but not on the last batch of 17, and its reported loss "
        "adds alpha / (2 m_batch) ||W||^2 per batch, so its final cost is not on our scale"
    ),
}

TARGETS = (
    # (name, workload, dtype, peer, target): the ratio is ours / peer.
    ("gd float64: ours / floor", "gd", "float64", "floor", 1.10),
    ("gd float32: ours / torch", "gd", "float32", "torch", 1.0),
    ("adam_bn float64: ours / torch per epoch", "adam_bn", "float64", "torch", 1.0),
    ("adam_bn float32: ours / torch per epoch", "adam_bn", "float32", "torch", 1.0),
    ("adam_mb float64: ours / torch per epoch", "adam_mb", "float64", "torch", 1.0),
    ("adam_mb float32: ours / torch per epoch", "adam_mb", "float32", "torch", 1.0),
    ("gd float64: ours / sklearn", "gd", "float64", "sklearn", 1 / 3),
    ("gd float32: ours / sklearn", "gd", "float32", "sklearn", 1 / 3),
)


# =============================================================================================
# The child processes: one training run, or the floor, per process
# =============================================================================================


def _current_rss_mb():
    """The resident set size of this process now, in MB (None where /proc is missing)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb():
    """The largest resident set size this process has had, in MB (``ru_maxrss``)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


class _Timer:
    """Wall-clock and CPU seconds (all threads of this process) spent inside a ``with`` block."""

    def __enter__(self):
        self.rss_before_mb = _current_rss_mb()
        self._cpu, self._wall = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc_info):
        self.seconds = time.perf_counter() - self._wall
        self.cpu_seconds = time.process_time() - self._cpu

    def as_dict(self):
        return {
            "seconds": self.seconds,
            "cpu_seconds": self.cpu_seconds,
            "rss_before_mb": self.rss_before_mb,
        }


def _load_data(dtype):
    """The cat data as ``model()`` takes it: ``X (12288, m)`` C-contiguous, ``Y (1, m)``."""
    import cat_data

    train_x, train_y, test_x, test_y, _ = cat_data.load_cat_data()
    return {
        "X": cat_data.flatten_and_scale(train_x, dtype),
        "Y": train_y,
        "X_test": cat_data.flatten_and_scale(test_x, dtype),
        "Y_test": test_y,
    }


def _warm_up_data(dtype):
    """A tiny problem for the untimed warm-up run: ``X (8, 24)``, ``Y (1, 24)``, both classes."""
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.random((WARM_UP_LAYERS[0], 24)).astype(dtype)
    Y = (np.arange(24) % 2).reshape(1, -1)
    return X, Y


# The peers start from the weights model() starts from and (PyTorch) see the mini-batches in the
# order model() does, drawn from the seeds model() derives: all implementations then follow the
# same trajectory up to rounding, and their final costs check that they train the same network
# the same way. This matters: Adam at lr 0.001 on 209 images has spikes late in training, so two
# different shuffles can end 0.1 and 1.2 apart. Should model() change how it derives its seeds,
# the peers still start from a He-normal draw and shuffle every epoch, just differently.


def _model_seeds(seed):
    """``(init_seed, train_seed)`` as ``model()`` derives them from ``seed``."""
    import numpy as np

    init_seed, train_seed = np.random.SeedSequence(seed).spawn(2)
    return init_seed, train_seed


def _initial_parameters(layers, batch_norm, dtype, seed):
    """The He-normal weights ``model()`` starts from, drawn the way it draws them."""
    import numpy as np

    import neural_network as nn

    init_seed, _ = _model_seeds(seed)
    return nn.initialize_parameters_he(
        layers, seed=np.random.default_rng(init_seed), batch_norm=batch_norm, dtype=dtype
    )


def _accuracy(predict, X, Y):
    """The fraction of the columns of ``X`` whose 0/1 prediction equals ``Y``."""
    import numpy as np

    return float(np.mean(np.asarray(predict(X)).reshape(Y.shape) == Y))


# Every trainer first trains a tiny network the same way, untimed, so that one-time costs (lazy
# imports such as torch.optim's first use, about a second) are not charged to the workload.


def _train_ours(spec, data):
    import numpy as np

    import neural_net_optimized as nno
    import neural_network as nn

    w = WORKLOADS[spec["workload"]]
    dtype = np.dtype(spec["dtype"])

    def train(X, Y, layers, epochs, mini_batch_size):
        return nno.model(
            X,
            Y,
            layers,
            optimizer=w["optimizer"],
            learning_rate=w["learning_rate"],
            num_epochs=epochs,
            mini_batch_size=mini_batch_size,
            lambd=w["lambd"],
            batch_norm=w["batch_norm"],
            seed=spec["seed"],
            dtype=dtype,
        )

    X_tiny, Y_tiny = _warm_up_data(dtype)
    train(X_tiny, Y_tiny, WARM_UP_LAYERS, 2, w["mini_batch_size"] and 8)

    with _Timer() as timer:
        parameters, history = train(
            data["X"], data["Y"], LAYERS, spec["epochs"], w["mini_batch_size"]
        )

    def predict(X):
        return nn.predict(X, parameters)

    return {
        **timer.as_dict(),
        "final_cost": float(history["cost"][-1]),
        "epochs_run": len(history["cost"]),
        "train_acc": _accuracy(predict, data["X"], data["Y"]),
        "test_acc": _accuracy(predict, data["X_test"], data["Y_test"]),
        "compute_dtype": str(parameters["W1"].dtype),
        "version": np.__version__,
    }


def _torch_network(torch, init, layers, batch_norm, dtype):
    """``[Linear -> (BatchNorm1d) -> ReLU] * (L-1) -> Linear`` starting from ``init``.

    Returns the network and its weight matrices (the arrays the L2 term penalises).
    """
    modules, weights = [], []
    L = len(layers) - 1
    for layer in range(1, L + 1):
        hidden_bn = batch_norm and layer < L
        # A batch-norm layer's bias would be cancelled by the mean subtraction: beta replaces it.
        linear = torch.nn.Linear(layers[layer - 1], layers[layer], bias=not hidden_bn, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(init[f"W{layer}"]))
            if linear.bias is not None:
                linear.bias.zero_()
        modules.append(linear)
        weights.append(linear.weight)
        if layer < L:
            if hidden_bn:
                # torch's momentum weighs the new batch: 0.1 is our bn_momentum of 0.9.
                modules.append(
                    torch.nn.BatchNorm1d(layers[layer], eps=1e-5, momentum=0.1, dtype=dtype)
                )
            modules.append(torch.nn.ReLU())
    return torch.nn.Sequential(*modules), weights


def _torch_train(torch, w, spec, X, y, layers, epochs, mini_batch_size):
    """Train a new network on ``X (m, n_x)``, ``y (m, 1)``; return it and the per-epoch costs."""
    import numpy as np

    dtype = getattr(torch, spec["dtype"])
    init = _initial_parameters(layers, w["batch_norm"], np.dtype(spec["dtype"]), spec["seed"])
    net, weights = _torch_network(torch, init, layers, w["batch_norm"], dtype)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    if w["optimizer"] == "gd":
        optimizer = torch.optim.SGD(net.parameters(), lr=w["learning_rate"])
    else:
        optimizer = torch.optim.Adam(
            net.parameters(), lr=w["learning_rate"], betas=(0.9, 0.999), eps=1e-8
        )
    # model()'s shuffling: one permutation per epoch from a generator seeded with train_seed.
    rng = np.random.default_rng(_model_seeds(spec["seed"])[1])
    m = X.shape[0]
    batch_size = mini_batch_size or m
    lambd = w["lambd"]
    net.train()
    costs = []
    for _ in range(epochs):
        if batch_size >= m:
            batches = [(X, y)]
        else:
            permutation = torch.from_numpy(rng.permutation(m))
            batches = [
                (X.index_select(0, idx), y.index_select(0, idx))
                for idx in torch.split(permutation, batch_size)
            ]
        epoch_cost = 0.0
        for X_batch, y_batch in batches:
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(net(X_batch), y_batch)
            if lambd:
                # model()'s per-batch L2 term: lambd * m_b / m / (2 m_b) * sum ||W||^2.
                loss = loss + lambd / (2 * m) * sum((W * W).sum() for W in weights)
            loss.backward()
            optimizer.step()
            epoch_cost += loss.item() * X_batch.shape[0]
        costs.append(epoch_cost / m)
    net.eval()
    return net, costs


def _train_torch(spec, data):
    import numpy as np
    import torch

    w = WORKLOADS[spec["workload"]]
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(spec["seed"])

    def as_rows(X, Y):
        """PyTorch's natural layout: one example per row, ``(m, n_x)`` and ``(m, 1)``."""
        X_rows = torch.from_numpy(np.ascontiguousarray(X.T))
        return X_rows, torch.from_numpy(np.ascontiguousarray(Y.T, dtype=spec["dtype"]))

    X_tiny, Y_tiny = _warm_up_data(np.dtype(spec["dtype"]))
    _torch_train(
        torch, w, spec, *as_rows(X_tiny, Y_tiny), WARM_UP_LAYERS, 2, w["mini_batch_size"] and 8
    )

    X, y = as_rows(data["X"], data["Y"])
    with _Timer() as timer:
        net, costs = _torch_train(
            torch, w, spec, X, y, LAYERS, spec["epochs"], w["mini_batch_size"]
        )

    def predict(X):
        with torch.no_grad():
            logits = net(torch.from_numpy(np.ascontiguousarray(X.T)))
        return (logits.numpy() > 0).T

    return {
        **timer.as_dict(),
        "final_cost": costs[-1],
        "epochs_run": len(costs),
        "train_acc": _accuracy(predict, data["X"], data["Y"]),
        "test_acc": _accuracy(predict, data["X_test"], data["Y_test"]),
        "compute_dtype": str(next(net.parameters()).dtype).replace("torch.", ""),
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
    }


def _sklearn_classifier(w, spec, layers, m, dtype):
    """An ``MLPClassifier`` set up like ``model()`` for workload ``w``, starting from He weights."""
    import numpy as np
    from sklearn.neural_network import MLPClassifier

    class StartFromHe(MLPClassifier):
        """MLPClassifier that starts from given weights instead of its Glorot-uniform draw."""

        initial = ()

        def _init_coef(self, fan_in, fan_out, dtype):
            if self.initial:
                W, b = self.initial.pop(0)
                if W.shape == (fan_out, fan_in):
                    return np.ascontiguousarray(W.T, dtype=dtype), b.ravel().astype(dtype)
            return super()._init_coef(fan_in, fan_out, dtype)

    epochs = spec["epochs"]
    common = {
        "hidden_layer_sizes": tuple(layers[1:-1]),
        "activation": "relu",
        "learning_rate_init": w["learning_rate"],
        "max_iter": epochs,
        "tol": 0.0,
        "n_iter_no_change": epochs + 1,  # never stop early
        "random_state": spec["seed"],
    }
    if w["optimizer"] == "gd":
        clf = StartFromHe(
            solver="sgd",
            batch_size=m,
            alpha=0.0,
            learning_rate="constant",
            momentum=0.0,
            nesterovs_momentum=False,
            shuffle=False,
            **common,
        )
    else:
        clf = StartFromHe(
            solver="adam",
            batch_size=w["mini_batch_size"],
            # sklearn's penalty gradient is alpha / m_batch * W, ours lambd / m * W.
            alpha=w["lambd"] * w["mini_batch_size"] / m,
            beta_1=0.9,
            beta_2=0.999,
            epsilon=1e-8,
            shuffle=True,
            **common,
        )
    init = _initial_parameters(layers, False, dtype, spec["seed"])
    L = len(layers) - 1
    clf.initial = [(init[f"W{layer}"], init[f"b{layer}"]) for layer in range(1, L + 1)]
    return clf


def _train_sklearn(spec, data):
    import numpy as np
    import sklearn
    from sklearn.exceptions import ConvergenceWarning

    w = WORKLOADS[spec["workload"]]

    def as_rows(X, Y):
        return np.ascontiguousarray(X.T), Y.ravel()

    X_tiny, y_tiny = as_rows(*_warm_up_data(np.dtype(spec["dtype"])))
    X, y = as_rows(data["X"], data["Y"])
    tiny = _sklearn_classifier(w, {**spec, "epochs": 2}, WARM_UP_LAYERS, 24, X.dtype)
    clf = _sklearn_classifier(w, spec, LAYERS, X.shape[0], X.dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        tiny.fit(X_tiny, y_tiny)
        with _Timer() as timer:
            clf.fit(X, y)

    def predict(X):
        return clf.predict(np.ascontiguousarray(X.T))

    return {
        **timer.as_dict(),
        "final_cost": float(clf.loss_curve_[-1]),
        "epochs_run": int(clf.n_iter_),
        "train_acc": _accuracy(predict, data["X"], data["Y"]),
        "test_acc": _accuracy(predict, data["X_test"], data["Y_test"]),
        "compute_dtype": str(clf.coefs_[0].dtype),
        "version": sklearn.__version__,
        "started_from_he": not clf.initial,
    }


TRAINERS = {"ours": _train_ours, "torch": _train_torch, "sklearn": _train_sklearn}
PEER_MODULES = {"torch": "torch", "sklearn": "sklearn"}


def _median_seconds(f, budget=0.3, min_calls=15, max_calls=500):
    """Median time of one call of ``f`` over at least ``min_calls`` calls (after 3 warm-ups)."""
    for _ in range(3):
        f()
    times = []
    spent = 0.0
    while len(times) < min_calls or (spent < budget and len(times) < max_calls):
        start = time.perf_counter()
        f()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        spent += elapsed
    return statistics.median(times)


def _batch_sizes(m, mini_batch_size):
    """The sizes of one epoch's batches: ``[64, 64, 64, 17]`` for the cat data."""
    if mini_batch_size is None or mini_batch_size >= m:
        return [m]
    return [min(mini_batch_size, m - k) for k in range(0, m, mini_batch_size)]


def _measure_floor(spec):
    """Median seconds of the first layer's two products for each batch size the workload uses.

    ``"forward_s"``/``"backward_s"`` time them as ``model()`` computes them: ``X`` in Fortran
    order, ``Z1 = (X^T W1^T)^T`` and ``dW1 = dZ1 X^T`` (``X^T`` C-contiguous). ``"as_written"``
    times ``W1 @ X`` and ``dZ1 @ X.T`` with ``X`` C-ordered, as the data is loaded: a NumPy
    implementation that keeps that layout has that floor instead.
    """
    import numpy as np

    data = _load_data(np.dtype(spec["dtype"]))
    X = data["X"]
    n_x, m = X.shape
    rng = np.random.default_rng(0)
    dtype = X.dtype
    W1 = (rng.standard_normal((LAYERS[1], n_x)) * np.sqrt(2.0 / n_x)).astype(dtype)
    mini_batch_size = WORKLOADS[spec["workload"]]["mini_batch_size"]
    X_fortran = np.asfortranarray(X)
    products = {}
    for size in sorted(set(_batch_sizes(m, mini_batch_size))):
        # A mini-batch is gathered once, outside the timing, as model() gathers it (in Fortran
        # order), and the same columns in C order for the reference.
        columns = slice(None) if size == m else rng.permutation(m)[:size]
        X_batch = X_fortran[:, columns]
        X_batch_c = np.ascontiguousarray(X_batch)
        dZ1 = rng.standard_normal((LAYERS[1], size)).astype(dtype)
        products[str(size)] = {
            "forward_s": _median_seconds(lambda X_batch=X_batch: (X_batch.T @ W1.T).T),
            "backward_s": _median_seconds(lambda X_batch=X_batch, dZ1=dZ1: dZ1 @ X_batch.T),
            "as_written": {
                "forward_s": _median_seconds(lambda X_c=X_batch_c: W1 @ X_c),
                "backward_s": _median_seconds(lambda X_c=X_batch_c, dZ1=dZ1: dZ1 @ X_c.T),
            },
        }
    sizes = _batch_sizes(m, mini_batch_size)

    def per_epoch(times):
        return sum(times(s)["forward_s"] + times(s)["backward_s"] for s in sizes)

    model_layout = per_epoch(lambda s: products[str(s)])
    as_written = per_epoch(lambda s: products[str(s)]["as_written"])
    return {
        "per_epoch_s": model_layout,
        "seconds": model_layout * spec["epochs"],
        "as_written_seconds": as_written * spec["epochs"],
        "products": products,
    }


def _worker(spec):
    """Run one measurement described by ``spec`` and print its result as one JSON line."""
    result = {"status": "ok"}
    try:
        if spec["kind"] == "floor":
            result.update(_measure_floor(spec))
        else:
            impl = spec["impl"]
            if impl in PEER_MODULES:
                try:
                    __import__(PEER_MODULES[impl])
                except Exception as error:  # an optional peer, not installed (or broken)
                    result = {
                        "status": "skipped",
                        "reason": f"import {PEER_MODULES[impl]} failed: {error}",
                    }
                    print(RESULT_MARK + json.dumps(result), flush=True)
                    return 0
            import numpy as np

            data = _load_data(np.dtype(spec["dtype"]))
            result.update(TRAINERS[impl](spec, data))
            result["peak_rss_mb"] = _peak_rss_mb()
            if result["rss_before_mb"] is not None and result["peak_rss_mb"] is not None:
                result["delta_rss_mb"] = result["peak_rss_mb"] - result["rss_before_mb"]
    except Exception as error:  # reported to the parent, which keeps going
        traceback.print_exc()
        result = {"status": "error", "reason": f"{type(error).__name__}: {error}"}
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0 if result["status"] != "error" else 1


# =============================================================================================
# The parent process: schedule the runs, collect and report
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


def _run_child(spec, env):
    """Run ``spec`` in a fresh interpreter; return its result dict.

    The result also gets ``other_cores``: how many cores, on average over the child's life, the
    machine's *other* processes kept busy (all CPU time on the machine minus the child's). On a
    quiet machine it is close to 0; near the core count, the timings mean little.
    """
    command = [sys.executable, str(Path(__file__).resolve()), "--_worker", json.dumps(spec)]
    busy, children, wall = _busy_cpu_seconds(), _children_cpu_seconds(), time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    result = None
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK) :])
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


def _epochs(workload, quick, scale):
    w = WORKLOADS[workload]
    return max(1, round((w["quick_epochs"] if quick else w["epochs"]) * scale))


def _summarise(runs):
    """The median time and the figures of an implementation's successful runs."""
    ok = [r for r in runs if r["status"] == "ok"]
    if not ok:
        return {}
    first = ok[0]

    def largest(key):
        values = [r[key] for r in ok if r.get(key) is not None]
        return max(values) if values else None

    return {
        "median_s": statistics.median(r["seconds"] for r in ok),
        "median_cpu_s": statistics.median(r["cpu_seconds"] for r in ok),
        "peak_mb": largest("peak_rss_mb"),
        "delta_mb": largest("delta_rss_mb"),
        "final_cost": first["final_cost"],
        "train_acc": first["train_acc"],
        "test_acc": first["test_acc"],
        "compute_dtype": first["compute_dtype"],
        "version": first["version"],
    }


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
    blas = None
    try:
        from threadpoolctl import threadpool_info

        blas = "; ".join(
            f"{lib.get('internal_api')} {lib.get('version')} ({lib.get('num_threads')} threads, "
            f"{lib.get('architecture')})"
            for lib in threadpool_info()
            if lib.get("user_api") == "blas"
        )
    except ImportError:
        pass
    if not blas:
        with contextlib.suppress(Exception):
            config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
            blas = f"{config.get('name')} {config.get('version')}"

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
        "blas": blas or "unknown",
        "torch": version("torch"),
        "scikit-learn": version("scikit-learn"),
        "platform": platform.platform(),
    }


def _load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def run_benchmark(args):
    """Run every (workload, dtype) group and return the results as a JSON-ready dict."""
    env = dict(os.environ)
    env.update(dict.fromkeys(THREAD_VARIABLES, str(args.threads)))
    skipped_peers = {}  # peer -> reason, once its import has failed
    results, floors, load = {}, {}, {}  # load: cores the machine's other processes kept busy
    for workload in args.workloads:
        epochs = _epochs(workload, args.quick, args.iterations_scale)
        results[workload], floors[workload], load[workload] = {}, {}, {}
        for dtype in args.dtypes:
            runs = {impl: [] for impl in args.peers}
            floor_runs = []
            group = {}
            for impl in args.peers:
                if impl == "sklearn" and workload == "adam_bn":
                    group[impl] = {"status": "skipped", "reason": SKLEARN_NOTES["adam_bn"]}
            for repeat in range(args.repeats):
                base = {"workload": workload, "dtype": dtype, "epochs": epochs}
                base.update(threads=args.threads, seed=args.seed)
                floor_runs.append(_run_child({**base, "kind": "floor"}, env))
                for impl in args.peers:
                    if impl in group:
                        continue
                    if impl in skipped_peers:
                        group[impl] = {"status": "skipped", "reason": skipped_peers[impl]}
                        continue
                    result = _run_child({**base, "kind": "train", "impl": impl}, env)
                    runs[impl].append(result)
                    if result["status"] == "skipped":
                        skipped_peers[impl] = result["reason"]
                        group[impl] = dict(result)
                    where = f"[{workload} {dtype} {repeat + 1}/{args.repeats}] {impl:8}"
                    if result["status"] == "ok":
                        seconds, cpu = result["seconds"], result["cpu_seconds"]
                        print(f"{where} {seconds:8.3f} s ({cpu:.3f} s CPU)", file=sys.stderr)
                    else:
                        print(f"{where} {result['status']}: {result['reason']}", file=sys.stderr)
            for impl in args.peers:
                if impl in group:
                    group[impl] = group.pop(impl)  # keep the order of --peers
                    continue
                summary = _summarise(runs[impl])
                errors = [r["reason"] for r in runs[impl] if r["status"] == "error"]
                status = "ok" if summary else "error"
                group[impl] = {"status": status, **summary, "runs": runs[impl]}
                if errors:
                    group[impl]["reason"] = errors[0]
                if impl == "sklearn" and workload in SKLEARN_NOTES:
                    group[impl]["note"] = SKLEARN_NOTES[workload]
            ok_floors = [f for f in floor_runs if f["status"] == "ok"]
            floor = {"status": "ok" if ok_floors else "error", "runs": floor_runs}
            if ok_floors:
                floor["median_s"] = statistics.median(f["seconds"] for f in ok_floors)
                floor["as_written"] = {
                    "median_s": statistics.median(f["as_written_seconds"] for f in ok_floors)
                }
            else:
                floor["reason"] = floor_runs[0].get("reason") if floor_runs else "not run"
            ours = group.get("ours", {}).get("median_s")
            for entry in (*group.values(), floor, floor.get("as_written", {})):
                if ours is not None and entry.get("median_s"):
                    entry["ratio_ours_over_this"] = ours / entry["median_s"]
                if entry.get("median_s") is not None:
                    entry["ms_per_unit"] = entry["median_s"] / epochs * 1000
            results[workload][dtype] = group
            floors[workload][dtype] = floor
            others = [
                r["other_cores"]
                for r in [*floor_runs, *sum(runs.values(), [])]
                if "other_cores" in r
            ]
            if others:
                load[workload][dtype] = {"mean": statistics.mean(others), "max": max(others)}
    targets = []
    for name, workload, dtype, peer, target in TARGETS:
        if workload not in results or dtype not in results[workload]:
            continue
        entry = floors[workload][dtype] if peer == "floor" else results[workload][dtype].get(peer)
        ratio = (entry or {}).get("ratio_ours_over_this")
        row = {"name": name, "target": target, "ratio": ratio}
        if ratio is not None:
            row["met"] = ratio <= target
        else:
            row["met"] = None
            row["reason"] = (entry or {}).get("reason", f"{peer} or ours not run")
        targets.append(row)
    return {
        "results": results,
        "floors": floors,
        "targets": targets,
        "other_load": load,
        "workloads": {
            w: {**WORKLOADS[w], "epochs": _epochs(w, args.quick, args.iterations_scale)}
            for w in args.workloads
        },
        "skipped_peers": skipped_peers,
    }


# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------

COLUMNS = (
    "implementation",
    "median s",
    "ms/{unit}",
    "peak MB (+MB)",
    "final cost",
    "train acc",
    "test acc",
    "ours/this",
)


def _fmt(value, spec):
    return "-" if value is None else format(value, spec)


def _label(impl, entry):
    version = entry.get("version")
    label = {"ours": "ours (numpy)", "torch": "torch", "sklearn": "sklearn"}[impl]
    if version:
        label += f" {version}"
    if entry.get("compute_dtype") and entry.get("requested_dtype") not in (
        None,
        entry["compute_dtype"],
    ):
        label += f" [{entry['compute_dtype']}]"
    return label


def _rows(report, workload, dtype):
    """Rows of cells for one table, plus the notes to print under it."""
    group = report["results"][workload][dtype]
    rows, notes = [], []
    for impl, entry in group.items():
        if entry["status"] != "ok":
            rows.append([_label(impl, entry), f"{entry['status']}: {entry.get('reason', '')}"])
            continue
        entry = {**entry, "requested_dtype": dtype}
        peak = entry.get("peak_mb")
        delta = entry.get("delta_mb")
        memory = "-" if peak is None else f"{peak:.0f} (+{_fmt(delta, '.0f')})"
        rows.append(
            [
                _label(impl, entry),
                _fmt(entry["median_s"], ".3f"),
                _fmt(entry.get("ms_per_unit"), ".3f"),
                memory,
                _fmt(entry["final_cost"], ".6f"),
                _fmt(entry["train_acc"], ".3f"),
                _fmt(entry["test_acc"], ".3f"),
                _fmt(entry.get("ratio_ours_over_this"), ".2f"),
            ]
        )
        if entry.get("note"):
            notes.append(f"{impl}: {entry['note']}")
    floor = report["floors"][workload][dtype]
    label = "floor (W1@X + dZ1@X.T)"
    if floor["status"] != "ok":
        rows.append([label, f"error: {floor.get('reason')}"])
        return rows, notes
    as_written = "  as written, X C-ordered"
    for name, entry in ((label, floor), (as_written, floor.get("as_written", {}))):
        if entry.get("median_s") is None:
            continue
        ms, ratio = entry.get("ms_per_unit"), entry.get("ratio_ours_over_this")
        rows.append([name, f"{entry['median_s']:.3f}", _fmt(ms, ".3f"), "-", "-", "-", "-"])
        rows[-1].append(_fmt(ratio, ".2f"))
    return rows, notes


def _title(report, workload, dtype):
    w = report["workloads"][workload]
    unit = "iterations" if w["unit"] == "iter" else "epochs"
    return f"{workload}, {dtype}: {LAYERS}, {w['description']}, {w['epochs']} {unit}"


def _busiest(report):
    """The most cores other processes kept busy during any one run."""
    loads = report["other_load"].values()
    return max((o["max"] for by_dtype in loads for o in by_dtype.values()), default=0.0)


def format_text(report):
    """The plain-text tables and the summary of the targets."""
    lines = []
    m = report["machine"]
    lines.append(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['threads']} threads per run; "
        f"numpy {m['numpy']} ({m['blas']}); torch {m['torch']}; scikit-learn {m['scikit-learn']}"
    )
    lines.append(
        f"Load average (1, 5, 15 min): {report['load_average_before']} before, "
        f"{report['load_average_after']} after; {report['repeats']} repeat(s), runs alternated"
    )
    busiest = _busiest(report)
    if busiest > BUSY_CORES:
        lines.append(
            f"WARNING: other processes kept up to {busiest:.2f} of {m['cores']} cores busy during "
            "the runs. Multithreaded BLAS (and torch) threads then wait for each other and can "
            "run many times slower: rerun on a quiet machine, or compare with --threads 1."
        )
    for workload, by_dtype in report["results"].items():
        for dtype in by_dtype:
            unit = report["workloads"][workload]["unit"]
            header = [c.format(unit=unit) for c in COLUMNS]
            rows, notes = _rows(report, workload, dtype)
            widths = [len(h) for h in header]
            for row in rows:
                if len(row) == len(header):
                    widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
            lines += ["", _title(report, workload, dtype)]
            lines.append(
                "  ".join(
                    h.rjust(w) if i else h.ljust(w)
                    for i, (h, w) in enumerate(zip(header, widths, strict=True))
                )
            )
            for row in rows:
                if len(row) != len(header):
                    lines.append(f"{row[0].ljust(widths[0])}  {row[1]}")
                    continue
                cells = [
                    c.rjust(w) if i else c.ljust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                ]
                lines.append("  ".join(cells))
            lines += [f"  note: {n}" for n in notes]
            other = report["other_load"].get(workload, {}).get(dtype)
            if other:
                lines.append(
                    f"  other processes kept {other['mean']:.2f} cores busy on average during "
                    f"these runs (at most {other['max']:.2f})"
                )
    lines += ["", "Targets (ratio = our median time / theirs, same run):"]
    for t in report["targets"]:
        if t["ratio"] is None:
            verdict = f"n/a ({t['reason']})"
            value = "-"
        else:
            verdict = "met" if t["met"] else "NOT met"
            value = f"{t['ratio']:.2f}"
        lines.append(f"  {t['name']:<42} {value:>6}  target <= {t['target']:.2f}  {verdict}")
    skipped = report["skipped_peers"]
    for peer, reason in skipped.items():
        lines.append(f"Skipped {peer}: {reason}")
    return "\n".join(lines)


def format_markdown(report):
    """The same results as one Markdown table, with the machine, for the README."""
    m = report["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores ({m['threads']} threads per run), "
        f"Python {m['python']}, NumPy {m['numpy']} with {m['blas']}, PyTorch {m['torch']}, "
        f"scikit-learn {m['scikit-learn']}. Load average before the run: "
        f"{report['load_average_before']}; other processes kept up to {_busiest(report):.2f} "
        f"cores busy during a run. Median of {report['repeats']} alternated run(s); "
        "ours/this is our median time over the row's (on the floor rows: over the time of "
        "`W1 @ X` and `dZ1 @ X.T` alone, in model()'s layout, then as written with X "
        "C-ordered).",
        "",
        "| workload | dtype | implementation | median s | ms/iter or epoch | peak MB (+MB) "
        "| final cost | train acc | test acc | ours/this |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for workload, by_dtype in report["results"].items():
        for dtype in by_dtype:
            rows, _ = _rows(report, workload, dtype)
            for row in rows:
                cells = row + [""] * (8 - len(row))
                lines.append(f"| {workload} | {dtype} | " + " | ".join(cells) + " |")
    lines += ["", "| target | ratio | goal | met |", "|---|---:|---:|---|"]
    for t in report["targets"]:
        ratio = "-" if t["ratio"] is None else f"{t['ratio']:.2f}"
        met = "n/a" if t["met"] is None else ("yes" if t["met"] else "no")
        lines.append(f"| {t['name']} | {ratio} | <= {t['target']:.2f} | {met} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def _choices(allowed, what):
    def parse(text):
        values = [v.strip() for v in text.split(",") if v.strip()]
        unknown = [v for v in values if v not in allowed]
        if unknown or not values:
            raise argparse.ArgumentTypeError(
                f"unknown {what} {', '.join(unknown) or '(none)'}; choose from {', '.join(allowed)}"
            )
        return list(dict.fromkeys(values))

    return parse


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python benchmarks/benchmark.py",
        description="Time model() against PyTorch and scikit-learn on the cat images.",
    )
    arg = parser.add_argument
    arg("--quick", action="store_true", help="few iterations/epochs, one repeat: a smoke run")
    arg(
        "--workloads",
        type=_choices(tuple(WORKLOADS), "workload"),
        default=list(WORKLOADS),
        help=f"comma-separated, from {','.join(WORKLOADS)} (default: all)",
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
        default=list(IMPLEMENTATIONS),
        help=f"implementations to run, from {','.join(IMPLEMENTATIONS)} (default: all)",
    )
    arg("--repeats", type=int, default=None, help="timed runs per implementation (3; quick: 1)")
    arg("--threads", type=int, default=None, help="threads for every run (default: all cores)")
    arg("--seed", type=int, default=SEED, help="seed of the initial weights and the shuffling")
    arg("--json", type=Path, default=None, help="also write every result to this JSON file")
    arg("--markdown", action="store_true", help="also print a Markdown table for the README")
    # For the tests: scale the number of iterations/epochs (at least 1).
    arg("--iterations-scale", type=float, default=1.0, help=argparse.SUPPRESS)
    arg("--_worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    if args.threads is None:
        args.threads = os.cpu_count() or 1
    if args.threads < 1:
        parser.error("--threads must be >= 1")
    if args.iterations_scale <= 0:
        parser.error("--iterations-scale must be positive")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args._worker is not None:
        return _worker(json.loads(args._worker))
    # Our own NumPy (for the machine description) reads these at import.
    os.environ.update(dict.fromkeys(THREAD_VARIABLES, str(args.threads)))
    report = {"machine": _machine_info(args.threads), "load_average_before": _load_average()}
    report.update(repeats=args.repeats, quick=args.quick, seed=args.seed)
    start = time.perf_counter()
    report.update(run_benchmark(args))
    report["wall_seconds"] = time.perf_counter() - start
    report["load_average_after"] = _load_average()
    print(format_text(report))
    if args.markdown:
        print()
        print(format_markdown(report))
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
