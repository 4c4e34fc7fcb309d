"""Choosing a model honestly: metrics, stratified folds, cross-validation and random search.

A choice made by looking at some data is a fit to that data: the only honest score of the final
model is on data that played no part in any choice. So everything here works on the *training*
set alone, and splits it again:

* the scores come from ``metrics`` (accuracy, balanced accuracy, log-loss, confusion matrix,
  Wilson interval), all importable from here too;
* folds: a stratified dev split, and (repeated) stratified k-fold cross-validation;
* :func:`train_configuration`: one configuration, a dict of ``model()`` arguments plus the
  pipeline choices ``hidden``, ``standardize`` and ``augment``, trained so that preprocessing is
  fitted and augmentation applied on the training part only;
* :func:`cross_validate` and :func:`random_search`, which score configurations on held-out folds
  and show every trial.
"""

import math
import time

import numpy as np

import augmentation
import neural_net_optimized as nno
import neural_network as nn
import validation
from metrics import (  # noqa: F401  (the metrics' home is metrics.py; public here too)
    MAX_CONFUSION_CLASSES,
    accuracy,
    balanced_accuracy,
    confusion_counts,
    confusion_matrix,
    ensemble_proba,
    evaluate,
    log_loss,
    mean_and_standard_error,
    recall_per_class,
    scores_from_probabilities,
    wilson_interval,
)

# --------------------------------------------------------------------------------------------
# Holding data out: a dev split and stratified folds
# --------------------------------------------------------------------------------------------


def _check_labels(Y, name="Y", m=None):
    """``Y`` as it is, ``(1, m)`` class labels or one-hot ``(K, m)``, kept in its own dtype."""
    return validation.check_Y(Y, m=m, name=name, dtype=None, num_classes=None)


def _check_examples(X, Y):
    """``X: (n_x, m)`` and ``Y: (1, m)`` or ``(K, m)`` with the same ``m``, or a ValueError."""
    Y = _check_labels(Y)
    validation.check_X(X)  # real, finite, 2-D; the split keeps X's own dtype
    X = np.asarray(X)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"X and Y should have one column per example, got X {X.shape} and Y {Y.shape}."
        )
    return X, Y


def _check_seed(seed, name="seed"):
    return validation.check_number(seed, name, 0, integer=True)


def _shuffled_class_members(Y, seed):
    """The example indices of each class (0, 1, ...), each group shuffled with ``seed``.

    The one place where the random, class-by-class assignment of both :func:`train_dev_split`
    and :func:`stratified_k_folds` is made, so the two agree on "stratified" and "seeded".
    """
    labels = validation.check_class_labels(Y)[0]
    rng = np.random.default_rng(seed)
    return [rng.permutation(np.flatnonzero(labels == c)) for c in np.unique(labels)]


def _dev_count(class_size, dev_fraction):
    """How many examples of a class of ``class_size`` go to the dev set.

    ``round(dev_fraction * class_size)`` (halves rounded up), but at least 1 so every class
    with two or more examples is represented in dev, and at most ``class_size - 1`` so every
    class keeps at least one training example. A one-example class stays in training.
    """
    n_dev = int(np.floor(dev_fraction * class_size + 0.5))
    return min(max(n_dev, 1), class_size - 1)


def train_dev_split(X, Y, dev_fraction=0.2, seed=0):
    """Hold out a stratified, random dev set.

    Each class is split in the same proportion, so a dev set cut from data that is one third
    cats is also about one third cats; a small dev set could otherwise be lopsided by chance.

    Args:
        X: ``(n_x, m)`` examples, one per column; Y: ``(1, m)`` labels or one-hot ``(K, m)``.
        dev_fraction: share of each class to hold out, strictly between 0 and 1 (the count of a
            class is rounded as in :func:`_dev_count`).
        seed: the same seed gives the same split.

    Returns:
        ``X_train, Y_train, X_dev, Y_dev``: new C-contiguous arrays, the columns in their
        original relative order. The inputs are not modified.
    """
    X, Y = _check_examples(X, Y)
    dev_fraction = validation.check_number(
        dev_fraction, "dev_fraction", 0.0, 1.0, low_open=True, high_open=True
    )
    groups = _shuffled_class_members(Y, _check_seed(seed))
    dev_idx = np.sort(np.concatenate([g[: _dev_count(len(g), dev_fraction)] for g in groups]))
    if dev_idx.size == 0:
        raise ValueError(
            f"Y has {Y.shape[1]} example(s) and no class with two or more, "
            "so there is nothing to hold out for the dev set."
        )
    train_idx = np.setdiff1d(np.arange(Y.shape[1]), dev_idx)
    return tuple(np.ascontiguousarray(A[:, idx]) for idx in (train_idx, dev_idx) for A in (X, Y))


