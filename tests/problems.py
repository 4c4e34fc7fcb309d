"""Small synthetic problems and assertions shared by the test modules."""

import numpy as np


def separable_problem(m=120, n_x=5, seed=0, margin=0.5):
    """Gaussian points labelled by the side of a hyperplane, with no point within ``margin``.

    Returns X: (n_x, m), Y: (1, m) int 0/1 labels, and the unit normal ``w`` of the hyperplane.
    """
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(n_x)
    w /= np.linalg.norm(w)
    X = rng.standard_normal((n_x, 4 * m))
    X = X[:, np.abs(w @ X) > margin][:, :m]
    assert X.shape == (n_x, m)
    Y = (w @ X > 0).astype(np.int64)[None, :]
    return X, Y, w


def noisy_dev_set(w, m=80, flip=0.2, seed=12):
    """A dev set from the same rule as ``separable_problem`` but with a fraction of labels flipped.

    A network trained to certainty on the clean training set first gets better on it, then
    worse (it grows confident on the flipped labels too): the dev cost has a minimum.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((w.size, m))
    Y = (w @ X > 0).astype(np.int64)[None, :]
    flipped = rng.random(m) < flip
    Y[0, flipped] = 1 - Y[0, flipped]
    return X, Y


def imbalanced_separable_problem():
    """A separable problem two thirds of whose examples are positive (54 examples, n_x = 4)."""
    X, Y, w = separable_problem(m=90, n_x=4, seed=0)
    positives, negatives = np.flatnonzero(Y[0] == 1), np.flatnonzero(Y[0] == 0)
    keep = np.concatenate([positives[:36], negatives[:18]])
    assert keep.size == 54
    return X[:, keep], Y[:, keep], w


def assert_same_arrays(actual, expected):
    """Both dicts have the same keys and bit-identical arrays (values, shapes and dtypes)."""
    assert actual.keys() == expected.keys()
    for key in expected:
        np.testing.assert_array_equal(actual[key], expected[key], err_msg=key)
        assert np.asarray(actual[key]).dtype == np.asarray(expected[key]).dtype, key


def two_moons(m=705, noise=0.15, seed=0):
    """Two interleaving half circles in 2-D (label 0: upper, 1: lower), with Gaussian noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, m)
    angle = rng.uniform(0, np.pi, m)
    x = np.where(labels == 0, np.cos(angle), 1 - np.cos(angle))
    y = np.where(labels == 0, np.sin(angle), 0.5 - np.sin(angle))
    X = np.stack([x, y]) + noise * rng.standard_normal((2, m))
    return X, labels[None, :].astype(np.int64)


def gaussian_blobs(m=150, num_classes=3, n_x=2, spread=0.5, seed=0):
    """``num_classes`` round Gaussian clouds of standard deviation ``spread`` around centres
    spaced on a circle of radius 2 in the first two features (the other features are noise);
    labels ``0..K-1`` in turn, so every class has ``m / K`` examples, up to one.

    Returns X: (n_x, m), Y: (1, m) int64 labels.
    """
    rng = np.random.default_rng(seed)
    labels = np.arange(m) % num_classes
    angles = 2 * np.pi * labels / num_classes
    X = spread * rng.standard_normal((n_x, m))
    X[0] += 2 * np.cos(angles)
    X[1] += 2 * np.sin(angles)
    return X, labels[None, :].astype(np.int64)


def one_hot(Y, num_classes):
    """The one-hot ``(K, m)`` float64 form of ``(1, m)`` labels, ``Y_onehot[k, i] = 1[y_i = k]``,
    written out by indexing rather than as the library computes it."""
    Y = np.asarray(Y).reshape(-1).astype(np.int64)
    Y_onehot = np.zeros((num_classes, Y.size))
    Y_onehot[Y, np.arange(Y.size)] = 1.0
    return Y_onehot
