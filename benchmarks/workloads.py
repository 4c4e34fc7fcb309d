"""What benchmarks/benchmark.py measures: its workloads, the notes printed with them, its targets.

Only plain data lives here (no NumPy): both the parent process and its children read it. See
benchmark.py's docstring for how each workload is run and compared.
"""

CAT_LAYERS = [12288, 20, 7, 5, 1]
SEED = 0
IMPLEMENTATIONS = ("ours", "torch", "sklearn", "baseline")
DTYPES = ("float64", "float32")
BUSY_CORES = 0.25  # above this many cores kept busy by other processes: warn, or retry

# The synthetic K-class problem at MNIST's shape: 784 inputs, 10 classes, labels from a fixed
# random linear teacher, y = argmax(T x) with x ~ N(0, 1) and T (10, 784) ~ N(0, 1). The labels
# are a function of x that a network can learn, so the costs and accuracies show every
# implementation learned the same task; the test set is drawn from the same teacher.
TEACHER = {"inputs": 784, "classes": 10, "seed": 1234, "test_examples": 5000}

# The common settings of a workload: what each peer's trainer reads.
_ADAM = {"optimizer": "adam", "learning_rate": 0.001, "batch_norm": False, "lambd": 0.0}

# ``epochs``: iterations of gd (one update each) or passes over the data for mini-batch Adam.
# ``data``: "cat" (the images), "teacher" (the synthetic K-class problem, ``examples`` of them;
# ``quick_examples`` with --quick) or "digits" (example_data.load_digits_data()).
# ``table``: how the report shows it. ``sits_out``: peers that do not run it, and why.
# ``torch_order``: "ours" (PyTorch draws model()'s permutation, so both follow one trajectory)
# or "own" (its own torch.randperm). ``floor``: whether the first layer's products are timed.
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
        **_ADAM,
        "description": "batch norm, Adam lr 0.001, mini-batch 64",
        "mini_batch_size": 64,
        "batch_norm": True,
        "epochs": 155,
        "quick_epochs": 5,
        "unit": "epoch",
        "sits_out": {"sklearn": "MLPClassifier has no batch norm"},
    },
    "adam_mb": {
        **_ADAM,
        "description": "Adam lr 0.001, mini-batch 64, L2 lambd 0.7",
        "mini_batch_size": 64,
        "lambd": 0.7,
        "epochs": 300,
        "quick_epochs": 10,
        "unit": "epoch",
    },
}
for _name in ("gd", "adam_bn", "adam_mb"):
    WORKLOADS[_name].update(data="cat", layers=CAT_LAYERS, table="cat", floor=True)
    WORKLOADS[_name].update(torch_order="ours", dtypes=DTYPES)
    WORKLOADS[_name].setdefault("sits_out", {})

WORKLOADS["kclass"] = {
    **_ADAM,
    "description": "10 classes, synthetic (linear teacher), Adam lr 0.001, mini-batch 128",
    "data": "teacher",
    "examples": 20_000,
    "quick_examples": 2_000,
    "layers": [784, 256, 10],
    "mini_batch_size": 128,
    "epochs": 10,
    "quick_epochs": 1,
    "unit": "epoch",
    "table": "kclass",
    "floor": False,
    "torch_order": "own",
    "dtypes": DTYPES,
    "sits_out": {},
}

# The scaling table: one epoch of the K-class problem per cell, float32, ours and PyTorch.
SCALING_EXAMPLES = (2_000, 20_000, 60_000)
SCALING_HIDDEN = (64, 256, 1024)
SCALING = []
for _m in SCALING_EXAMPLES:
    for _h in SCALING_HIDDEN:
        _name = f"scale_{_m // 1000}k_h{_h}"
        SCALING.append(_name)
        WORKLOADS[_name] = {
            **WORKLOADS["kclass"],
            "description": f"{_m} examples, hidden width {_h}, one epoch",
            "examples": _m,
            "quick_examples": _m // 10,  # --quick: a smoke run, not the table
            "layers": [784, _h, 10],
            "epochs": 1,
            "quick_epochs": 1,
            "table": "scaling",
            "dtypes": ("float32",),
            "sits_out": {"sklearn": "the scaling table times ours and PyTorch"},
        }