def stratified_k_folds(Y, k=5, seed=0):
    """Split the examples into ``k`` stratified folds for cross-validation.

    The shuffled examples of each class are dealt out to the folds like cards, one at a time
    and carrying on from where the previous class stopped. So each class is spread as evenly
    as it can be (per-fold counts differ by at most one), and so are the fold sizes.

    Returns:
        a list of ``k`` pairs ``(train_idx, dev_idx)`` of sorted int arrays of column indices;
        every example is in exactly one ``dev_idx``.
    """
    Y = _check_labels(Y)
    m = Y.shape[1]
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)) or not 2 <= k <= m:
        shown = validation.describe(k)
        raise ValueError(f"k should be an integer with 2 <= k <= m = {m}, got {shown}.")
    order = np.concatenate(_shuffled_class_members(Y, _check_seed(seed)))
    fold_of = np.empty(m, dtype=np.intp)
    fold_of[order] = np.arange(m) % k
    return [(np.flatnonzero(fold_of != i), np.flatnonzero(fold_of == i)) for i in range(k)]


def repeated_stratified_k_folds(Y, k=4, repeats=3, seed=0):
    """``repeats`` independent stratified ``k``-fold splits, one after the other.

    One k-fold split of 209 images is one draw of which images are tested together; repeating
    it with other shuffles averages that luck away. Repeat ``r`` uses the seed ``seed + r``.

    Returns:
        a list of ``k * repeats`` ``(train_idx, dev_idx)`` pairs.
    """
    repeats = validation.check_number(repeats, "repeats", 1, integer=True)
    seed = _check_seed(seed)
    return [split for r in range(repeats) for split in stratified_k_folds(Y, k, seed + r)]


# --------------------------------------------------------------------------------------------
# One configuration: preprocessing fitted, and augmentation applied, on training data only
# --------------------------------------------------------------------------------------------

PIPELINE_KEYS = ("hidden", "standardize", "augment", "shift_copies", "max_shift")


# Set by the functions that train a configuration, not by the configuration itself.
_SET_BY_CALLER = ("seed", "dtype", "X_dev", "Y_dev")


def check_configuration(config):
    """Return a copy of ``config`` with ``hidden`` as a tuple, or raise naming the bad entry.

    A configuration holds ``model()``'s keyword arguments (but ``seed``, ``dtype`` and the dev
    set, which the caller gives) plus ``hidden`` (hidden layer sizes), ``standardize`` (None,
    ``"feature"`` or ``"channel"``), ``augment`` (a name, see :mod:`augmentation`) and, for its
    ``"shifts"``, ``shift_copies`` and ``max_shift``. ``model()`` checks the rest when it trains.
    """
    validation.check_dict(config, "config", what="a dict of model() arguments")
    allowed = (
        *PIPELINE_KEYS,
        *(k for k in nno.MODEL_OPTIONS if k not in (*_SET_BY_CALLER, *PIPELINE_KEYS)),
    )
    config = dict(validation.check_keys(config, "config", allowed))
    hidden = config.get("hidden", ())
    if not isinstance(hidden, (list, tuple)):
        shown = validation.describe(hidden)
        raise TypeError(f"config['hidden'] must be a tuple of layer sizes, got {shown}")
    config["hidden"] = tuple(
        validation.check_number(n, f"config['hidden'][{i}]", 1, integer=True)
        for i, n in enumerate(hidden)
    )
    standardize = config.get("standardize")
    if standardize is not None and not (isinstance(standardize, str) and standardize in PER):
        shown = validation.describe(standardize)
        raise ValueError(f"config['standardize'] must be None, 'feature' or 'channel', got {shown}")
    if "augment" in config:
        _check_augment(config["augment"], "config['augment']")
    for key in ("shift_copies", "max_shift"):
        if key in config:
            config[key] = validation.check_number(config[key], f"config['{key}']", 0, integer=True)
    return config


