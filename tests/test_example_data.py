"""Specification of example_data: the digits, the spiral and the moons in the library's layout.

* every function returns ``X: (n_x, m)`` and ``Y: (1, m)`` int64 labels, new C-contiguous arrays
  of the documented shapes, dtypes, ranges and class counts;
* the digits split is stratified: each class's share of the test set is its share of the
  training set, up to one example;
* the same seed (an integer or a Generator) gives bit-identical arrays, other seeds others;
* bad arguments are refused with a TypeError or ValueError naming the argument.
"""

import math
import os
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import example_data as ed

ERRORS = (TypeError, ValueError)
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "25"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
pytestmark = pytest.mark.filterwarnings("error")


def assert_layout(X, Y, n_x, m):
    """``X (n_x, m)`` floating and ``Y (1, m)`` int64, both C-contiguous and finite."""
    assert X.shape == (n_x, m) and Y.shape == (1, m)
    assert X.dtype.kind == "f" and Y.dtype == np.int64
    assert X.flags["C_CONTIGUOUS"] and Y.flags["C_CONTIGUOUS"]
    assert np.isfinite(X).all()


def assert_identical(first, second):
    for a, b in zip(first, second, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------------------------
# The digits
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    return ed.load_digits_data()


def test_digits_have_64_pixels_in_0_1_and_labels_0_to_9_in_a_70_30_split(digits):
    X_train, Y_train, X_test, Y_test = digits
    assert_layout(X_train, Y_train, 64, 1797 - 540)
    assert_layout(X_test, Y_test, 64, 540)  # ceil(0.3 * 1797)
    for X in (X_train, X_test):
        assert X.dtype == np.float64 and X.min() == 0.0 and X.max() == 1.0
        np.testing.assert_array_equal(X * 16, np.round(X * 16))  # the pixels were 0..16
    assert set(np.unique(Y_train)) == set(np.unique(Y_test)) == set(range(10))


def test_digits_are_scikit_learns_images_divided_by_16_one_column_each(digits):
    from sklearn.datasets import load_digits

    original = load_digits()
    X = np.hstack([digits[0], digits[2]])
    Y = np.hstack([digits[1], digits[3]])
    # Every original image is there exactly once, with its label: sort both the same way.
    ours = np.lexsort(np.vstack([X * 16, Y]))
    theirs = np.lexsort(np.vstack([original.data.T, original.target[None, :]]))
    np.testing.assert_array_equal(X[:, ours] * 16, original.data.T[:, theirs])
    np.testing.assert_array_equal(Y[0, ours], original.target[theirs])


@pytest.mark.parametrize("test_fraction", [0.3, 0.1, 0.5, 0.77])
def test_digits_split_is_stratified_within_one_example_per_class(test_fraction):
    _, Y_train, _, Y_test = ed.load_digits_data(test_fraction, seed=3)
    m_train, m_test = Y_train.shape[1], Y_test.shape[1]
    assert m_test == math.ceil(test_fraction * 1797)
    whole = np.bincount(np.hstack([Y_train, Y_test])[0], minlength=10)
    # In each part, every class has its share of the whole set, give or take one example.
    for Y, m_part in ((Y_train, m_train), (Y_test, m_test)):
        counts = np.bincount(Y[0], minlength=10)
        np.testing.assert_array_less(np.abs(counts - whole / 1797 * m_part), 1 + 1e-9)


def test_digits_in_float32_are_the_float64_ones_rounded(digits):
    X_train, Y_train, X_test, Y_test = ed.load_digits_data(dtype=np.float32)
    assert X_train.dtype == X_test.dtype == np.float32
    np.testing.assert_array_equal(X_train, digits[0])  # k / 16 is exact in float32
    np.testing.assert_array_equal(Y_test, digits[3])


def test_digits_are_reproducible_for_a_seed_or_a_generator_and_differ_between_seeds(digits):
    assert_identical(ed.load_digits_data(seed=0), digits)
    from_generator = ed.load_digits_data(seed=np.random.default_rng(5))
    assert_identical(ed.load_digits_data(seed=np.random.default_rng(5)), from_generator)
    other = ed.load_digits_data(seed=1)
    assert not np.array_equal(other[1], digits[1])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"test_fraction": 0.0}, "test_fraction"),
        ({"test_fraction": 1.0}, "test_fraction"),
        ({"test_fraction": 0.002}, "test_fraction"),  # 4 test images: not one per class
        ({"test_fraction": 0.999}, "test_fraction"),
        ({"test_fraction": "0.3"}, "test_fraction"),
        ({"test_fraction": math.nan}, "test_fraction"),
        ({"seed": -1}, "seed"),
        ({"seed": 0.5}, "seed"),
        ({"seed": None}, "seed"),
        ({"dtype": np.int64}, "dtype"),
        ({"dtype": np.float16}, "dtype"),
    ],
)
def test_digits_refuse_bad_arguments_naming_them(kwargs, name):
    with pytest.raises(ERRORS, match=name):
        ed.load_digits_data(**kwargs)


# ---------------------------------------------------------------------------------------------
# The spiral and the moons
# ---------------------------------------------------------------------------------------------


def cs231n_spiral(N, K, noise, rng):
    """The recipe written as a loop over classes, one point array at a time."""
    X, Y = np.zeros((2, N * K)), np.zeros((1, N * K), dtype=np.int64)
    for j in range(K):
        r = np.linspace(0.0, 1, N)
        t = np.linspace(j * 4, (j + 1) * 4, N) + rng.standard_normal(N) * noise
        X[:, N * j : N * (j + 1)] = r * np.sin(t), r * np.cos(t)
        Y[0, N * j : N * (j + 1)] = j
    return X, Y


