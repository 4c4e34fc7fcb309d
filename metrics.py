"""Scoring a classifier: accuracy and its kin, for two classes or K, and their uncertainty.

* :func:`accuracy`, :func:`balanced_accuracy` (the mean recall per class, which a model that
  always gives the same answer cannot push above 1/K), :func:`recall_per_class`,
  :func:`confusion_matrix` (and :func:`confusion_counts` for two classes), :func:`log_loss`;
* :func:`scores_from_probabilities` and :func:`evaluate`, every score at once;
* :func:`ensemble_proba`, the mean probabilities of several networks;
* :func:`wilson_interval`, the uncertainty of an accuracy measured on few examples, and
  :func:`mean_and_standard_error` over folds or seeds.

Labels are ``(1, m)`` class labels (0/1, or 0..K-1) or one-hot ``(K, m)``; probabilities are
``(1, m)`` for a sigmoid network and ``(K, m)`` for a softmax one.
"""

import math

import numpy as np

import neural_network as nn
import validation


def confusion_counts(Y, Y_pred):
    """``{"tp", "fp", "tn", "fn"}``: counts of (label, prediction) pairs of two classes,
    positive = cat = 1. (For K classes, see :func:`confusion_matrix`.)"""
    Y = validation.check_Y(Y, dtype=np.int64)
    Y_pred = validation.check_Y(Y_pred, m=Y.shape[1], name="Y_pred", dtype=np.int64)
    return {
        "tp": int(np.sum((Y == 1) & (Y_pred == 1))),
        "fp": int(np.sum((Y == 0) & (Y_pred == 1))),
        "tn": int(np.sum((Y == 0) & (Y_pred == 0))),
        "fn": int(np.sum((Y == 1) & (Y_pred == 0))),
    }


def accuracy(Y, Y_pred):
    """The fraction of correct predictions, ``(1/m) sum_i 1[y_pred_i = y_i]``.

    Y, Y_pred: ``(1, m)`` class labels (0/1, or 0..K-1), or one-hot ``(K, m)``.
    """
    Y = validation.check_class_labels(Y, "Y")
    Y_pred = validation.check_class_labels(Y_pred, "Y_pred", Y.shape[1])
    return float(np.mean(Y_pred == Y))


def recall_per_class(Y, Y_pred, num_classes=None):
    """The recall of each class ``k``, ``C[k, k] / sum_j C[k, j]`` (see :func:`confusion_matrix`):
    the share of its examples predicted as ``k``. A list of K floats, NaN for a class absent
    from ``Y``."""
    return [float(r) for r in _recalls(confusion_matrix(Y, Y_pred, num_classes))]


def _recalls(C):
    """``C[k, k] / sum_j C[k, j]`` for each row of a confusion matrix, NaN for an empty row."""
    with np.errstate(invalid="ignore", divide="ignore"):  # an absent class: 0 / 0 = NaN
        return np.diag(C) / C.sum(axis=1)


def _mean_recall(recalls):
    """The balanced accuracy: the mean of the recalls of the classes present."""
    return float(np.mean(recalls[~np.isnan(recalls)]))


def balanced_accuracy(Y, Y_pred):
    """The mean of the recall of each class, ``(1/K) sum_k C[k, k] / sum_j C[k, j]``; for two
    classes ``(tp / (tp + fn) + tn / (tn + fp)) / 2``.

    A model that always answers the same class scores 1/K whatever the class shares. That makes
    it the fair score on the cat training images, 34% of which are cats: there, plain accuracy
    gives 0.66 to "always non-cat", more than most real models reach. A class absent from ``Y``
    is left out of the mean.
    """
    return _mean_recall(_recalls(confusion_matrix(Y, Y_pred)))


MAX_CONFUSION_CLASSES = 10_000  # a (K, K) table of int64 counts: 800 MB at this K


def confusion_matrix(Y, Y_pred, num_classes=None):
    """The ``(K, K)`` int64 table ``C[i, j]`` = number of examples of class ``i`` predicted ``j``.

    Rows are true classes and columns predicted ones, so the diagonal holds the hits, row ``i``
    sums to the number of examples of class ``i``, and ``trace(C) / m`` is the accuracy. For
    binary labels ``C = [[tn, fp], [fn, tp]]`` (see :func:`confusion_counts`).

    Args:
        Y, Y_pred: ``(1, m)`` class labels 0..K-1: any integer dtype, bools, or floats holding
            whole numbers.
        num_classes: K; by default the largest label in either, plus one.

    Returns:
        ``C``, int64, the same as ``sklearn.metrics.confusion_matrix(y, y_pred,
        labels=range(K))``.
    """
    if num_classes is not None:
        num_classes = validation.check_number(
            num_classes, "num_classes", 1, MAX_CONFUSION_CLASSES, integer=True
        )
    Y = validation.check_class_labels(Y, "Y", num_classes=num_classes)
    Y_pred = validation.check_class_labels(Y_pred, "Y_pred", Y.shape[1], num_classes)
    K = num_classes or int(max(Y.max(), Y_pred.max())) + 1
    if K > MAX_CONFUSION_CLASSES:
        raise ValueError(
            f"Y and Y_pred hold labels up to {K - 1}: confusion_matrix counts at most "
            f"{MAX_CONFUSION_CLASSES} classes"
        )
    # Each (true, predicted) pair is one cell, numbered i * K + j: counting the cells fills C.
    return np.bincount(Y[0] * K + Y_pred[0], minlength=K * K).reshape(K, K).astype(np.int64)


