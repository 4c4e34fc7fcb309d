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
import os
import platform
import secrets
import time
from pathlib import Path

import numpy as np

import augmentation
import cat_data
import model_selection as ms
import validation

ROOT = Path(__file__).resolve().parent
SEARCH_FILE = ROOT / "docs" / "cat_search.json"
MAX_EXAMPLES = 10**15  # beyond, a float cannot count examples one by one

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
    dtype = validation.check_dtype(dtype)
    _check_data_dir(data_dir)
    train_x, train_y, test_x, test_y, classes = cat_data.load_cat_data(data_dir)
    X_train = cat_data.flatten_and_scale(train_x, dtype)
    X_test = cat_data.flatten_and_scale(test_x, dtype)
    return X_train, train_y, X_test, test_y, classes


def _check_data_dir(data_dir):
    """None (``datasets/`` or ``$CAT_DATA_DIR``: see ``cat_data.find_data_dir``) or a path."""
    if data_dir is not None:
        validation.check_path(data_dir, "data_dir")


def check_settings(settings):
    """``settings`` must hold every key of :data:`SEARCH_SETTINGS`, each of its kind: counts
    ``n_trials >= 1``, ``folds >= 2``, ``repeats >= 1``, ``seed >= 0``; a ``metric`` of
    ``model_selection.METRICS``; ``tta`` "mirror" or None; ``dtype`` "float32" or "float64"."""
    return _check_settings(settings, "settings")


def _check_settings(settings, name):
    """:func:`check_settings` of ``settings`` that a message calls ``name``."""
    validation.check_dict(
        settings, name, SEARCH_SETTINGS, what="a dict like SEARCH_SETTINGS",
        note=" (see cat_experiment.SEARCH_SETTINGS)",
    )  # fmt: skip
    for key, low in (("n_trials", 1), ("folds", 2), ("repeats", 1), ("seed", 0)):
        validation.check_number(settings[key], f"{name}['{key}']", low, integer=True)
    validation.check_choice(settings["metric"], f"{name}['metric']", tuple(ms.METRICS))
    validation.check_choice(settings["tta"], f"{name}['tta']", ("mirror", None))
    validation.check_choice(settings["dtype"], f"{name}['dtype']", ("float32", "float64"))
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
    verbose = validation.check_flag(verbose, "verbose")
    if space is not None:
        validation.check_dict(space, "space", what="a dict of choices like CAT_SEARCH_SPACE")
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
    check_settings(settings)
    X = validation.check_X(X)  # before the first baseline, not after it
    Y = validation.check_Y(Y, m=X.shape[1], dtype=None)
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
    return mirror_tta if check_settings(settings)["tta"] == "mirror" else None


def fold_size(m, settings=SEARCH_SETTINGS):
    """How many training images a CV fold trains on: ``m (k - 1) / k``."""
    m = validation.check_number(m, "m", 2, MAX_EXAMPLES, integer=True)
    folds = int(check_settings(settings)["folds"])
    return m * (folds - 1) / folds


def final_configuration(record=None, m=209):
    """The chosen configuration, matched for training on all ``m`` training images."""
    # SEARCH_FILE read when called (load_search_record's default is bound at definition), so
    # that a test or a tool can point it elsewhere.
    record = load_search_record(SEARCH_FILE) if record is None else _check_record(record, "record")
    m = validation.check_number(m, "m", 2, MAX_EXAMPLES, integer=True)
    return validation.check_part(
        ms.matched_refit, record["chosen"], "record['chosen']", fold_size(m, record["settings"]), m
    )


def train_final_model(X, Y, seed=0, config=None, dtype=np.float32, **kwargs):
    """The final model: the (matched) chosen configuration trained on all of ``X, Y``."""
    X, Y, dtype = _check_training_set(X, Y, seed, dtype)
    config = final_configuration(m=X.shape[1]) if config is None else ms.check_configuration(config)
    return ms.train_configuration(X, Y, config, seed=seed, dtype=dtype, **kwargs)


def _check_training_set(X, Y, seed, dtype):
    """``X (n_x, m)``, ``Y (1, m)``, ``seed`` and ``dtype``, checked before the record's
    configuration is matched to ``m`` (of ``seed``, only that it is no array: model() checks
    the rest, and takes a Generator too). Returns ``X, Y, dtype``."""
    X = validation.check_X(X)
    Y = validation.check_Y(Y, m=X.shape[1], dtype=None)
    validation.check_scalar(seed, "seed", "an integer >= 0 or a numpy.random.Generator")
    return X, Y, validation.check_dtype(dtype)


