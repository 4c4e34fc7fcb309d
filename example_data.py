"""Small classification problems besides the cats, in the library's layout.

* :func:`load_digits_data`: scikit-learn's bundled 8x8 handwritten digits (10 classes), split
  into stratified training and test sets;
* :func:`make_spiral`: K interleaved spiral arms in the plane (CS231n's toy problem), which no
  linear classifier can separate;
* :func:`make_moons`: two interleaving half circles, the smallest problem that needs a hidden
  layer.

Every function returns ``X: (n_x, m)``, one column per example, and ``Y: (1, m)`` int64 labels
``0..K-1``, as new C-contiguous arrays. ``seed`` is an integer >= 0 or a
``numpy.random.Generator``: the same seed gives bit-identical arrays, and None is refused (a
data set that changes from run to run makes results that cannot be compared).
"""

import math

import numpy as np

import validation

DIGITS_CLASSES = 10


def _generator(seed):
    """``seed`` as a Generator: an integer >= 0 or a Generator, never None."""
    if seed is None:
        raise TypeError(
            "seed must be an integer >= 0 or a numpy.random.Generator, got None (the data "
            "would differ from call to call)"
        )
    return validation.as_generator(seed, "seed")


def load_digits_data(test_fraction=0.3, seed=0, dtype=np.float64):
    """The 1797 8x8 digit images of scikit-learn, as a stratified, seeded train/test split.

    The images (UCI's optical digits, 4x4 blocks of a 32x32 bitmap counted, so each pixel is
    0..16) are read from the installed scikit-learn package; nothing is downloaded. Pixels are
    divided by 16 into [0, 1]. The test set has ``ceil(test_fraction * 1797)`` examples, with
    every class in the same proportion as in the whole set up to one example (scikit-learn's
    ``train_test_split(..., stratify=y)``).

    Args:
        test_fraction: the share of examples held out, strictly between 0 and 1, leaving at
            least one example per class (10) in each part.
        seed: an integer >= 0 or a Generator, for the shuffle of the split.
        dtype: ``np.float32`` or ``np.float64``, the dtype of the X arrays.

    Returns:
        ``X_train (64, m_train), Y_train (1, m_train), X_test (64, m_test), Y_test (1, m_test)``:
        X in ``dtype`` in [0, 1], one column per image (the 8x8 pixels row by row), Y int64
        digits 0..9.
    """
    # Imported here: scikit-learn is only needed by whoever loads the digits.
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    test_fraction = validation.check_number(
        test_fraction, "test_fraction", 0.0, 1.0, low_open=True, high_open=True
    )
    rng = _generator(seed)
    dtype = validation.check_dtype(dtype)
    digits = load_digits()
    m = digits.target.size
    n_test = math.ceil(test_fraction * m)
    # A stratified split needs each class in each part: at least 10 examples on either side.
    if not DIGITS_CLASSES <= n_test <= m - DIGITS_CLASSES:
        raise ValueError(
            f"test_fraction must leave at least {DIGITS_CLASSES} of the {m} digits (one per "
            f"class) in each part, between {DIGITS_CLASSES / m:.4f} and "
            f"{1 - DIGITS_CLASSES / m:.4f}; got {test_fraction}"
        )
    # scikit-learn takes an integer seed; a Generator gives one, so the same state, same split.
    random_state = int(rng.integers(2**32))
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data, digits.target, test_size=n_test, stratify=digits.target,
        random_state=random_state,
    )  # fmt: skip
    return (
        np.ascontiguousarray(x_train.T / 16.0, dtype=dtype),
        np.ascontiguousarray(y_train[None, :], dtype=np.int64),
        np.ascontiguousarray(x_test.T / 16.0, dtype=dtype),
        np.ascontiguousarray(y_test[None, :], dtype=np.int64),
    )


def make_spiral(points_per_class=100, num_classes=3, noise=0.2, seed=0):
    """K spiral arms of N points each, CS231n's recipe.

    For class ``j = 0..K-1``: radii ``r = linspace(0, 1, N)``, angles
    ``t = linspace(4j, 4(j+1), N) + noise * z`` with ``z`` standard normal, points
    ``(r sin t, r cos t)``. Each arm turns through 4 radians, so the arms wind around each other.

    Args:
        points_per_class: N, an integer >= 1.
        num_classes: K, an integer >= 2.
        noise: the standard deviation of the angle's noise, in radians, >= 0.
        seed: an integer >= 0 or a Generator.

    Returns:
        ``X (2, K*N)`` float64 and ``Y (1, K*N)`` int64: class 0's points first, then class 1's.
    """
    N = validation.check_number(points_per_class, "points_per_class", 1, integer=True)
    K = validation.check_number(num_classes, "num_classes", 2, integer=True)
    noise = validation.check_number(noise, "noise", 0.0)
    rng = _generator(seed)
    r = np.tile(np.linspace(0.0, 1.0, N), K)
    # One row of angles per class; drawing the (K, N) noise at once draws it class by class.
    t = np.linspace(4.0 * np.arange(K), 4.0 * np.arange(1, K + 1), N, axis=1)
    t = (t + noise * rng.standard_normal((K, N))).ravel()
    X = np.stack([r * np.sin(t), r * np.cos(t)])
    Y = np.repeat(np.arange(K, dtype=np.int64), N)[None, :]
    return X, Y


def make_moons(m=300, noise=0.2, seed=0):
    """Two interleaving half circles with Gaussian noise.

    Class 0 (the upper moon) has ``m // 2`` points ``(cos a, sin a)`` and class 1 (the lower
    one) the other ``m - m // 2``, so an odd ``m`` gives class 1 the extra point (as
    scikit-learn's ``make_moons``); on each moon the angles ``a`` are evenly spaced over
    ``[0, pi]`` and class 1's points are ``(1 - cos a, 0.5 - sin a)``. Each coordinate then gets
    noise ``N(0, noise^2)``.

    Args:
        m: the number of points, an integer >= 2.
        noise: the standard deviation of the noise, >= 0.
        seed: an integer >= 0 or a Generator.

    Returns:
        ``X (2, m)`` float64 and ``Y (1, m)`` int64: class 0's points first, then class 1's.
    """
    m = validation.check_number(m, "m", 2, integer=True)
    noise = validation.check_number(noise, "noise", 0.0)
    rng = _generator(seed)
    upper = np.linspace(0.0, np.pi, m // 2)
    lower = np.linspace(0.0, np.pi, m - m // 2)
    X = np.concatenate(
        [
            np.stack([np.cos(upper), np.sin(upper)]),
            np.stack([1 - np.cos(lower), 0.5 - np.sin(lower)]),
        ],
        axis=1,
    )
    X = X + noise * rng.standard_normal((2, m))
    Y = np.repeat(np.array([0, 1], dtype=np.int64), [m // 2, m - m // 2])[None, :]
    return X, Y