PER = nn.STANDARDIZE_PER  # what a standardizer fits one statistic per: "feature" or "channel"


def _check_augment(augment, name="augment"):
    """A named augmentation (see :mod:`augmentation`); not an array, whose contents
    ``augmentation_steps`` would quote."""
    if not isinstance(augment, str):
        shown = validation.describe(augment)
        raise TypeError(f"{name} must be a name such as 'flips+shifts+balance', got {shown}")
    return augmentation.augmentation_steps(augment)


def _augment(X, Y, augment, seed, shifts):
    """Apply ``augment``: a name (see :mod:`augmentation`), a function, or None."""
    if augment is None:
        return X, Y
    if callable(augment):
        return augment(X, Y)
    return augmentation.augment(X, Y, augment, seed=seed, **shifts)


def output_units(Y):
    """The number of output units a network needs for the labels ``Y``: 1 (a sigmoid) for labels
    0/1, K (a softmax) for labels ``0..K-1`` with ``K > 2`` or one-hot ``(K, m)``."""
    Y = _check_labels(Y)
    if Y.shape[0] > 1:
        return Y.shape[0]
    largest = int(Y.max())
    return 1 if largest <= 1 else largest + 1


def train_configuration(X, Y, config, *, seed=0, augment=None, num_classes=None, **kwargs):
    """Train ``model()`` with a configuration (see :func:`check_configuration`).

    In order: the standardizer is fitted on ``X`` as given (``config["standardize"]``), the
    training set is augmented (``config["augment"]``, or the ``augment`` argument: a name or a
    function ``(X, Y) -> (X, Y)``), and ``model()`` trains ``[n_x, *hidden, K]`` on the result,
    with ``K = num_classes`` or, if None, :func:`output_units` of ``Y`` (1 for labels 0/1). The
    returned parameters hold the standardizer, so they predict on inputs like ``X``.

    Returns:
        ``(parameters, history)`` of ``model()``.
    """
    config = check_configuration(config)
    validation.check_scalar(seed, "seed", "an integer >= 0 or a numpy.random.Generator")
    if augment is not None and "augment" in config:
        raise ValueError("give augment in config or as an argument, not both")
    both = [key for key in kwargs if key in config]
    if both:
        raise ValueError(f"{both} given both in config and as arguments: give each once")
    if augment is not None and not callable(augment):
        _check_augment(augment)
    hidden, per = config.pop("hidden"), config.pop("standardize", None)
    augment = config.pop("augment", augment)
    shifts = {key: config.pop(key) for key in ("shift_copies", "max_shift") if key in config}
    X = validation.check_X(X)
    if num_classes is None:
        num_classes = output_units(Y)
    num_classes = validation.check_number(num_classes, "num_classes", 1, integer=True)
    stats = nn.fit_standardizer(X, per=per) if per is not None else None
    X_fit, Y_fit = _augment(X, Y, augment, seed, shifts)
    layers_dims = [X.shape[0], *hidden, num_classes]
    return nno.model(X_fit, Y_fit, layers_dims, seed=seed, standardize=stats, **config, **kwargs)


