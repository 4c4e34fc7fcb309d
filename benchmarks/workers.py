"""The child side of benchmarks/benchmark.py: one training run (or the floor) per process.

``run(spec)`` loads the workload's data into each implementation's natural layout, trains a tiny
network the same way once, untimed (one-time costs such as PyTorch's lazy imports are not the
workload's), then times the training call alone and scores the result. benchmark.py's docstring
says what is compared and how.
"""

import json
import os
import statistics
import sys
import time
import traceback
import warnings
from pathlib import Path

from workloads import TEACHER, WORKLOADS

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULT_MARK = "@@BENCHMARK_RESULT@@ "


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


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
        # Read here, before the accuracies are computed: predicting 60,000 examples at once
        # would otherwise count as the memory that training needs.
        self.peak_rss_mb = _peak_rss_mb()

    def as_dict(self):
        result = {
            "seconds": self.seconds,
            "cpu_seconds": self.cpu_seconds,
            "rss_before_mb": self.rss_before_mb,
            "peak_rss_mb": self.peak_rss_mb,
        }
        if self.rss_before_mb is not None and self.peak_rss_mb is not None:
            result["delta_rss_mb"] = self.peak_rss_mb - self.rss_before_mb
        return result


# ---------------------------------------------------------------------------------------------
# The data: X (n_x, m) and Y (1, m) labels, as the library takes them, and a tiny warm-up set
# ---------------------------------------------------------------------------------------------


def _cat_data(dtype):
    """The cat images as ``model()`` takes them: ``X (12288, m)`` C-contiguous, ``Y (1, m)``."""
    import cat_data

    train_x, train_y, test_x, test_y, _ = cat_data.load_cat_data()
    return {
        "X": cat_data.flatten_and_scale(train_x, dtype),
        "Y": train_y,
        "X_test": cat_data.flatten_and_scale(test_x, dtype),
        "Y_test": test_y,
    }


def _teacher_examples(rng, T, m, dtype, chunk=1000):
    """``m`` examples ``x ~ N(0, 1)`` as the rows of an ``(m, n_x)`` array, labels argmax(T x).

    Drawn in float64 a chunk at a time (the same numbers in either dtype) and labelled from the
    float64 draw. The chunks are small (6 MB) so that the memory they free before training does
    not hide the memory training takes: the process's resident set keeps freed memory, and
    training would reuse it without raising ``ru_maxrss``.
    """
    import numpy as np

    rows = np.empty((m, T.shape[1]), dtype)
    labels = np.empty(m, np.int64)
    for start in range(0, m, chunk):
        x = rng.standard_normal((min(chunk, m - start), T.shape[1]))
        rows[start : start + len(x)] = x
        labels[start : start + len(x)] = np.argmax(x @ T.T, axis=1)
    return rows, labels


def _teacher_data(m, dtype):
    """The synthetic K-class problem (see ``workloads.TEACHER``) with ``m`` training examples.

    The examples are generated as the rows of an ``(m, 784)`` array, the layout of MNIST in
    every loader and PyTorch's natural one; the library takes ``X = rows.T``, a view of the same
    memory that happens to be the Fortran order ``model()`` trains in (no copy for anyone). The
    first ``m`` examples are the same for every ``m`` (the scaling table grows one data set).
    """
    import numpy as np

    train_seed, test_seed = np.random.SeedSequence(TEACHER["seed"]).spawn(2)
    rng = np.random.default_rng(train_seed)
    T = rng.standard_normal((TEACHER["classes"], TEACHER["inputs"]))
    rows, labels = _teacher_examples(rng, T, m, dtype)
    test_rows, test_labels = _teacher_examples(
        np.random.default_rng(test_seed), T, TEACHER["test_examples"], dtype
    )
    return {"X": rows.T, "Y": labels[None, :], "X_test": test_rows.T, "Y_test": test_labels[None]}


def _digits_data(dtype):
    """``example_data.load_digits_data()``'s split: seed 0, 30% held out for the test."""
    import example_data

    X_train, Y_train, X_test, Y_test = example_data.load_digits_data(seed=0, dtype=dtype)
    return {"X": X_train, "Y": Y_train, "X_test": X_test, "Y_test": Y_test}


