"""The cat experiment's protocol, in one place: what is searched, how it is scored, and how the
chosen model is trained and tested.

The notebook, the command line (``cat_cli``) and the README all read from here, and from the
search record ``docs/cat_search.json`` that ``make search`` writes: every trial, the chosen
configuration and the baselines, all scored on the 209 training images alone.

The protocol:

1. **Selection on the training images only.** Each configuration is scored by repeated
   stratified k-fold cross-validation (:data:`SEARCH_SETTINGS`): its standardizer is fitted,
   and its augmentation applied, on the training folds only; the held-out fold is predicted as
   it is, with mirror test-time augmentation. The metric is balanced accuracy: 34% of the
   training images are cats, so plain accuracy would give 0.66 to "always non-cat".
2. **The chosen configuration** is the best mean CV balanced accuracy of the search.
3. **The final model** is that configuration retrained on all 209 images, with ``lambd`` and
   the number of epochs matched to what CV scored (``model_selection.matched_refit``).
4. **The test images** are looked at once, after all of this.
"""

import json
import platform
import time
from pathlib import Path

import numpy as np

import augmentation
import cat_data
import model_selection as ms
import neural_network as nn

ROOT = Path(__file__).resolve().parent
SEARCH_FILE = ROOT / "docs" / "cat_search.json"

# How `make search` scores configurations: 3 repeats of stratified 4-fold CV on the 209 images.
SEARCH_SETTINGS = {
    "n_trials": 40,
    "folds": 4,
    "repeats": 3,
    "seed": 0,
    "metric": "balanced_accuracy",
    "tta": "mirror",
    "dtype": "float32",
}

# What is searched. Each entry is a list to draw from uniformly, or a function of the generator
# and the entries drawn before it. Preprocessing and augmentation are choices like the others.
CAT_SEARCH_SPACE = {
    "hidden": [(8,), (16,), (32,)],
    "optimizer": ["adam", "momentum"],
    "learning_rate": ms.learning_rate_for({"adam": (3e-5, 1e-3), "momentum": (1e-3, 1e-2)}),
    "lambd": [1.0, 3.0, 10.0, 30.0, 100.0],
    "keep_prob": [1.0, 0.8],
    "batch_norm": [False],
    "mini_batch_size": [64],
    "num_epochs": [20, 40],
    "standardize": [None, "feature", "channel"],
    "augment": ["flips+balance", "flips+shifts+balance"],
    "shift_copies": [3],
    "max_shift": [6, 10],
}

# The baselines, scored on the same folds: a constant, logistic regression, and the two
# networks of the Coursera assignment as it trains them (raw pixels, gradient descent).
BASELINES = {
    "logistic regression [12288, 1]": {
        "hidden": (),
        "optimizer": "gd",
        "learning_rate": 0.005,
        "num_epochs": 2000,
        "mini_batch_size": None,
    },
    "2-layer [12288, 7, 1]": {
        "hidden": (7,),
        "optimizer": "gd",
        "learning_rate": 0.0075,
        "num_epochs": 2500,
        "mini_batch_size": None,
    },
    "4-layer [12288, 20, 7, 5, 1]": {
        "hidden": (20, 7, 5),
        "optimizer": "gd",
        "learning_rate": 0.0075,
        "num_epochs": 3000,
        "mini_batch_size": None,
    },
}


def mirror_tta(X):
    """Test-time augmentation of the protocol: each image's mirror image."""
    return augmentation.mirror_images(X)


def load_data(data_dir=None, dtype=np.float32):
    """The cat images as the network reads them: ``X_train (12288, 209)``, ``Y_train``,
    ``X_test (12288, 50)``, ``Y_test``, pixels scaled to [0, 1], and the class names."""
    train_x, train_y, test_x, test_y, classes = cat_data.load_cat_data(data_dir)
    X_train = cat_data.flatten_and_scale(train_x, dtype)
    X_test = cat_data.flatten_and_scale(test_x, dtype)
    return X_train, train_y, X_test, test_y, classes


def check_settings(settings):
    """``settings`` must hold every key of :data:`SEARCH_SETTINGS`."""
    if not isinstance(settings, dict):
        raise TypeError(f"settings must be a dict like SEARCH_SETTINGS, got {settings!r}")
    missing = [key for key in SEARCH_SETTINGS if key not in settings]
    if missing:
        raise ValueError(f"settings is missing {missing} (see cat_experiment.SEARCH_SETTINGS)")
    return settings


def search_splits(Y, settings=SEARCH_SETTINGS):
    """The folds every configuration and baseline is scored on."""
    check_settings(settings)
    return ms.repeated_stratified_k_folds(
        Y, k=settings["folds"], repeats=settings["repeats"], seed=settings["seed"]
    )


def run_search(X, Y, settings=SEARCH_SETTINGS, space=None, verbose=False):
    """The seeded random search of the protocol, on training data only (no refit)."""
    check_settings(settings)
    return ms.random_search(
        X,
        Y,
        n_trials=settings["n_trials"],
        space=CAT_SEARCH_SPACE if space is None else space,
        cv=settings["folds"],
        repeats=settings["repeats"],
        metric=settings["metric"],
        tta=protocol_tta(settings),
        seed=settings["seed"],
        refit=False,
        dtype=np.dtype(settings["dtype"]),
        verbose=verbose,
    )