def matched_refit(config, fold_size, full_size):
    """The configuration to retrain on all ``full_size`` examples after CV on ``fold_size``.

    Cross-validation scored a network trained on fewer examples. Two things change with ``m``:

    * the L2 term ``lambd / (2m) ||W||^2`` weakens as ``m`` grows, so ``lambd`` is scaled by
      ``full_size / fold_size`` to keep ``lambd / m``, the pull on each weight, the same;
    * an epoch has more mini-batches, so ``num_epochs`` is scaled by ``fold_size / full_size``
      (rounded, at least 1) to keep the number of updates about the same. A full-batch run
      (``mini_batch_size=None``) keeps its epochs: one update each.
    """
    config = check_configuration(config)
    full_size = validation.check_number(full_size, "full_size", 1)
    ratio = full_size / validation.check_number(fold_size, "fold_size", 1)
    lambd = validation.check_lambd(
        validation.check_scalar(config.get("lambd", 0.0), "lambd", "a number")
    )
    epochs = config.get("num_epochs", 100)
    epochs = validation.check_number(epochs, "num_epochs", 1, integer=True)
    config["lambd"] = lambd * ratio
    batch = config.get("mini_batch_size", 64)
    batch = validation.check_scalar(batch, "mini_batch_size", "a positive integer or None")
    if validation.check_mini_batch_size(batch) is not None:
        config["num_epochs"] = max(1, round(epochs / ratio))
    return config


# --------------------------------------------------------------------------------------------
# Cross-validation
# --------------------------------------------------------------------------------------------

METRICS = {"log_loss": False, "balanced_accuracy": True, "accuracy": True}  # higher is better?


def _summarise(fold_scores):
    """The mean and standard error of every metric over the folds."""
    summary = {}
    for metric in METRICS:
        mean, standard_error = mean_and_standard_error([s[metric] for s in fold_scores])
        summary[metric], summary[f"{metric}_se"] = mean, standard_error
    return summary


def check_splits(splits, m):
    """``splits`` must be a non-empty list of ``(train_idx, dev_idx)`` pairs of integer index
    arrays into ``range(m)``, each part non-empty and the two disjoint."""
    m = validation.check_number(m, "m", 1, integer=True)
    if not isinstance(splits, (list, tuple)) or not splits:
        raise TypeError("splits must be a non-empty list of (train_idx, dev_idx) pairs")
    checked = []
    for i, split in enumerate(splits):
        if not (isinstance(split, (list, tuple)) and len(split) == 2):
            raise TypeError(f"splits[{i}] must be a pair (train_idx, dev_idx)")
        parts = [validation.check_real_array(part, f"splits[{i}]") for part in split]
        for part in parts:
            if part.ndim != 1 or part.size == 0 or part.dtype.kind not in "iu":
                raise ValueError(f"splits[{i}] must hold two non-empty 1-D integer index arrays")
            if part.min() < 0 or part.max() >= m:
                raise ValueError(f"splits[{i}] has indices outside 0..{m - 1} (m = {m})")
        if np.intersect1d(*parts).size:
            raise ValueError(f"splits[{i}] trains on examples it is scored on")
        checked.append(tuple(parts))
    return checked


def cross_validate(X, Y, config, splits, *, seed=0, augment=None, tta=None, dtype=None):
    """Score ``config`` on the held-out part of each split (see :func:`train_configuration`).

    For every ``(train_idx, dev_idx)`` in ``splits`` a network is trained on the training
    columns only (its standardizer fitted and its augmentation applied there) and scored on the
    held-out ones, with ``tta`` if given.

    Returns:
        a dict: ``fold_scores`` (one dict of scores per split), the mean of each metric and its
        standard error over the folds (``balanced_accuracy``, ``balanced_accuracy_se``, ...),
        and ``rejected``: None, or why the configuration is unusable (``"diverged"``, or
        ``"predicts a single class"`` on some fold), in which case the metrics are NaN.
    """
    X = validation.check_X(X)
    Y = _check_labels(Y, m=X.shape[1])
    splits = check_splits(splits, X.shape[1])
    config = check_configuration(config)
    _check_training_options(seed, augment, tta, dtype)
    options = dict(seed=seed, augment=augment, dtype=dtype, num_classes=output_units(Y))
    fold_scores = []
    for train_idx, dev_idx in splits:
        try:
            parameters, _ = train_configuration(X[:, train_idx], Y[:, train_idx], config, **options)
        except FloatingPointError:
            return {"fold_scores": fold_scores, **_rejected("diverged")}
        probabilities = nn.predict_proba(X[:, dev_idx], parameters, tta=tta, check_input=False)
        if len(np.unique(nn.probabilities_to_labels(probabilities))) < 2:
            return {"fold_scores": fold_scores, **_rejected("predicts a single class")}
        fold_scores.append(scores_from_probabilities(Y[:, dev_idx], probabilities))
    return {"fold_scores": fold_scores, **_summarise(fold_scores), "rejected": None}