def test_spiral_follows_the_cs231n_recipe_class_by_class():
    X, Y = ed.make_spiral(points_per_class=50, num_classes=4, noise=0.3, seed=7)
    assert_layout(X, Y, 2, 200)
    expected_X, expected_Y = cs231n_spiral(50, 4, 0.3, np.random.default_rng(7))
    np.testing.assert_allclose(X, expected_X, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(Y, expected_Y)
    np.testing.assert_array_equal(np.bincount(Y[0]), [50] * 4)


def test_spiral_without_noise_puts_each_point_at_its_radius_and_angle():
    X, Y = ed.make_spiral(points_per_class=5, num_classes=2, noise=0.0)
    radius = np.tile(np.linspace(0, 1, 5), 2)
    np.testing.assert_allclose(np.hypot(*X), radius, atol=1e-15)
    # The last point of class 0 is at r = 1, t = 4: (sin 4, cos 4).
    np.testing.assert_allclose(X[:, 4], [np.sin(4.0), np.cos(4.0)])
    np.testing.assert_array_equal(Y, [[0] * 5 + [1] * 5])


@pytest.mark.parametrize("m", [300, 301, 2])
def test_moons_split_m_in_half_with_the_extra_point_to_class_1(m):
    X, Y = ed.make_moons(m)
    assert_layout(X, Y, 2, m)
    np.testing.assert_array_equal(np.bincount(Y[0]), [m // 2, m - m // 2])


def test_moons_without_noise_are_scikit_learns_two_half_circles():
    from sklearn.datasets import make_moons

    X, Y = ed.make_moons(101, noise=0.0)
    expected_X, expected_y = make_moons(101, shuffle=False, noise=0.0)
    np.testing.assert_allclose(X, expected_X.T, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(Y[0], expected_y)
    upper, lower = X[:, Y[0] == 0], X[:, Y[0] == 1]
    np.testing.assert_allclose(np.hypot(*upper), 1.0)  # (cos a, sin a) on the unit circle
    np.testing.assert_allclose(np.hypot(1 - lower[0], 0.5 - lower[1]), 1.0)
    assert upper[1].min() >= 0 and lower[1].max() <= 0.5


def test_moons_noise_has_the_asked_standard_deviation():
    X, _ = ed.make_moons(20_000, noise=0.0)
    noisy, _ = ed.make_moons(20_000, noise=0.3, seed=1)
    assert np.std(noisy - X) == pytest.approx(0.3, rel=0.02)


@pytest.mark.parametrize(
    ("make", "kwargs", "name"),
    [
        (ed.make_spiral, {"points_per_class": 0}, "points_per_class"),
        (ed.make_spiral, {"points_per_class": 2.5}, "points_per_class"),
        (ed.make_spiral, {"num_classes": 1}, "num_classes"),
        (ed.make_spiral, {"num_classes": True}, "num_classes"),
        (ed.make_spiral, {"noise": -0.1}, "noise"),
        (ed.make_spiral, {"noise": math.inf}, "noise"),
        (ed.make_spiral, {"seed": "0"}, "seed"),
        (ed.make_moons, {"m": 1}, r"\bm\b"),
        (ed.make_moons, {"m": np.array([10])}, r"\bm\b"),
        (ed.make_moons, {"noise": None}, "noise"),
        (ed.make_moons, {"seed": None}, "seed"),
        (ed.make_moons, {"seed": -3}, "seed"),
    ],
)
def test_spiral_and_moons_refuse_bad_arguments_naming_them(make, kwargs, name):
    with pytest.raises(ERRORS, match=name):
        make(**kwargs)


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

seeds = st.one_of(
    st.integers(0, 2**64), st.integers(0, 2**32).map(lambda s: ("generator", s))
)  # a Generator is drawn fresh for each call, from the same state


def as_seed(seed):
    return np.random.default_rng(seed[1]) if isinstance(seed, tuple) else seed


@FAST
@given(st.integers(1, 40), st.integers(2, 6), st.floats(0, 3), seeds)
def test_any_spiral_is_k_arms_of_n_points_and_the_same_seed_gives_the_same_arrays(
    N, K, noise, seed
):
    X, Y = ed.make_spiral(N, K, noise, seed=as_seed(seed))
    assert_layout(X, Y, 2, N * K)
    np.testing.assert_array_equal(np.bincount(Y[0]), [N] * K)
    assert np.hypot(*X).max() <= 1 + 1e-12  # every point within the unit disc
    assert_identical(ed.make_spiral(N, K, noise, seed=as_seed(seed)), (X, Y))


@FAST
@given(st.integers(2, 500), st.floats(0.01, 3), seeds)
def test_any_moons_are_m_points_half_per_class_and_reproducible_with_noise_that_depends_on_it(
    m, noise, seed
):
    X, Y = ed.make_moons(m, noise, seed=as_seed(seed))
    assert_layout(X, Y, 2, m)
    np.testing.assert_array_equal(np.bincount(Y[0]), [m // 2, m - m // 2])
    assert_identical(ed.make_moons(m, noise, seed=as_seed(seed)), (X, Y))
    other = seed + 1 if isinstance(seed, int) else np.random.default_rng(seed[1] + 1)
    assert not np.array_equal(ed.make_moons(m, noise, seed=other)[0], X)


@FAST
@given(
    st.sampled_from(["points_per_class", "num_classes", "noise", "seed"]),
    st.sampled_from([None, "3", -1, 1.5, math.nan, True, [3], np.array([3]), 1 + 1j]),
)
def test_a_broken_spiral_argument_is_refused_naming_it(name, value):
    if name == "noise" and value == 1.5:
        return  # a valid noise
    try:
        ed.make_spiral(**{name: value})
    except ERRORS as error:
        assert re.search(name, str(error)), str(error)
    else:
        raise AssertionError(f"make_spiral accepted {name}={value!r}")