def score_baselines(X, Y, settings=SEARCH_SETTINGS):
    """Every baseline's CV scores on the folds of the search, predicted as the trials are (with
    the protocol's test-time augmentation); the majority class first."""
    splits = search_splits(Y, settings)
    scores = {"majority class": ms.majority_baseline(Y, splits)}
    for name, config in BASELINES.items():
        scores[name] = ms.cross_validate(
            X, Y, config, splits, seed=settings["seed"], tta=protocol_tta(settings),
            dtype=np.dtype(settings["dtype"]),
        )  # fmt: skip
    return scores


def protocol_tta(settings=SEARCH_SETTINGS):
    """The test-time augmentation the protocol predicts with: mirror images, or none."""
    return mirror_tta if settings["tta"] == "mirror" else None


def fold_size(m, settings=SEARCH_SETTINGS):
    """How many training images a CV fold trains on: ``m (k - 1) / k``."""
    m = nn.check_number(m, "m", 2, integer=True)
    folds = nn.check_number(check_settings(settings)["folds"], "settings['folds']", 2, integer=True)
    return m * (folds - 1) / folds


def final_configuration(record=None, m=209):
    """The chosen configuration, matched for training on all ``m`` training images."""
    record = load_search_record() if record is None else record
    if not isinstance(record, dict) or not {"chosen", "settings"} <= set(record):
        raise ValueError("record must be a search record, with 'chosen' and 'settings'")
    return ms.matched_refit(record["chosen"], fold_size(m, record["settings"]), m)


def train_final_model(X, Y, seed=0, config=None, dtype=np.float32, **kwargs):
    """The final model: the (matched) chosen configuration trained on all of ``X, Y``."""
    config = final_configuration(m=X.shape[1]) if config is None else config
    return ms.train_configuration(X, Y, config, seed=seed, dtype=dtype, **kwargs)


# --------------------------------------------------------------------------------------------
# The search record: docs/cat_search.json
# --------------------------------------------------------------------------------------------


def jsonable(value):
    """Tuples to lists and NumPy scalars to Python numbers, for JSON."""
    if isinstance(value, dict):
        return {key: jsonable(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def search_record(search, baselines, settings, seconds):
    """What ``make search`` commits: every trial in the order it ran, the chosen one, and the
    baselines, with the settings that reproduce them."""
    best = search["trials"][0]
    return jsonable(
        {
            "what": "random search of cat_experiment.CAT_SEARCH_SPACE, scored by repeated "
            "stratified CV on the 209 training images (test images not used)",
            "settings": settings,
            "chosen_trial": best["trial"],
            "chosen": search["best_config"],
            "trials": sorted(search["trials"], key=lambda t: t["trial"]),
            "baselines": baselines,
            "seconds": seconds,
            "machine": f"{_cpu_name()}, NumPy {np.__version__}",
        }
    )


def _cpu_name():
    """The CPU's model name (BLAS rounding, and so the last digits of a run, depend on it)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def write_search_record(record, path=SEARCH_FILE):
    """Write the record as JSON (NaN scores as null, as :func:`jsonable` makes them)."""
    Path(path).write_text(json.dumps(jsonable(record), indent=1, allow_nan=False) + "\n")


def load_search_record(path=SEARCH_FILE):
    """The committed search record, as the search returned it: NaN scores (rejected trials)
    back as NaN, and hidden layer sizes as tuples."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no search record at '{path}' (make search writes it)")
    try:
        record = json.loads(path.read_text())
        trials = record["trials"]
        missing = [key for key in ("settings", "chosen", "chosen_trial") if key not in record]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"'{path}' is not a search record: {error}") from None
    if missing:
        raise ValueError(f"'{path}' is not a search record: it has no {missing}")
    for trial in trials:
        for key in [k for k in trial if k in ms.METRICS or k.endswith("_se")]:
            trial[key] = float("nan") if trial[key] is None else trial[key]
        trial["hidden"] = tuple(trial["hidden"])
    record["chosen"]["hidden"] = tuple(record["chosen"]["hidden"])
    return record


def search_and_record(data_dir=None, settings=SEARCH_SETTINGS, path=SEARCH_FILE, verbose=True):
    """Run the search and the baselines on the training images and write the record."""
    X, Y, *_ = load_data(data_dir, np.dtype(settings["dtype"]))
    start = time.perf_counter()
    search = run_search(X, Y, settings, verbose=verbose)
    baselines = score_baselines(X, Y, settings)
    record = search_record(search, baselines, settings, time.perf_counter() - start)
    write_search_record(record, path)
    return record


def final_test_scores(members, X_test, Y_test):
    """Test scores of each member (with the protocol's mirror TTA) and of their ensemble, with
    and without TTA: a dict of ``model_selection`` score dicts plus Wilson intervals."""
    per_seed = [ms.evaluate(X_test, Y_test, p, tta=mirror_tta) for p in members]
    ensemble = {
        name: ms.scores_from_probabilities(Y_test, ms.ensemble_proba(X_test, members, tta=tta))
        for name, tta in (("with mirror TTA", mirror_tta), ("without TTA", None))
    }
    m = Y_test.shape[1]
    interval = [ms.wilson_interval(round(s["accuracy"] * m), m) for s in per_seed]
    return {"per_seed": per_seed, "intervals": interval, "ensemble": ensemble}