def _check_training_options(seed, augment, tta, dtype):
    """What cross-validation passes on to every fold, checked before the first one trains."""
    validation.check_scalar(seed, "seed", "an integer >= 0 or a numpy.random.Generator")
    if augment is not None and not callable(augment):
        _check_augment(augment)
    validation.check_tta(tta)
    if dtype is not None:
        validation.check_dtype(dtype)


def _rejected(reason):
    return {**{key: math.nan for m in METRICS for key in (m, f"{m}_se")}, "rejected": reason}


def majority_baseline(Y, splits):
    """What "always answer the training part's majority class" scores on each split.

    It predicts the class shares of the training part as every example's probabilities (for
    two classes, the share of 1s): the floor any model must beat, in the same format as
    :func:`cross_validate`.
    """
    K = output_units(Y)
    labels = validation.check_class_labels(Y)
    fold_scores = []
    for train_idx, dev_idx in check_splits(splits, labels.shape[1]):
        counts = np.bincount(labels[0, train_idx], minlength=max(K, 2))
        shares = (counts[1:] if K == 1 else counts)[:, None] / len(train_idx)
        probabilities = np.repeat(shares, len(dev_idx), axis=1)
        fold_scores.append(scores_from_probabilities(labels[:, dev_idx], probabilities))
    return {"fold_scores": fold_scores, **_summarise(fold_scores), "rejected": None}


# --------------------------------------------------------------------------------------------
# Random search
# --------------------------------------------------------------------------------------------


def _log_uniform(low, high):
    """A sampler for values spread evenly in ``log(value)`` between ``low`` and ``high``."""
    return lambda rng, config: float(np.exp(rng.uniform(np.log(low), np.log(high))))


def learning_rate_for(ranges):
    """A learning-rate sampler whose log-uniform range depends on the optimiser already drawn:
    ``ranges = {"adam": (low, high), ...}`` with ``0 < low <= high``."""
    if not isinstance(ranges, dict) or not ranges:
        shown = validation.describe(ranges)
        raise TypeError(f"ranges must be a dict {{optimizer: (low, high)}}, got {shown}")
    for name, bounds in ranges.items():
        if not (isinstance(bounds, (list, tuple)) and len(bounds) == 2):
            shown = validation.describe(bounds)
            raise TypeError(f"ranges[{name!r}] must be a pair (low, high), got {shown}")
        low = validation.check_number(bounds[0], f"ranges[{name!r}][0]", 0.0, low_open=True)
        validation.check_number(bounds[1], f"ranges[{name!r}][1]", low)

    def sample(rng, config):
        if config.get("optimizer") not in ranges:
            raise ValueError(
                f"the learning-rate sampler has ranges for {tuple(ranges)}, but the drawn "
                f"optimizer is {validation.describe(config.get('optimizer'))} (draw 'optimizer' "
                "before it)"
            )
        low, high = ranges[config["optimizer"]]
        return _log_uniform(low, high)(rng, config)

    return sample


# Each entry is a list to choose from uniformly, or a function ``(rng, config_so_far) -> value``;
# entries are drawn in this order, so a function can depend on the ones before it.
DEFAULT_SEARCH_SPACE = {
    "hidden": [(7,), (16,), (20, 7, 5), (32, 8), (64, 16)],
    "optimizer": ["adam", "rmsprop", "momentum"],
    "learning_rate": learning_rate_for(
        {
            "gd": (3e-3, 3e-2),
            "momentum": (3e-3, 3e-2),
            "rmsprop": (5e-5, 2e-3),
            "adam": (5e-5, 2e-3),
        }
    ),
    "lambd": [0.0, 0.1, 0.5, 1.0, 3.0, 10.0],
    "keep_prob": [1.0, 1.0, 0.9, 0.8],
    "batch_norm": [False, True],
    "mini_batch_size": [16, 32, 64],
    "num_epochs": [20, 40, 80, 120],
}