def load_data(spec):
    """The workload's data in ``spec["dtype"]``: ``X``, ``Y``, ``X_test``, ``Y_test``."""
    import numpy as np

    w, dtype = WORKLOADS[spec["workload"]], np.dtype(spec["dtype"])
    if w["data"] == "cat":
        return _cat_data(dtype)
    if w["data"] == "digits":
        return _digits_data(dtype)
    return _teacher_data(spec["examples"], dtype)


def _rows(X):
    """``X (n_x, m)`` as PyTorch and scikit-learn take it, one example per row, C-contiguous
    (a view when ``X`` is Fortran-ordered)."""
    import numpy as np

    return np.ascontiguousarray(X.T)


def _tiny_batch_size(w):
    """The warm-up run's mini-batch size: 8, or None (full batch) as the workload's."""
    return w["mini_batch_size"] and 8


def _warm_up(w, dtype):
    """A tiny problem for the untimed warm-up run, with the workload's kind of output.

    ``X (8, 24)``, ``Y (1, 24)`` with every class present, and the layers ``[8, 4, 3, 1]``
    (sigmoid) or ``[8, 4, 3]`` (softmax over 3 classes).
    """
    import numpy as np

    layers = [8, 4, 3, 1] if w["layers"][-1] == 1 else [8, 4, 3]
    rng = np.random.default_rng(0)
    X = rng.random((layers[0], 24)).astype(dtype)
    Y = (np.arange(24) % max(2, layers[-1])).reshape(1, -1)
    return X, Y, layers


# ---------------------------------------------------------------------------------------------
# The trainers. Each returns its timing, final cost and accuracies; the first layer's weights
# of every peer start from model()'s He draw, and PyTorch can follow model()'s shuffling.
# ---------------------------------------------------------------------------------------------

# Why the peers copy model()'s start (and, on the cat workloads, its order of mini-batches):
# all implementations then follow the same trajectory up to rounding, and their final costs
# check that they train the same network the same way. This matters: Adam at lr 0.001 on 209
# images has spikes late in training, so two different shuffles can end 0.1 and 1.2 apart.
# Should model() change how it derives its seeds, the peers still start from a He-normal draw
# and shuffle every epoch, just differently.


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
    """The fraction of the columns of ``X`` whose predicted class equals ``Y`` (``(1, m)``)."""
    import numpy as np

    return float(np.mean(np.asarray(predict(X)).reshape(Y.shape) == Y))


def _scores(predict, data):
    return {
        "train_acc": _accuracy(predict, data["X"], data["Y"]),
        "test_acc": _accuracy(predict, data["X_test"], data["Y_test"]),
    }