def final_test_scores(members, X_test, Y_test):
    """Test scores of each member (with the protocol's mirror TTA) and of their ensemble, with
    and without TTA: a dict of ``model_selection`` score dicts plus Wilson intervals."""
    X_test, Y_test = _check_test_set(members, X_test, Y_test)
    per_seed = [ms.evaluate(X_test, Y_test, p, tta=mirror_tta) for p in members]
    ensemble = {
        name: ms.scores_from_probabilities(Y_test, ms.ensemble_proba(X_test, members, tta=tta))
        for name, tta in (("with mirror TTA", mirror_tta), ("without TTA", None))
    }
    m = Y_test.shape[1]
    interval = [ms.wilson_interval(round(s["accuracy"] * m), m) for s in per_seed]
    return {"per_seed": per_seed, "intervals": interval, "ensemble": ensemble}


def _check_test_set(members, X_test, Y_test):
    """``members``: networks of the cat images' 12288 inputs (mirror TTA flips 64x64x3 images);
    ``X_test (12288, m)`` and ``Y_test (1, m)``. Returns ``X_test, Y_test``."""
    if not isinstance(members, (list, tuple)) or not members:
        shown = validation.describe(members)
        raise TypeError(f"members must be a non-empty list of parameters dicts, got {shown}")
    n_x = int(np.prod(augmentation.IMAGE_SHAPE))
    for i, parameters in enumerate(members):
        dims = validation.check_network(parameters, f"members[{i}]")
        if dims[0] != n_x:
            raise ValueError(f"members[{i}] takes {dims[0]} inputs, not the {n_x} of a cat image")
    X_test = validation.check_X(X_test, n_x=n_x, name="X_test")
    return X_test, validation.check_Y(Y_test, m=X_test.shape[1], name="Y_test", dtype=None)


# --------------------------------------------------------------------------------------------
# The search record: docs/cat_search.json
# --------------------------------------------------------------------------------------------

RECORD_KEYS = ("settings", "chosen", "chosen_trial", "trials")  # what a record cannot lack


def jsonable(value, name="value"):
    """Tuples to lists, NumPy scalars to Python numbers, and NaN or infinities to None, for JSON.

    Anything else JSON cannot hold (an array, an object, a dict key that is not a str) is a
    TypeError naming where it is: ``value['trials'][3]['hidden']``.
    """
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"{name} has the key {validation.describe(key)}: JSON keys are str")
        return {key: jsonable(v, f"{name}[{key!r}]") for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, f"{name}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, np.generic):
        return jsonable(value.item(), name)
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float)):  # bool is an int
        return value
    raise TypeError(f"{name} cannot be written as JSON: got {validation.describe(value)}")


def search_record(search, baselines, settings, seconds):
    """What ``make search`` commits: every trial in the order it ran, the chosen one, and the
    baselines, with the settings that reproduce them."""
    _check_search(search)
    _check_baselines(baselines, "baselines")
    check_settings(settings)
    seconds = validation.check_number(seconds, "seconds", 0.0)
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


def _check_search(search):
    """``search`` as ``model_selection.random_search`` returns it: ranked ``trials`` (the best
    first), numbered 0, 1, ... in the order they ran, and the ``best_config``."""
    what = "the dict random_search returns"
    validation.check_dict(search, "search", ("trials", "best_config"), what=what)
    trials = validation.check_trials(
        search["trials"], "search['trials']", tuple(ms.METRICS), keys=("trial",)
    )
    numbers = [trial["trial"] for trial in trials]
    if not all(type(n) is int for n in numbers) or sorted(numbers) != list(range(len(trials))):
        raise ValueError(f"search['trials'] must be numbered 0 to {len(trials) - 1} by 'trial'")
    validation.check_part(ms.check_configuration, search["best_config"], "search['best_config']")


def _check_baselines(baselines, name):
    """``baselines``: a dict of score dicts, keyed by the baseline's name."""
    validation.check_dict(baselines, name, what="a dict of {name: scores}")
    for key, scores in baselines.items():
        if not isinstance(key, str) or not isinstance(scores, dict):
            raise TypeError(f"{name} must map names (str) to score dicts, as cross_validate gives")