def sample_configuration(space, rng):
    """Draw one configuration (a dict of ``model()`` arguments plus ``hidden``) from ``space``."""
    if not isinstance(space, dict) or not space:
        shown = validation.describe(space)
        raise TypeError(f"space must be a non-empty dict of choices, got {shown}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    config = {}
    for name, choices in space.items():
        if callable(choices):
            config[name] = choices(rng, config)
            continue
        if not isinstance(choices, (list, tuple, np.ndarray)) or not len(choices):
            raise ValueError(f"space[{name!r}] must be a non-empty list or a function")
        choice = choices[rng.integers(len(choices))]
        config[name] = choice.item() if isinstance(choice, np.generic) else choice
    return config


def _search_splits(X, Y, cv, repeats, X_dev, Y_dev, seed):
    """The data to score on and its splits: (repeated) stratified folds, or one dev split."""
    if (X_dev is None) != (Y_dev is None):
        raise ValueError("give both X_dev and Y_dev, or neither")
    if X_dev is None:
        return X, Y, repeated_stratified_k_folds(Y, k=cv, repeats=repeats, seed=seed)
    X_dev = validation.check_X(X_dev, n_x=X.shape[0], name="X_dev")
    Y_dev = _check_labels(Y_dev, "Y_dev", m=X_dev.shape[1])
    X_all = np.concatenate([X, X_dev.astype(X.dtype, copy=False)], axis=1)
    Y_all = np.concatenate([Y, Y_dev], axis=1)
    return X_all, Y_all, [(np.arange(X.shape[1]), np.arange(X.shape[1], X_all.shape[1]))]


def random_search(
    X,
    Y,
    *,
    n_trials=20,
    space=None,
    cv=5,
    repeats=1,
    X_dev=None,
    Y_dev=None,
    metric="log_loss",
    augment=None,
    tta=None,
    seed=0,
    refit=True,
    dtype=None,
    verbose=False,
):
    """Random search over configurations, scored by cross-validation or on a dev set.

    Each trial draws a configuration from ``space`` (default ``DEFAULT_SEARCH_SPACE``), and
    :func:`cross_validate` scores it on ``repeats`` stratified ``cv``-fold splits of ``(X, Y)``
    (or, given ``X_dev, Y_dev``, on that dev set). Trials that diverge or predict a single
    class on some fold are rejected; the rest are ranked by the mean of ``metric`` over the
    folds: ``"log_loss"`` (lowest first), ``"balanced_accuracy"`` or ``"accuracy"``.
    ``augment`` (a name or a function) and the space's ``standardize``/``augment`` entries are
    applied to the training part of each split only; ``tta`` is used when scoring.

    Returns:
        a dict: ``"trials"``, every trial, best first and rejected last (its configuration, the
        mean and standard error of each metric, ``fold_scores``, ``rejected``, ``seconds``);
        ``"best_config"``; and with ``refit``, ``"parameters"`` and ``"history"`` of the best
        configuration retrained on all of ``(X, Y)`` (with :func:`matched_refit` after CV).
    """
    validation.check_choice(metric, "metric", tuple(METRICS))
    n_trials = validation.check_number(n_trials, "n_trials", 1, integer=True)
    refit = validation.check_flag(refit, "refit")
    verbose = validation.check_flag(verbose, "verbose")
    X = validation.check_X(X)
    Y = _check_labels(Y, m=X.shape[1])
    if X_dev is None:  # k folds of m examples: 2 <= k <= m
        cv = validation.check_number(cv, "cv", 2, X.shape[1], integer=True, note=" (folds)")
        repeats = validation.check_number(repeats, "repeats", 1, integer=True)
    _check_training_options(seed, augment, tta, dtype)
    X_all, Y_all, splits = _search_splits(X, Y, cv, repeats, X_dev, Y_dev, _check_seed(seed))
    space = DEFAULT_SEARCH_SPACE if space is None else space
    options = {"seed": seed, "augment": augment, "tta": tta, "dtype": dtype}
    trials = _run_trials(X_all, Y_all, splits, space, n_trials, options, verbose)
    trials = rank_trials(trials, metric)
    best_config = {key: trials[0][key] for key in space}
    result = {"trials": trials, "best_config": best_config}
    if refit:
        fold_size = len(splits[0][0]) if X_dev is None else X.shape[1]
        refit_config = matched_refit(best_config, fold_size, X.shape[1])
        result["parameters"], result["history"] = train_configuration(
            X, Y, refit_config, seed=seed, augment=augment, dtype=dtype
        )
    return result


def _run_trials(X, Y, splits, space, n_trials, options, verbose):
    """Draw ``n_trials`` configurations from ``space`` (seeded) and cross-validate each."""
    rng = np.random.default_rng(options["seed"])
    trials = []
    for trial in range(n_trials):
        config = check_configuration(sample_configuration(space, rng))
        start = time.perf_counter()
        scores = cross_validate(X, Y, config, splits, **options)
        trials.append({"trial": trial, **config, **scores, "seconds": time.perf_counter() - start})
        if verbose:
            print(format_trials(trials[-1:], header=trial == 0), flush=True)
    return trials


def rank_trials(trials, metric):
    """The trials best first by their mean ``metric``, rejected ones last; raises RuntimeError
    when every trial was rejected."""
    validation.check_choice(metric, "metric", tuple(METRICS))
    validation.check_trials(trials, "trials", (metric,))
    sign = -1.0 if METRICS[metric] else 1.0

    def rank(trial):  # a rejected trial's score (NaN, or None read back from JSON) has no say
        rejected = trial["rejected"] is not None
        return rejected, 0.0 if rejected else sign * trial[metric]

    ranked = sorted(trials, key=rank)
    if ranked[0]["rejected"] is not None:
        raise RuntimeError("every configuration was rejected; widen the search space")
    return ranked


_TRIAL_COLUMNS = (  # (key, title, width, format)
    ("trial", "trial", 5, "{:>5}"),
    ("hidden", "hidden", 8, "{:>8}"),
    ("optimizer", "optimizer", 9, "{:>9}"),
    ("learning_rate", "lr", 8, "{:>8.2e}"),
    ("lambd", "lambd", 5, "{:>5g}"),
    ("keep_prob", "keep", 4, "{:>4g}"),
    ("batch_norm", "bn", 5, "{!s:>5}"),
    ("mini_batch_size", "batch", 5, "{!s:>5}"),
    ("num_epochs", "epochs", 6, "{:>6}"),
    ("standardize", "std", 7, "{!s:>7}"),
    ("augment", "augment", 20, "{:>20}"),
    ("log_loss", "logloss", 7, "{:>7.4f}"),
    ("balanced_accuracy", "bal_acc", 7, "{:>7.3f}"),
    ("balanced_accuracy_se", "+/-se", 5, "{:>5.3f}"),
    ("accuracy", "acc", 5, "{:>5.3f}"),
    ("rejected", "rejected", 8, "{!s:>8}"),
)


def format_trials(trials, top=None, header=True):
    """Render search trials as a plain-text table (the first ``top`` rows).

    A column that no trial has (a setting the search space did not vary) is left out.
    """
    if not isinstance(trials, list) or not all(isinstance(t, dict) for t in trials):
        raise TypeError("trials must be a list of trial dicts, as random_search returns them")
    if top is not None:
        top = validation.check_number(top, "top", 0, integer=True)
    header = validation.check_flag(header, "header")
    columns = [c for c in _TRIAL_COLUMNS if any(c[0] in t for t in trials)]
    lines = []
    if header:
        lines.append("  ".join(title.rjust(width) for _, title, width, _ in columns))
    for trial in trials[:top]:
        cells = []
        for key, _, width, fmt in columns:
            value = trial.get(key)
            if key == "hidden" and isinstance(value, (list, tuple)):
                value = "-".join(map(str, value)) or "none"
            missing = value is None and key not in ("standardize", "mini_batch_size")
            is_nan = isinstance(value, float) and math.isnan(value)
            try:
                cells.append(" " * width if missing or is_nan else fmt.format(value))
            except (TypeError, ValueError):  # not the type of this column: show it as it is
                cells.append(f"{value!s:>{width}}")
        lines.append("  ".join(cells))
    return "\n".join(lines)