def log_loss(Y, probabilities):
    """Mean cross-entropy of predicted probabilities (the cost without its L2 term): binary for
    ``(1, m)`` probabilities, categorical for ``(K, m)``."""
    probabilities = validation.check_probabilities(probabilities, "probabilities")
    K = probabilities.shape[0]
    Y = validation.check_Y(Y, m=probabilities.shape[1], num_classes=K)
    return nn.compute_cost(probabilities, Y, check_input=False)


def scores_from_probabilities(Y, probabilities):
    """Every score of predicted probabilities against the labels ``Y``, as a dict.

    The predicted class is ``nn.probabilities_to_labels(probabilities)``, as in ``nn.predict``.
    For ``(1, m)`` probabilities of two classes the keys are ``accuracy``, ``balanced_accuracy``,
    ``log_loss``, ``tp``, ``fp``, ``tn``, ``fn``; for ``(K, m)`` probabilities, ``accuracy``,
    ``balanced_accuracy``, ``log_loss``, ``confusion_matrix`` (a list of K lists) and
    ``recall_per_class`` (a list of K). Python numbers.
    """
    probabilities = validation.check_probabilities(probabilities, "probabilities")
    K = probabilities.shape[0]
    Y = validation.check_class_labels(Y, m=probabilities.shape[1], num_classes=max(K, 2))
    Y_pred = nn.probabilities_to_labels(probabilities)
    C = confusion_matrix(Y, Y_pred, max(K, 2))  # every score below is read from it
    recalls = _recalls(C)
    scores = {
        "accuracy": float(np.trace(C) / Y.shape[1]),
        "balanced_accuracy": _mean_recall(recalls),
        "log_loss": log_loss(Y, probabilities),
    }
    if K == 1:
        (tn, fp), (fn, tp) = C.tolist()
        return {**scores, "tp": tp, "fp": fp, "tn": tn, "fn": fn}
    return {
        **scores,
        "confusion_matrix": C.tolist(),
        "recall_per_class": [float(r) for r in recalls],
    }


def evaluate(X, Y, parameters, *, tta=None):
    """Every score of ``parameters`` on ``(X, Y)``: see :func:`scores_from_probabilities`.

    ``tta``: test-time augmentation, as in :func:`neural_network.predict_proba`.
    """
    validation.check_network(parameters)  # tta is checked first thing in predict_proba
    return scores_from_probabilities(Y, nn.predict_proba(X, parameters, tta=tta))


def ensemble_proba(X, members, *, tta=None):
    """The mean of the probabilities of several networks: ``(1, m)`` or ``(K, m)``.

    Networks trained from different seeds make partly different mistakes; averaging their
    probabilities cancels some of them (Dietterich, 2000).
    """
    if not isinstance(members, (list, tuple)) or not members:
        raise TypeError("members must be a non-empty list of parameters dicts")
    for i, parameters in enumerate(members):
        validation.check_network(parameters, f"members[{i}]")
    # tta is checked first thing in predict_proba
    return np.mean([nn.predict_proba(X, parameters, tta=tta) for parameters in members], axis=0)


def wilson_interval(successes, n, z=1.96):
    """The Wilson score interval of a proportion: ``successes`` out of ``n``, ``z`` = 1.96 for 95%.

    ``(p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)`` with ``p = successes / n``.
    Unlike ``p -+ z sqrt(p(1-p)/n)`` it stays inside [0, 1] and is not empty at 0 or n. On 50
    test images an accuracy of 0.80 has the interval (0.67, 0.89).

    Returns:
        ``(low, high)``, Python floats.
    """
    n = validation.check_number(n, "n", 1, 10**15, integer=True)  # beyond, floats skip
    successes = validation.check_number(successes, "successes", 0, n, integer=True)
    z = validation.check_number(z, "z", 0.0, 10.0, low_open=True)
    p = successes / n
    centre = p + z * z / (2 * n)
    half_width = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low, high = (centre - half_width) / (1 + z * z / n), (centre + half_width) / (1 + z * z / n)
    # At 0 and n the formula gives exactly 0 and 1; rounding would not.
    return (0.0 if successes == 0 else low), (1.0 if successes == n else high)


def mean_and_standard_error(values):
    """``(mean, s / sqrt(n))`` with ``s`` the sample standard deviation (ddof = 1), as floats.

    One value has no spread to measure: its standard error is NaN.
    """
    values = validation.check_real_array(values, "values")
    if values.ndim != 1 or values.size == 0 or values.dtype.kind == "b":
        shown = validation.describe(values)
        raise ValueError(f"values must be a non-empty list of numbers, got {shown}")
    values = values.astype(np.float64)
    if not np.isfinite(values).all() or np.abs(values).max() > 1e150:
        raise ValueError("values must be finite numbers of a sensible size (below 1e150)")
    if values.size == 1:
        return float(values[0]), math.nan
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(values.size))