# The 8x8 digits: the library's network against MLPClassifier, scored on the test split.
WORKLOADS["digits"] = {
    **_ADAM,
    "description": "8x8 digits (load_digits_data(), seed 0), Adam lr 0.001, mini-batch 64, "
    "L2 lambd 1.0",
    "data": "digits",
    "layers": [64, 64, 10],
    "mini_batch_size": 64,
    "lambd": 1.0,
    "epochs": 200,
    "quick_epochs": 10,
    "unit": "epoch",
    "table": "digits",
    "floor": False,
    "torch_order": "own",
    "dtypes": ("float64",),
    "sits_out": {"torch": "the digits row compares with MLPClassifier"},
}

# --workloads also takes these names for several workloads at once.
GROUPS = {
    "cat": ["gd", "adam_bn", "adam_mb"],
    "scaling": SCALING,
    "all": list(WORKLOADS),
}

SKLEARN_NOTES = {
    "adam_mb": (
        "MLPClassifier's L2 gradient is alpha / m_batch * W; alpha = lambd * 64 / m matches our "
        "lambd / m * W on the full batches but not on the last batch of 17, and its reported loss "
        "adds alpha / (2 m_batch) ||W||^2 per batch, so its final cost is not on our scale"
    ),
    "kclass": "MLPClassifier shuffles in its own order (as PyTorch here): costs differ slightly",
    "digits": (
        "alpha = lambd * 64 / m_train (m_train = 1257): MLPClassifier's L2 gradient alpha / "
        "m_batch * W is then our lambd / m * W on every full batch of 64; on the last batch of "
        "41 it is 64/41 times ours, and its reported loss counts the penalty once per batch "
        "(20 * 64 / 1257 = 1.02 times ours). It shuffles in its own order"
    ),
}
TORCH_NOTES = {
    "kclass": "PyTorch draws its mini-batches with its own torch.randperm: costs differ slightly",
}

# (name, workload, dtype, peer, kind, goal). "time": our median time / the peer's <= goal.
# "test_acc": the peer's test accuracy - ours <= goal.
TARGETS = (
    ("gd float64: ours / floor", "gd", "float64", "floor", "time", 1.10),
    ("gd float32: ours / torch", "gd", "float32", "torch", "time", 1.0),
    ("adam_bn float64: ours / torch per epoch", "adam_bn", "float64", "torch", "time", 1.0),
    ("adam_bn float32: ours / torch per epoch", "adam_bn", "float32", "torch", "time", 1.0),
    ("adam_mb float64: ours / torch per epoch", "adam_mb", "float64", "torch", "time", 1.0),
    ("adam_mb float32: ours / torch per epoch", "adam_mb", "float32", "torch", "time", 1.0),
    ("gd float64: ours / sklearn", "gd", "float64", "sklearn", "time", 1 / 3),
    ("gd float32: ours / sklearn", "gd", "float32", "sklearn", "time", 1 / 3),
    ("kclass float32: ours / torch", "kclass", "float32", "torch", "time", 1.0),
    ("digits float64: ours / sklearn", "digits", "float64", "sklearn", "time", 1.0),
    ("digits: sklearn test acc - ours", "digits", "float64", "sklearn", "test_acc", 0.01),
)


def epochs(workload, quick, scale=1.0):
    """The iterations or epochs a run of ``workload`` trains for (at least 1)."""
    w = WORKLOADS[workload]
    return max(1, round((w["quick_epochs"] if quick else w["epochs"]) * scale))


def examples(workload, quick):
    """The number of training examples of a synthetic workload (None for the data sets)."""
    w = WORKLOADS[workload]
    if w["data"] != "teacher":
        return None
    return w["quick_examples"] if quick else w["examples"]