def _cpu_name():
    """The CPU's model name (BLAS rounding, and so the last digits of a run, depend on it)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _check_record(record, name):
    """``record`` must be a search record as :func:`search_record` makes it (or JSON gives it
    back): the settings, the chosen configuration, its trial's number, every trial numbered in
    order; and baselines, if there, a dict of score dicts. Returns ``record``."""
    what = "a search record (a dict with 'settings', 'chosen', 'chosen_trial' and 'trials')"
    validation.check_dict(record, name, RECORD_KEYS, what=what)
    _check_settings(record["settings"], f"{name}['settings']")
    validation.check_part(ms.check_configuration, record["chosen"], f"{name}['chosen']")
    trials = validation.check_trials(
        record["trials"], f"{name}['trials']", tuple(ms.METRICS), keys=("trial",)
    )
    last = len(trials) - 1
    validation.check_number(
        record["chosen_trial"], f"{name}['chosen_trial']", 0, last, integer=True
    )
    for i, trial in enumerate(trials):
        _check_record_trial(trial, i, f"{name}['trials'][{i}]")
    if "baselines" in record:
        _check_baselines(record["baselines"], f"{name}['baselines']")
    return record


def _check_record_trial(trial, i, where):
    """A trial of a record: its number ``i`` (the list is in the order the trials ran), its
    ``hidden`` sizes and ``fold_scores``, if there, a list of sizes and a list of dicts."""
    if type(trial["trial"]) is not int or trial["trial"] != i:
        shown = validation.describe(trial["trial"])
        raise ValueError(
            f"{where}['trial'] must be {i} (trials in the order they ran), got {shown}"
        )
    hidden = trial.get("hidden", ())
    if not isinstance(hidden, (list, tuple)) or not all(type(n) is int and n >= 1 for n in hidden):
        shown = validation.describe(hidden)
        raise ValueError(f"{where}['hidden'] must be a list of layer sizes, got {shown}")
    folds = trial.get("fold_scores", [])
    if not isinstance(folds, list) or not all(isinstance(s, dict) for s in folds):
        raise ValueError(f"{where}['fold_scores'] must be a list of score dicts")


def write_search_record(record, path):
    """Write ``record`` (as :func:`search_record` makes it) to ``path`` as JSON, NaN scores as
    null (see :func:`jsonable`).

    There is no default path: the committed record is rewritten only when asked for by name
    (``make search`` passes ``docs/cat_search.json``). What is not a record is refused before
    anything is written, and the file is replaced atomically: a temporary file in the same
    directory, renamed over ``path`` once complete, so a failed write leaves the old file whole.
    """
    path = _check_output_path(path)
    _check_record(record, "record")
    text = json.dumps(jsonable(record, "record"), indent=1, allow_nan=False) + "\n"
    _replace(path, text)


def _check_output_path(path, name="path"):
    """``path`` as a Path: a file (new or not) in a directory that exists."""
    path = validation.check_path(path, name)
    if path.is_dir() or not path.parent.is_dir():
        raise ValueError(f"{name} must name a file in an existing directory, got '{path}'")
    return path


def _replace(path, text):
    """Write ``text`` to a new file next to ``path``, then rename it to ``path``: a reader, or a
    crash, sees the old file or the new one, never half of one."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8") as file:  # "x": never someone else's file
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def load_search_record(path=SEARCH_FILE):
    """The committed search record, as the search returned it: NaN scores (rejected trials)
    back as NaN, and hidden layer sizes as tuples."""
    path = validation.check_path(path, "path")
    if not path.is_file():
        raise FileNotFoundError(f"no search record at '{path}' (make search writes it)")
    try:  # JSON's and UnicodeDecodeError are ValueErrors too
        record = _check_record(json.loads(path.read_text()), "record")
    except (ValueError, TypeError) as error:
        raise ValueError(f"'{path}' is not a search record: {error}") from None
    for trial in record["trials"]:
        for key in [k for k in trial if k in ms.METRICS or k.endswith("_se")]:
            trial[key] = float("nan") if trial[key] is None else trial[key]
        if "hidden" in trial:
            trial["hidden"] = tuple(trial["hidden"])
    if "hidden" in record["chosen"]:
        record["chosen"]["hidden"] = tuple(record["chosen"]["hidden"])
    return record


def _check_search_arguments(data_dir, settings, path, verbose):
    """The arguments of :func:`search_and_record`; returns ``path`` (a Path) and ``verbose``."""
    path = _check_output_path(path)
    check_settings(settings)
    _check_data_dir(data_dir)
    return path, validation.check_flag(verbose, "verbose")


def search_and_record(data_dir=None, settings=SEARCH_SETTINGS, *, path, verbose=True):
    """Run the search and the baselines on the training images and write the record to
    ``path`` (required: ``make search`` passes ``docs/cat_search.json``). Every argument is
    checked before the search starts, not minutes into it."""
    path, verbose = _check_search_arguments(data_dir, settings, path, verbose)
    X, Y, *_ = load_data(data_dir, np.dtype(settings["dtype"]))
    start = time.perf_counter()
    search = run_search(X, Y, settings, verbose=verbose)
    baselines = score_baselines(X, Y, settings)
    record = search_record(search, baselines, settings, time.perf_counter() - start)
    write_search_record(record, path)
    return record