def _train_ours(spec, data):
    """``neural_net_optimized.model()``, from this checkout or (``baseline``) another one."""
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

    X_tiny, Y_tiny, tiny_layers = _warm_up(w, dtype)
    train(X_tiny, Y_tiny, tiny_layers, 2, _tiny_batch_size(w))

    with _Timer() as timer:
        parameters, history = train(
            data["X"], data["Y"], w["layers"], spec["epochs"], w["mini_batch_size"]
        )
    return {
        **timer.as_dict(),
        "final_cost": float(history["cost"][-1]),
        "epochs_run": len(history["cost"]),
        **_scores(lambda X: nn.predict(X, parameters), data),
        "compute_dtype": str(parameters["W1"].dtype),
        "version": np.__version__,
        "library": str(Path(nno.__file__).resolve().parent),
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


def _torch_batches(torch, w, seed, m, batch_size):
    """A function giving each epoch's index tensors: model()'s permutations (drawn from the
    seed model() derives) when ``w["torch_order"] == "ours"``, else torch.randperm's."""
    import numpy as np

    if batch_size >= m:
        return lambda: [None]
    if w["torch_order"] == "ours":
        rng = np.random.default_rng(_model_seeds(seed)[1])
        return lambda: torch.split(torch.from_numpy(rng.permutation(m)), batch_size)
    return lambda: torch.split(torch.randperm(m), batch_size)


def _torch_train(torch, w, spec, X, y, layers, epochs, mini_batch_size):
    """Train a new network on ``X (m, n_x)`` and ``y`` (``(m, 1)`` 0/1 floats for one sigmoid
    output, ``(m,)`` int64 classes for K); return it and the per-epoch costs."""
    import numpy as np

    dtype = getattr(torch, spec["dtype"])
    init = _initial_parameters(layers, w["batch_norm"], np.dtype(spec["dtype"]), spec["seed"])
    net, weights = _torch_network(torch, init, layers, w["batch_norm"], dtype)
    binary = layers[-1] == 1
    loss_fn = torch.nn.BCEWithLogitsLoss() if binary else torch.nn.CrossEntropyLoss()
    if w["optimizer"] == "gd":
        optimizer = torch.optim.SGD(net.parameters(), lr=w["learning_rate"])
    else:
        optimizer = torch.optim.Adam(
            net.parameters(), lr=w["learning_rate"], betas=(0.9, 0.999), eps=1e-8
        )
    m = X.shape[0]
    batches = _torch_batches(torch, w, spec["seed"], m, mini_batch_size or m)
    lambd = w["lambd"]
    net.train()
    costs = []
    for _ in range(epochs):
        epoch_cost = 0.0
        for idx in batches():
            if idx is None:
                X_batch, y_batch = X, y
            else:
                X_batch, y_batch = X.index_select(0, idx), y.index_select(0, idx)
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
    """PyTorch on the CPU, with ``spec["threads"]`` threads, the data as ``(m, n_x)`` rows."""
    import numpy as np
    import torch

    w = WORKLOADS[spec["workload"]]
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(spec["seed"])

    def as_rows(X, Y):
        """PyTorch's natural layout: one example per row (a view when ``X`` is Fortran)."""
        X_rows = torch.from_numpy(_rows(X))
        if Y.shape[0] == 1 and w["layers"][-1] > 1:  # class labels for CrossEntropyLoss
            return X_rows, torch.from_numpy(np.ascontiguousarray(Y.ravel(), dtype=np.int64))
        return X_rows, torch.from_numpy(np.ascontiguousarray(Y.T, dtype=spec["dtype"]))

    X_tiny, Y_tiny, tiny_layers = _warm_up(w, np.dtype(spec["dtype"]))
    tiny_batch = _tiny_batch_size(w)
    _torch_train(torch, w, spec, *as_rows(X_tiny, Y_tiny), tiny_layers, 2, tiny_batch)

    X, y = as_rows(data["X"], data["Y"])
    with _Timer() as timer:
        net, costs = _torch_train(
            torch, w, spec, X, y, w["layers"], spec["epochs"], w["mini_batch_size"]
        )

    def predict(X):
        with torch.no_grad():
            logits = net(torch.from_numpy(_rows(X))).numpy()
        return (logits > 0).T if logits.shape[1] == 1 else np.argmax(logits, axis=1)

    return {
        **timer.as_dict(),
        "final_cost": costs[-1],
        "epochs_run": len(costs),
        **_scores(predict, data),
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
        # Early stopping needs more than n_iter_no_change epochs without progress: never here.
        "n_iter_no_change": epochs,
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
        batch_size = min(w["mini_batch_size"], m)
        clf = StartFromHe(
            solver="adam",
            batch_size=batch_size,
            # sklearn's penalty gradient is alpha / m_batch * W, ours lambd / m * W.
            alpha=w["lambd"] * batch_size / m,
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
    """scikit-learn's ``MLPClassifier``, the data as ``(m, n_x)`` rows and ``(m,)`` labels."""
    import numpy as np
    import sklearn
    from sklearn.exceptions import ConvergenceWarning

    w = WORKLOADS[spec["workload"]]

    def as_rows(X, Y):
        return _rows(X), Y.ravel()

    X_tiny, Y_tiny, tiny_layers = _warm_up(w, np.dtype(spec["dtype"]))
    X_tiny, y_tiny = as_rows(X_tiny, Y_tiny)
    X, y = as_rows(data["X"], data["Y"])
    tiny = _sklearn_classifier(w, {**spec, "epochs": 2}, tiny_layers, 24, X.dtype)
    clf = _sklearn_classifier(w, spec, w["layers"], X.shape[0], X.dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        tiny.fit(X_tiny, y_tiny)
        with _Timer() as timer:
            clf.fit(X, y)
    return {
        **timer.as_dict(),
        "final_cost": float(clf.loss_curve_[-1]),
        "epochs_run": int(clf.n_iter_),
        **_scores(lambda X: clf.predict(_rows(X)), data),
        "compute_dtype": str(clf.coefs_[0].dtype),
        "version": sklearn.__version__,
        "started_from_he": not clf.initial,
    }


TRAINERS = {
    "ours": _train_ours,
    "baseline": _train_ours,
    "torch": _train_torch,
    "sklearn": _train_sklearn,
}
PEER_MODULES = {"torch": "torch", "sklearn": "sklearn"}


# ---------------------------------------------------------------------------------------------
# The floor: the first layer's two products alone (cat workloads)
# ---------------------------------------------------------------------------------------------


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


def batch_sizes(m, mini_batch_size):
    """The sizes of one epoch's batches: ``[64, 64, 64, 17]`` for the cat data."""
    if mini_batch_size is None or mini_batch_size >= m:
        return [m]
    return [min(mini_batch_size, m - k) for k in range(0, m, mini_batch_size)]


def _products(X_batch, W1, dZ1):
    """Median seconds of ``W1 X`` and ``dZ1 X^T`` in model()'s layout and as written."""
    import numpy as np

    X_c = np.ascontiguousarray(X_batch)
    return {
        "forward_s": _median_seconds(lambda: (X_batch.T @ W1.T).T),
        "backward_s": _median_seconds(lambda: dZ1 @ X_batch.T),
        "as_written": {
            "forward_s": _median_seconds(lambda: W1 @ X_c),
            "backward_s": _median_seconds(lambda: dZ1 @ X_c.T),
        },
    }


def measure_floor(spec):
    """Median seconds of the first layer's two products for each batch size the workload uses.

    ``"forward_s"``/``"backward_s"`` time them as ``model()`` computes them: ``X`` in Fortran
    order, ``Z1 = (X^T W1^T)^T`` and ``dW1 = dZ1 X^T`` (``X^T`` C-contiguous). ``"as_written"``
    times ``W1 @ X`` and ``dZ1 @ X.T`` with ``X`` C-ordered, as the data is loaded: a NumPy
    implementation that keeps that layout has that floor instead.
    """
    import numpy as np

    w = WORKLOADS[spec["workload"]]
    X = load_data(spec)["X"]
    n_x, m = X.shape
    rng = np.random.default_rng(0)
    n_1 = w["layers"][1]
    W1 = (rng.standard_normal((n_1, n_x)) * np.sqrt(2.0 / n_x)).astype(X.dtype)
    X_fortran = np.asfortranarray(X)
    sizes = batch_sizes(m, w["mini_batch_size"])
    products = {}
    for size in sorted(set(sizes)):
        # A mini-batch is gathered once, outside the timing, as model() gathers it (in Fortran
        # order); _products times the same columns in C order for the reference.
        columns = slice(None) if size == m else rng.permutation(m)[:size]
        dZ1 = rng.standard_normal((n_1, size)).astype(X.dtype)
        products[str(size)] = _products(X_fortran[:, columns], W1, dZ1)

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


# ---------------------------------------------------------------------------------------------
# One run
# ---------------------------------------------------------------------------------------------


def _missing_peer(impl):
    """None, or why the optional peer ``impl`` cannot be imported."""
    if impl not in PEER_MODULES:
        return None
    try:
        __import__(PEER_MODULES[impl])
    except Exception as error:  # an optional peer, not installed (or broken)
        return f"import {PEER_MODULES[impl]} failed: {error}"
    return None


def _train(spec):
    """The result of one training run: timing, memory, cost and accuracies."""
    impl = spec["impl"]
    if impl == "baseline":
        # The other checkout's library modules come first, this one's are not looked at.
        sys.path[:] = [spec["baseline"]] + [p for p in sys.path if Path(p) != REPO_ROOT]
    missing = _missing_peer(impl)
    if missing:
        return {"status": "skipped", "reason": missing}
    return {"status": "ok", **TRAINERS[impl](spec, load_data(spec))}


def run(spec):
    """Run one measurement described by ``spec`` and print its result as one JSON line."""
    try:
        if spec["kind"] == "floor":
            result = {"status": "ok", **measure_floor(spec)}
        else:
            result = _train(spec)
    except Exception as error:  # reported to the parent, which keeps going
        traceback.print_exc()
        result = {"status": "error", "reason": f"{type(error).__name__}: {error}"}
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0 if result["status"] != "error" else 1
