"""Specification of neural_net_optimized: how the network of neural_network.py is trained.

Read top to bottom, the tests state what the module promises:

* mini-batches: one shared shuffle of the columns of X and Y, every example once per epoch;
* the four update rules, checked on a tiny network against numbers worked out by hand, and the
  contract they share (every trainable key updated, running statistics untouched, no argument
  modified, state dicts keyed like the gradients);
* learning-rate decay, alone and inside model();
* model(): it learns a separable problem with every optimiser, its history, its cost, its
  determinism, early stopping, divergence and argument checking;
* saving and loading, the evaluation helpers, the random hyperparameter search and the CLI.

Everything runs on small synthetic problems except the CLI tests, which train for two epochs on
the real cat images and are skipped when those files cannot be found.
"""

import copy
import itertools
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cat_data
import neural_net_optimized as nno
import neural_network as nn

REPO_ROOT = Path(__file__).resolve().parent.parent
OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
# Learning rates at which each optimiser reliably solves the separable problem below.
GOOD_LEARNING_RATES = {"gd": 0.1, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.01}


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


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


def full_cost(X, Y, parameters, lambd=0.0):
    """The cost J (cross-entropy + L2) of ``parameters`` on the whole of ``(X, Y)``."""
    return nn.compute_cost(nn.predict_proba(X, parameters), Y, parameters, lambd)


def assert_same_arrays(actual, expected):
    """Both dicts have the same keys and bit-identical arrays (values, shapes and dtypes)."""
    assert actual.keys() == expected.keys()
    for key in expected:
        np.testing.assert_array_equal(actual[key], expected[key], err_msg=key)
        assert np.asarray(actual[key]).dtype == np.asarray(expected[key]).dtype, key


def batch_norm_network():
    """A 3 -> 2 (batch norm) -> 1 network with nonzero running statistics, and its gradients."""
    rng = np.random.default_rng(7)
    parameters = {
        "W1": rng.standard_normal((2, 3)),
        "gamma1": 1.0 + rng.standard_normal((2, 1)),
        "beta1": rng.standard_normal((2, 1)),
        "running_mean1": rng.standard_normal((2, 1)),
        "running_var1": 1.0 + rng.random((2, 1)),
        "W2": rng.standard_normal((1, 2)),
        "b2": rng.standard_normal((1, 1)),
    }
    grads = {
        "dW1": rng.standard_normal((2, 3)),
        "dgamma1": rng.standard_normal((2, 1)),
        "dbeta1": rng.standard_normal((2, 1)),
        "dW2": rng.standard_normal((1, 2)),
        "db2": rng.standard_normal((1, 1)),
    }
    return parameters, grads


TRAINABLE_KEYS = ("W1", "gamma1", "beta1", "W2", "b2")
RUNNING_KEYS = ("running_mean1", "running_var1")


# ---------------------------------------------------------------------------------------------
# Mini-batches
# ---------------------------------------------------------------------------------------------


def indexed_examples(m, seed=0):
    """X whose column j is (j, -j, 10 j), and random 0/1 labels Y.

    Y may only hold 0/1 labels, so X carries each column's index: a batch column with index j
    must be X[:, j] and its label must be Y[0, j], which random labels make a real check.
    """
    j = np.arange(m, dtype=np.float64)
    X = np.stack([j, -j, 10 * j])
    Y = np.random.default_rng(seed).integers(0, 2, size=(1, m))
    return X, Y


@pytest.mark.parametrize(
    ("m", "size"),
    [(10, 4), (12, 4), (100, 32), (65, 64), (64, 64), (5, 64), (1, 1), (30, 1)],
)
def test_mini_batches_cover_every_example_once_with_x_and_y_columns_kept_together(m, size):
    X, Y = indexed_examples(m)
    batches = nno.random_mini_batches(X, Y, mini_batch_size=size, seed=3)

    expected_sizes = [size] * (m // size) + ([m % size] if m % size else [])
    assert [X_batch.shape[1] for X_batch, _ in batches] == expected_sizes
    order = np.concatenate([X_batch[0] for X_batch, _ in batches]).astype(int)
    assert sorted(order) == list(range(m)), "every example exactly once"
    for X_batch, Y_batch in batches:
        idx = X_batch[0].astype(int)
        assert X_batch.shape == (3, idx.size) and Y_batch.shape == (1, idx.size)
        np.testing.assert_array_equal(X_batch, X[:, idx])  # whole columns move together
        np.testing.assert_array_equal(Y_batch, Y[:, idx])  # and Y follows the same permutation
    if m >= 10:
        assert list(order) != list(range(m)), "the examples are shuffled"


def test_the_smaller_last_mini_batch_is_drawn_from_the_shuffled_examples():
    """Not the leftover tail of the unshuffled data: any example can end up in the last batch."""
    X, Y = indexed_examples(10)
    in_last_batch = set()
    for seed in range(100):
        batches = nno.random_mini_batches(X, Y, mini_batch_size=4, seed=seed)
        assert [b[0].shape[1] for b in batches] == [4, 4, 2]
        in_last_batch.update(batches[-1][0][0].astype(int))
    assert in_last_batch == set(range(10))


def test_mini_batches_are_reproducible_for_a_seed_and_differ_between_seeds():
    X, Y = indexed_examples(100)

    def order(seed):
        batches = nno.random_mini_batches(X, Y, mini_batch_size=16, seed=seed)
        return np.concatenate([X_batch[0] for X_batch, _ in batches])

    np.testing.assert_array_equal(order(5), order(5))
    assert not np.array_equal(order(5), order(6))
    # A Generator is accepted too; fresh generators with the same seed give the same batches,
    # and reusing one generator gives a new shuffle each call.
    np.testing.assert_array_equal(order(np.random.default_rng(9)), order(np.random.default_rng(9)))
    rng = np.random.default_rng(9)
    assert not np.array_equal(order(rng), order(rng))


def test_mini_batches_do_not_modify_their_inputs():
    X, Y = indexed_examples(20)
    X_before, Y_before = X.copy(), Y.copy()
    nno.random_mini_batches(X, Y, mini_batch_size=6, seed=0)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(Y, Y_before)


@pytest.mark.parametrize("size", [0, -1])
def test_mini_batches_reject_a_non_positive_size(size):
    X, Y = indexed_examples(10)
    with pytest.raises(ValueError, match="mini_batch_size"):
        nno.random_mini_batches(X, Y, mini_batch_size=size)


# ---------------------------------------------------------------------------------------------
# Optimisers: single steps against numbers worked out by hand
# ---------------------------------------------------------------------------------------------
# A logistic unit with two inputs: W1 (1x2), b1 (1x1).


def tiny_network():
    parameters = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])}
    grads = {"dW1": np.array([[0.1, -0.3]]), "db1": np.array([[0.2]])}
    return parameters, grads


def test_gradient_descent_steps_by_learning_rate_times_gradient():
    parameters, grads = tiny_network()
    new = nno.update_parameters_with_gd(parameters, grads, learning_rate=0.1)
    # W1 = [1.0 - 0.1 * 0.1, -2.0 - 0.1 * (-0.3)] = [0.99, -1.97]
    # b1 = 0.5 - 0.1 * 0.2 = 0.48
    np.testing.assert_allclose(new["W1"], [[0.99, -1.97]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(new["b1"], [[0.48]], rtol=0, atol=1e-15)


def test_momentum_steps_along_an_average_of_past_and_present_gradients():
    parameters, grads = tiny_network()
    v = {"dW1": np.array([[0.2, 0.0]]), "db1": np.array([[-0.1]])}
    new, v_new = nno.update_parameters_with_momentum(
        parameters, grads, v, beta=0.9, learning_rate=0.1
    )
    # v = 0.9 v + 0.1 g:
    #   dW1 = [0.9 * 0.2 + 0.1 * 0.1, 0.9 * 0.0 + 0.1 * (-0.3)] = [0.19, -0.03]
    #   db1 = 0.9 * (-0.1) + 0.1 * 0.2 = -0.07
    np.testing.assert_allclose(v_new["dW1"], [[0.19, -0.03]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(v_new["db1"], [[-0.07]], rtol=0, atol=1e-15)
    # theta = theta - 0.1 v: W1 = [1.0 - 0.019, -2.0 + 0.003], b1 = 0.5 + 0.007
    np.testing.assert_allclose(new["W1"], [[0.981, -1.997]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(new["b1"], [[0.507]], rtol=0, atol=1e-15)


def test_momentum_with_beta_zero_is_exactly_gradient_descent():
    parameters, grads = batch_norm_network()
    v = {key: np.full_like(value, 3.0) for key, value in grads.items()}  # forgotten at beta = 0
    with_momentum, v_new = nno.update_parameters_with_momentum(
        parameters, grads, v, beta=0.0, learning_rate=0.05
    )
    plain = nno.update_parameters_with_gd(parameters, grads, learning_rate=0.05)
    assert_same_arrays(with_momentum, plain)
    assert_same_arrays(v_new, grads)


def test_rmsprop_divides_the_gradient_by_the_root_of_its_running_mean_square():
    parameters, grads = tiny_network()
    s = {"dW1": np.array([[0.01, 0.09]]), "db1": np.array([[0.0]])}
    new, s_new = nno.update_parameters_with_rmsprop(
        parameters, grads, s, beta2=0.9, learning_rate=0.01, epsilon=1e-8
    )
    # s = 0.9 s + 0.1 g^2:
    #   dW1 = [0.9 * 0.01 + 0.1 * 0.1**2, 0.9 * 0.09 + 0.1 * 0.3**2] = [0.01, 0.09]
    #   db1 = 0.9 * 0.0 + 0.1 * 0.2**2 = 0.004
    np.testing.assert_allclose(s_new["dW1"], [[0.01, 0.09]], rtol=1e-14)
    np.testing.assert_allclose(s_new["db1"], [[0.004]], rtol=1e-14)
    # theta = theta - 0.01 g / (sqrt(s) + 1e-8):
    #   W1 = [1.0 - 0.01 * 0.1 / (0.1 + 1e-8), -2.0 + 0.01 * 0.3 / (0.3 + 1e-8)] ~ [0.99, -1.99]
    #   b1 = 0.5 - 0.01 * 0.2 / (sqrt(0.004) + 1e-8) ~ 0.5 - 0.0316228
    expected_W1 = [[1.0 - 0.01 * 0.1 / (0.1 + 1e-8), -2.0 + 0.01 * 0.3 / (0.3 + 1e-8)]]
    expected_b1 = [[0.5 - 0.01 * 0.2 / (math.sqrt(0.004) + 1e-8)]]
    np.testing.assert_allclose(new["W1"], expected_W1, rtol=1e-14)
    np.testing.assert_allclose(new["b1"], expected_b1, rtol=1e-14)
    np.testing.assert_allclose(new["W1"], [[0.99, -1.99]], atol=1e-9)
    np.testing.assert_allclose(new["b1"], [[0.4683772234]], atol=1e-9)


def test_adam_first_step_is_about_learning_rate_times_sign_of_gradient_whatever_its_scale():
    parameters = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])}
    grads = {"dW1": np.array([[1e-3, -5.0]]), "db1": np.array([[200.0]])}
    v, s = nno.initialize_adam(parameters)
    new, v_new, s_new = nno.update_parameters_with_adam(
        parameters, grads, v, s, t=1, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
    )
    # v = 0.1 g and s = 0.001 g^2; bias correction at t = 1 divides them by 0.1 and 0.001, so
    # v_hat = g, s_hat = g^2 and the step is 0.01 * g / (|g| + 1e-8) ~ 0.01 * sign(g).
    np.testing.assert_allclose(v_new["dW1"], [[1e-4, -0.5]], rtol=1e-14)
    np.testing.assert_allclose(v_new["db1"], [[20.0]], rtol=1e-14)
    np.testing.assert_allclose(s_new["dW1"], [[1e-9, 0.025]], rtol=1e-12)
    np.testing.assert_allclose(s_new["db1"], [[40.0]], rtol=1e-12)
    np.testing.assert_allclose(new["W1"], [[1.0 - 0.01, -2.0 + 0.01]], rtol=0, atol=2e-7)
    np.testing.assert_allclose(new["b1"], [[0.5 - 0.01]], rtol=0, atol=2e-7)


def test_adam_bias_correction_at_step_ten_with_existing_moments():
    parameters, grads = tiny_network()  # g: dW1 = [0.1, -0.3], db1 = 0.2
    v = {"dW1": np.array([[0.05, -0.2]]), "db1": np.array([[0.0]])}
    s = {"dW1": np.array([[0.002, 0.05]]), "db1": np.array([[0.0]])}
    new, v_new, s_new = nno.update_parameters_with_adam(
        parameters, grads, v, s, t=10, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
    )
    # v = 0.9 v + 0.1 g = [0.9 * 0.05 + 0.01, 0.9 * (-0.2) - 0.03] = [0.055, -0.21]; db1: 0.02
    # s = 0.999 s + 0.001 g^2 = [0.001998 + 0.00001, 0.04995 + 0.00009] = [0.002008, 0.05004];
    #     db1: 0.001 * 0.04 = 0.00004
    # The returned moments are the uncorrected ones.
    np.testing.assert_allclose(v_new["dW1"], [[0.055, -0.21]], rtol=1e-14)
    np.testing.assert_allclose(v_new["db1"], [[0.02]], rtol=1e-14)
    np.testing.assert_allclose(s_new["dW1"], [[0.002008, 0.05004]], rtol=1e-14)
    np.testing.assert_allclose(s_new["db1"], [[0.00004]], rtol=1e-14)
    # Corrections at t = 10: 1 - 0.9**10 = 0.6513215599, 1 - 0.999**10 = 0.0099551198.
    c1, c2 = 1 - 0.9**10, 1 - 0.999**10
    # W1[0]: v_hat = 0.055 / c1 = 0.0844437, s_hat = 0.002008 / c2 = 0.2017053,
    #        step = 0.01 * 0.0844437 / (0.4491161 + 1e-8) = 0.0018802
    # W1[1]: v_hat = -0.21 / c1 = -0.3224214, s_hat = 0.05004 / c2 = 5.0265593,
    #        step = 0.01 * (-0.3224214) / (2.2419990 + 1e-8) = -0.0014381
    # b1:    v_hat = 0.02 / c1 = 0.0307068, s_hat = 0.00004 / c2 = 0.0040180,
    #        step = 0.01 * 0.0307068 / (0.0633880 + 1e-8) = 0.0048443
    step_W = [
        0.01 * (0.055 / c1) / (math.sqrt(0.002008 / c2) + 1e-8),
        0.01 * (-0.21 / c1) / (math.sqrt(0.05004 / c2) + 1e-8),
    ]
    step_b = 0.01 * (0.02 / c1) / (math.sqrt(0.00004 / c2) + 1e-8)
    np.testing.assert_allclose(step_W, [0.0018802198, -0.0014380978], atol=1e-10)
    np.testing.assert_allclose(step_b, 0.0048442631, atol=1e-10)
    np.testing.assert_allclose(new["W1"], [[1.0 - step_W[0], -2.0 - step_W[1]]], rtol=1e-13)
    np.testing.assert_allclose(new["b1"], [[0.5 - step_b]], rtol=1e-13)


def test_adam_bias_correction_vanishes_for_large_t():
    """At large t, 1 - beta^t ~ 1: the step is lr * v / (sqrt(s) + eps) with the raw moments."""
    parameters, grads = tiny_network()
    v = {"dW1": np.array([[0.05, -0.2]]), "db1": np.array([[0.0]])}
    s = {"dW1": np.array([[0.002, 0.05]]), "db1": np.array([[0.0]])}
    new, _, _ = nno.update_parameters_with_adam(
        parameters, grads, v, s, t=100_000, learning_rate=0.01, beta1=0.9, beta2=0.999
    )
    # W1[0] = 1.0 - 0.01 * 0.055 / (sqrt(0.002008) + 1e-8) = 1.0 - 0.0122738 = 0.9877262
    # b1 = 0.5 - 0.01 * 0.02 / (sqrt(0.00004) + 1e-8) = 0.5 - 0.0316228 = 0.4683772
    expected_W1 = 1.0 - 0.01 * 0.055 / (math.sqrt(0.002008) + 1e-8)
    expected_b1 = 0.5 - 0.01 * 0.02 / (math.sqrt(0.00004) + 1e-8)
    np.testing.assert_allclose(new["W1"][0, 0], expected_W1, rtol=1e-12)
    np.testing.assert_allclose(new["b1"][0, 0], expected_b1, rtol=1e-12)
    np.testing.assert_allclose([expected_W1, expected_b1], [0.9877262, 0.4683772], atol=1e-7)


def take_step(optimizer, parameters, grads, v, s):
    """One update with each optimiser, from the given state; returns the new parameters."""
    if optimizer == "gd":
        return nno.update_parameters_with_gd(parameters, grads, 0.1)
    if optimizer == "momentum":
        return nno.update_parameters_with_momentum(parameters, grads, v, 0.9, 0.1)[0]
    if optimizer == "rmsprop":
        return nno.update_parameters_with_rmsprop(parameters, grads, s, 0.999, 0.1)[0]
    return nno.update_parameters_with_adam(parameters, grads, v, s, 3, 0.1)[0]


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_optimiser_updates_all_trainable_keys_and_never_the_running_statistics(optimizer):
    parameters, grads = batch_norm_network()
    v = {key: 0.5 * g for key, g in grads.items()}
    s = {key: g**2 for key, g in grads.items()}
    new = take_step(optimizer, parameters, grads, v, s)

    assert new.keys() == parameters.keys()
    for key in TRAINABLE_KEYS:
        assert new[key].shape == parameters[key].shape
        assert np.all(new[key] != parameters[key]), f"{key} was not updated"
    for key in RUNNING_KEYS:
        np.testing.assert_array_equal(new[key], parameters[key])


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_no_optimiser_modifies_its_arguments(optimizer):
    parameters, grads = batch_norm_network()
    v = {key: 0.5 * g for key, g in grads.items()}
    s = {key: g**2 for key, g in grads.items()}
    before = copy.deepcopy((parameters, grads, v, s))
    take_step(optimizer, parameters, grads, v, s)
    for actual, expected in zip((parameters, grads, v, s), before, strict=True):
        assert_same_arrays(actual, expected)


def test_float32_updates_keep_parameters_and_state_in_float32_even_with_numpy_scalars():
    parameters, grads = batch_norm_network()
    parameters = {key: value.astype(np.float32) for key, value in parameters.items()}
    grads = {key: value.astype(np.float32) for key, value in grads.items()}
    v, s = nno.initialize_adam(parameters)
    # NumPy float64 scalars are not "weak" under NumPy 2's promotion rules: mixed naively into
    # float32 arithmetic they would make float64 results.
    beta1, beta2, lr = np.float64(0.9), np.float64(0.999), np.float64(0.01)
    results = [
        nno.update_parameters_with_gd(parameters, grads, lr),
        *nno.update_parameters_with_momentum(parameters, grads, v, beta1, lr),
        *nno.update_parameters_with_rmsprop(parameters, grads, s, beta2, lr),
        *nno.update_parameters_with_adam(parameters, grads, v, s, 2, lr, beta1, beta2),
    ]
    for result in results:
        assert {value.dtype for value in result.values()} == {np.dtype(np.float32)}


def test_optimiser_states_are_zeros_keyed_like_the_gradients():
    parameters, grads = batch_norm_network()
    v_adam, s_adam = nno.initialize_adam(parameters)
    for state in (nno.initialize_velocity(parameters), nno.initialize_rmsprop(parameters)):
        for candidate in (state, v_adam, s_adam):
            assert candidate.keys() == grads.keys()  # dW1, dgamma1, dbeta1, dW2, db2
            for key, value in candidate.items():
                assert value.shape == parameters[key[1:]].shape
                assert not value.any()


def test_optimisers_reject_a_missing_or_misshapen_gradient_and_bad_hyperparameters():
    parameters, grads = tiny_network()
    with pytest.raises(ValueError, match="db1"):
        nno.update_parameters_with_gd(parameters, {"dW1": grads["dW1"]}, 0.1)
    with pytest.raises(ValueError, match="dW1"):
        nno.update_parameters_with_gd(parameters, {**grads, "dW1": np.zeros((2, 1))}, 0.1)
    with pytest.raises(ValueError, match="learning_rate"):
        nno.update_parameters_with_gd(parameters, grads, 0.0)
    with pytest.raises(ValueError, match="beta"):
        nno.update_parameters_with_momentum(parameters, grads, grads, 1.0, 0.1)
    v, s = nno.initialize_adam(parameters)
    with pytest.raises(ValueError, match=r"\bt\b"):
        nno.update_parameters_with_adam(parameters, grads, v, s, t=0)


# ---------------------------------------------------------------------------------------------
# Learning-rate decay
# ---------------------------------------------------------------------------------------------


def test_update_lr_is_inverse_time_decay_every_epoch():
    assert nno.update_lr(0.2, 0, 1.0) == pytest.approx(0.2)
    assert nno.update_lr(0.2, 3, 0.5) == pytest.approx(0.2 / (1 + 0.5 * 3))  # 0.08
    assert nno.update_lr(0.2, 10, 0.0) == pytest.approx(0.2)


def test_schedule_lr_decay_is_constant_within_each_time_interval():
    rates = [nno.schedule_lr_decay(0.2, epoch, 1.0, time_interval=10) for epoch in range(30)]
    assert rates[:10] == pytest.approx([0.2] * 10)
    assert rates[10:20] == pytest.approx([0.1] * 10)  # 0.2 / (1 + 1)
    assert rates[20:] == pytest.approx([0.2 / 3] * 10)
    assert nno.schedule_lr_decay(0.2, 999, 1.0) == pytest.approx(0.2)  # default interval 1000
    assert nno.schedule_lr_decay(0.2, 1000, 1.0) == pytest.approx(0.1)


def small_training_problem():
    X, Y, _ = separable_problem(m=60, n_x=4, seed=1)
    return X, Y


def test_model_with_decay_records_the_inverse_time_learning_rate_of_each_epoch():
    X, Y = small_training_problem()
    _, history = nno.model(
        X, Y, [4, 3, 1], optimizer="gd", learning_rate=0.1, num_epochs=6, decay=0.5
    )
    assert history["learning_rate"] == pytest.approx([0.1 / (1 + 0.5 * k) for k in range(6)])


def test_model_with_decay_every_k_epochs_records_a_stepped_learning_rate():
    X, Y = small_training_problem()
    _, history = nno.model(
        X, Y, [4, 3, 1], optimizer="gd", learning_rate=0.1, num_epochs=7, decay=1.0, decay_every=3
    )
    expected = [0.1 / (1 + 1.0 * (k // 3)) for k in range(7)]  # 0.1 x3, 0.05 x3, 0.0333
    assert history["learning_rate"] == pytest.approx(expected)


def test_model_without_decay_keeps_the_learning_rate_constant():
    X, Y = small_training_problem()
    _, history = nno.model(X, Y, [4, 3, 1], optimizer="gd", learning_rate=0.1, num_epochs=4)
    assert history["learning_rate"] == pytest.approx([0.1] * 4)


def test_model_uses_the_learning_rate_of_a_callable_decay_for_its_updates():
    X, Y = small_training_problem()
    calls = []

    def halve_every_epoch(learning_rate0, epoch):
        calls.append((learning_rate0, epoch))
        return learning_rate0 * 0.5**epoch

    args = dict(optimizer="gd", learning_rate=0.1, mini_batch_size=None)
    _, history = nno.model(X, Y, [4, 3, 1], num_epochs=5, decay=halve_every_epoch, **args)
    assert history["learning_rate"] == pytest.approx([0.1, 0.05, 0.025, 0.0125, 0.00625])
    assert calls == [(0.1, epoch) for epoch in range(5)]

    # The rate is really used: after a first epoch at 0.1, epochs at a rate of 1e-300 leave the
    # parameters where one epoch without decay put them.
    def then_stop(learning_rate0, epoch):
        return learning_rate0 if epoch == 0 else 1e-300

    one_epoch, _ = nno.model(X, Y, [4, 3, 1], num_epochs=1, **args)
    stopped, _ = nno.model(X, Y, [4, 3, 1], num_epochs=4, decay=then_stop, **args)
    moved, _ = nno.model(X, Y, [4, 3, 1], num_epochs=4, **args)
    for key in one_epoch:
        np.testing.assert_allclose(stopped[key], one_epoch[key], rtol=0, atol=1e-14)
    assert not np.allclose(moved["W1"], one_epoch["W1"])


# ---------------------------------------------------------------------------------------------
# model(): learning
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def separable():
    X, Y, w = separable_problem(m=120, n_x=5, seed=0)
    return X, Y, w


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "batch_norm"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_model_fits_a_separable_problem_perfectly_with_every_optimiser(
    separable, optimizer, batch_norm
):
    X, Y, _ = separable
    parameters, history = nno.model(
        X,
        Y,
        [5, 8, 1],
        optimizer=optimizer,
        learning_rate=GOOD_LEARNING_RATES[optimizer],
        num_epochs=100,
        mini_batch_size=32,
        batch_norm=batch_norm,
        seed=0,
    )
    assert nno.accuracy(Y, nn.predict(X, parameters)) == 1.0
    assert history["cost"][-1] < history["cost"][0] / 4
    assert all(len(values) == 100 for values in history.values())


def test_history_has_one_entry_per_epoch_for_cost_and_learning_rate(separable):
    X, Y, _ = separable
    _, history = nno.model(X, Y, [5, 4, 1], num_epochs=7, learning_rate=0.01)
    assert set(history) == {"cost", "learning_rate"}
    assert all(len(values) == 7 for values in history.values())


def test_history_with_a_dev_set_scores_the_parameters_after_every_epoch(separable):
    X, Y, w = separable
    X_dev, Y_dev = noisy_dev_set(w, m=40)
    parameters, history = nno.model(
        X, Y, [5, 4, 1], num_epochs=7, learning_rate=0.01, X_dev=X_dev, Y_dev=Y_dev
    )
    assert set(history) == {"cost", "learning_rate", "dev_cost", "dev_accuracy"}
    assert all(len(values) == 7 for values in history.values())
    scores = nno.evaluate(X_dev, Y_dev, parameters)
    assert history["dev_cost"][-1] == pytest.approx(scores["log_loss"], rel=1e-12)
    assert history["dev_accuracy"][-1] == pytest.approx(scores["accuracy"], rel=1e-12)


def test_full_batch_cost_of_an_epoch_is_the_cost_of_the_parameters_it_started_from():
    """With mini_batch_size=None, history["cost"][k] is J (with L2) of the parameters after k
    epochs: the cost is measured on the forward pass before the epoch's single update."""
    X, Y = small_training_problem()
    args = dict(optimizer="gd", learning_rate=0.2, mini_batch_size=None, lambd=0.7, seed=4)
    _, history = nno.model(X, Y, [4, 3, 1], num_epochs=4, **args)
    for k in (1, 2, 3):
        after_k_epochs, _ = nno.model(X, Y, [4, 3, 1], num_epochs=k, **args)
        expected = full_cost(X, Y, after_k_epochs, lambd=0.7)
        assert history["cost"][k] == pytest.approx(expected, rel=1e-12)
    assert all(b < a for a, b in itertools.pairwise(history["cost"])), "full-batch gd descends"


@pytest.mark.parametrize("mini_batch_size", [None, 1, 7, 16, 50, 64])
def test_epoch_cost_is_the_batch_size_weighted_mean_of_the_mini_batch_costs(mini_batch_size):
    """With a learning rate of 1e-12 the parameters do not move: the weighted mean of the
    mini-batch costs must then equal the cost on the whole training set (50 examples, so the
    batches of 7 and 16 leave a smaller last batch; an unweighted mean would differ)."""
    X, Y = small_training_problem()
    X, Y = X[:, :50], Y[:, :50]
    parameters, history = nno.model(
        X,
        Y,
        [4, 3, 1],
        optimizer="gd",
        learning_rate=1e-12,
        num_epochs=3,
        mini_batch_size=mini_batch_size,
        lambd=0.5,
        seed=2,
    )
    expected = full_cost(X, Y, parameters, lambd=0.5)
    assert history["cost"] == pytest.approx([expected] * 3, rel=0, abs=1e-6)


def test_model_returns_everything_predict_needs_including_trained_batch_norm_statistics(
    separable,
):
    X, Y, _ = separable
    parameters, _ = nno.model(
        X, Y, [5, 6, 3, 1], batch_norm=True, num_epochs=10, learning_rate=0.01, seed=0
    )
    assert set(parameters) == {
        "W1", "gamma1", "beta1", "running_mean1", "running_var1",
        "W2", "gamma2", "beta2", "running_mean2", "running_var2",
        "W3", "b3",
    }  # fmt: skip
    assert nn.check_parameters(parameters) == [5, 6, 3, 1]
    for layer in (1, 2):
        assert not np.allclose(parameters[f"running_mean{layer}"], 0.0)
        assert not np.allclose(parameters[f"running_var{layer}"], 1.0)
    # Inference uses the running statistics: an example is predicted alone as in a batch.
    probabilities = nn.predict_proba(X, parameters)
    for j in (0, 17, 99):
        np.testing.assert_allclose(
            nn.predict_proba(X[:, [j]], parameters), probabilities[:, [j]], rtol=1e-12
        )


def test_model_keeps_a_float32_problem_in_float32(separable):
    X, Y, _ = separable
    parameters, history = nno.model(
        X.astype(np.float32), Y, [5, 4, 1], batch_norm=True, num_epochs=3, keep_prob=0.9
    )
    assert {value.dtype for value in parameters.values()} == {np.dtype(np.float32)}
    assert all(isinstance(cost, float) for cost in history["cost"])


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_float32_and_float64_train_to_the_same_accuracy(separable, optimizer):
    X, Y, _ = separable
    args = dict(
        optimizer=optimizer, learning_rate=GOOD_LEARNING_RATES[optimizer], num_epochs=60,
        mini_batch_size=32, seed=0,
    )  # fmt: skip
    p64, h64 = nno.model(X, Y, [5, 8, 1], **args)
    p32, h32 = nno.model(X, Y, [5, 8, 1], dtype=np.float32, **args)

    assert p32["W1"].dtype == np.float32
    assert nno.accuracy(Y, nn.predict(X, p32)) == nno.accuracy(Y, nn.predict(X, p64)) == 1.0
    # The same run, up to float32 rounding: the cost curves agree to a few digits.
    np.testing.assert_allclose(h32["cost"], h64["cost"], rtol=1e-3)


def test_model_returns_arrays_that_own_their_data(separable):
    X, Y, _ = separable
    parameters, _ = nno.model(X, Y, [5, 4, 3, 1], batch_norm=True, num_epochs=2)
    for key, value in parameters.items():
        assert value.base is None, f"{key} is a view"


def test_model_does_not_modify_its_inputs(separable):
    X, Y, w = separable
    X_dev, Y_dev = noisy_dev_set(w, m=20)
    before = copy.deepcopy((X, Y, X_dev, Y_dev))
    nno.model(X, Y, [5, 4, 1], num_epochs=2, X_dev=X_dev, Y_dev=Y_dev, batch_norm=True)
    for actual, expected in zip((X, Y, X_dev, Y_dev), before, strict=True):
        np.testing.assert_array_equal(actual, expected)


# ---------------------------------------------------------------------------------------------
# model(): determinism, early stopping, divergence
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "regularisation",
    [{}, {"keep_prob": 0.8, "batch_norm": True}],
    ids=["plain", "dropout_and_batch_norm"],
)
def test_same_seed_gives_bit_identical_training_and_another_seed_does_not(
    separable, regularisation
):
    X, Y, w = separable
    X_dev, Y_dev = noisy_dev_set(w, m=30)

    def train(seed):
        return nno.model(
            X,
            Y,
            [5, 6, 1],
            num_epochs=5,
            mini_batch_size=16,
            seed=seed,
            X_dev=X_dev,
            Y_dev=Y_dev,
            **regularisation,
        )

    parameters, history = train(seed=11)
    again, history_again = train(seed=11)
    assert_same_arrays(again, parameters)
    assert history_again == history

    other, history_other = train(seed=12)
    assert not np.array_equal(other["W1"], parameters["W1"])
    assert history_other["cost"] != history["cost"]


def test_dropout_changes_the_training(separable):
    X, Y, _ = separable
    without, _ = nno.model(X, Y, [5, 6, 1], num_epochs=3, seed=0)
    with_dropout, _ = nno.model(X, Y, [5, 6, 1], num_epochs=3, seed=0, keep_prob=0.7)
    assert not np.array_equal(without["W1"], with_dropout["W1"])


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "batch_norm"])
def test_early_stopping_stops_after_patience_epochs_and_returns_the_best_epoch(
    separable, batch_norm
):
    X, Y, w = separable
    X_dev, Y_dev = noisy_dev_set(w)  # 20% flipped labels: the network overfits them
    patience, num_epochs = 5, 300
    parameters, history = nno.model(
        X,
        Y,
        [5, 8, 1],
        optimizer="gd",
        learning_rate=0.1,
        num_epochs=num_epochs,
        mini_batch_size=32,
        batch_norm=batch_norm,
        X_dev=X_dev,
        Y_dev=Y_dev,
        early_stopping=patience,
    )
    best = int(np.argmin(history["dev_cost"]))
    assert best > 0, "the set-up should make the dev cost fall before it rises"
    assert len(history["cost"]) < num_epochs
    assert len(history["cost"]) == best + 1 + patience
    assert all(len(values) == len(history["cost"]) for values in history.values())
    # The returned parameters are those of the best epoch, not of the last one.
    dev_cost = nno.evaluate(X_dev, Y_dev, parameters)["log_loss"]
    assert dev_cost == pytest.approx(min(history["dev_cost"]), rel=0, abs=1e-12)
    assert dev_cost < history["dev_cost"][-1]


def pixel_like_problem():
    """Unscaled 0..255 inputs, the classic way to make a large learning rate diverge."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, size=(6, 60)).astype(np.float64)
    return X, (X[:1] > 128).astype(np.int64)


def large_scale_problem():
    rng = np.random.default_rng(0)
    X = 100 * rng.standard_normal((5, 100))
    return X, (X[:1] > 0).astype(np.int64)


@pytest.mark.filterwarnings("error")  # and no RuntimeWarning (overflow, invalid value) escapes
@pytest.mark.parametrize(
    ("problem", "layers_dims", "settings"),
    [
        # L2 with lr * lambd / m >> 2: the weights grow geometrically and the cost becomes inf.
        (pixel_like_problem, [6, 5, 1], dict(learning_rate=1e6, lambd=1.0, mini_batch_size=16)),
        # Weights of ~1e50: the forward pass overflows and the cost becomes NaN.
        (large_scale_problem, [5, 8, 4, 1], dict(learning_rate=1e50, mini_batch_size=None)),
    ],
    ids=["cost_inf", "cost_nan"],
)
def test_a_diverging_run_raises_floating_point_error_naming_epoch_and_learning_rate(
    problem, layers_dims, settings
):
    X, Y = problem()
    with pytest.raises(FloatingPointError) as error:
        nno.model(X, Y, layers_dims, optimizer="gd", num_epochs=100, **settings)
    message = str(error.value)
    assert "non-finite" in message
    assert re.search(r"epoch \d+", message)
    assert "learning rate" in message


@pytest.mark.filterwarnings("error")
def test_a_diverging_batch_norm_run_also_names_the_epoch():
    """Here the running variance overflows to inf (about epoch 9) while the training cost, which
    uses batch statistics, stays finite: the divergence must still be reported with its epoch."""
    X, Y = large_scale_problem()
    with pytest.raises(FloatingPointError) as error:
        nno.model(
            X,
            Y,
            [5, 8, 4, 1],
            optimizer="gd",
            learning_rate=1e10,
            num_epochs=50,
            mini_batch_size=None,
            batch_norm=True,
        )
    message = str(error.value)
    assert "non-finite" in message
    assert "learning rate" in message
    assert re.search(r"epoch \d+", message), f"no epoch in: {message!r}"


# ---------------------------------------------------------------------------------------------
# model(): bad arguments are refused before any work
# ---------------------------------------------------------------------------------------------


def bad_argument_cases():
    X, Y = small_training_problem()  # 4 features, 60 examples; layers [4, 3, 1]
    X_dev, Y_dev = X[:, :10], Y[:, :10]
    cases = {
        "unknown optimizer": (dict(optimizer="sgd"), ValueError, "optimizer"),
        "optimizer name is case sensitive": (dict(optimizer="Adam"), ValueError, "optimizer"),
        "learning_rate zero": (dict(learning_rate=0.0), ValueError, "learning_rate"),
        "learning_rate negative": (dict(learning_rate=-0.1), ValueError, "learning_rate"),
        "learning_rate nan": (dict(learning_rate=float("nan")), ValueError, "learning_rate"),
        "learning_rate a string": (dict(learning_rate="0.1"), TypeError, "learning_rate"),
        "num_epochs zero": (dict(num_epochs=0), ValueError, "num_epochs"),
        "num_epochs negative": (dict(num_epochs=-3), ValueError, "num_epochs"),
        "num_epochs a float": (dict(num_epochs=2.5), TypeError, "num_epochs"),
        "num_epochs a string": (dict(num_epochs="10"), TypeError, "num_epochs"),
        "mini_batch_size zero": (dict(mini_batch_size=0), ValueError, "mini_batch_size"),
        "mini_batch_size -1": (dict(mini_batch_size=-1), ValueError, "mini_batch_size"),
        "mini_batch_size a float": (dict(mini_batch_size=8.0), TypeError, "mini_batch_size"),
        "X_dev with wrong rows": (
            dict(X_dev=X_dev[:3], Y_dev=Y_dev),
            ValueError,
            "X_dev",
        ),
        "Y_dev with wrong length": (dict(X_dev=X_dev, Y_dev=Y_dev[:, :9]), ValueError, "Y_dev"),
        "X_dev without Y_dev": (dict(X_dev=X_dev), ValueError, "X_dev.*Y_dev"),
        "Y_dev without X_dev": (dict(Y_dev=Y_dev), ValueError, "X_dev.*Y_dev"),
        "early_stopping without dev set": (dict(early_stopping=3), ValueError, "early_stopping"),
        "early_stopping zero": (
            dict(early_stopping=0, X_dev=X_dev, Y_dev=Y_dev),
            ValueError,
            "early_stopping",
        ),
        "X with wrong rows": (dict(X=X[:3]), ValueError, r"\bX\b"),
        "X one-dimensional": (dict(X=X[0]), ValueError, r"\bX\b"),
        "Y with wrong length": (dict(Y=Y[:, :59]), ValueError, r"\bY\b"),
        "Y not 0/1": (dict(Y=2 * Y), ValueError, r"\bY\b"),
        "keep_prob zero": (dict(keep_prob=0.0), ValueError, "keep_prob"),
        "keep_prob above one": (dict(keep_prob=1.5), ValueError, "keep_prob"),
        "lambd negative": (dict(lambd=-1.0), ValueError, "lambd"),
        "output layer not 1": (dict(layers_dims=[4, 3, 2]), ValueError, "layers_dims"),
        "beta1 of one": (dict(beta1=1.0), ValueError, "beta1"),
        "decay negative": (dict(decay=-0.5), ValueError, "decay"),
    }
    return X, Y, cases


_X, _Y, BAD_ARGUMENTS = bad_argument_cases()


@pytest.mark.parametrize("case", BAD_ARGUMENTS)
def test_model_refuses_a_bad_argument_before_training_naming_it(case, capsys):
    overrides, exception, pattern = BAD_ARGUMENTS[case]
    decay_calls = []

    def spy_decay(learning_rate0, epoch):  # called once per epoch, so only once training starts
        decay_calls.append(epoch)
        return learning_rate0

    kwargs = dict(X=_X, Y=_Y, layers_dims=[4, 3, 1], num_epochs=5, decay=spy_decay, print_cost=True)
    kwargs.update(overrides)
    with pytest.raises(exception, match=pattern):
        nno.model(**kwargs)
    assert decay_calls == []
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------------------------------------------
# Saving and loading
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained_batch_norm_network():
    X, Y, _ = separable_problem(m=120, n_x=5, seed=0)
    parameters, _ = nno.model(X, Y, [5, 6, 3, 1], batch_norm=True, num_epochs=5, seed=0)
    return X, parameters


def test_saved_parameters_load_back_bit_for_bit_with_their_metadata(
    tmp_path, trained_batch_norm_network
):
    X, parameters = trained_batch_norm_network
    metadata = {"layers_dims": [5, 6, 3, 1], "optimizer": "adam", "notes": {"x": [1, 2.5, None]}}
    path = tmp_path / "model.npz"
    nno.save_parameters(path, parameters, **metadata)

    loaded, loaded_metadata = nno.load_parameters(path)
    assert_same_arrays(loaded, parameters)
    assert loaded_metadata == metadata
    np.testing.assert_array_equal(nn.predict_proba(X, loaded), nn.predict_proba(X, parameters))
    nno.load_parameters(str(path))  # a str path works too


def test_float32_parameters_load_back_as_float32(tmp_path):
    parameters = nn.initialize_parameters_he([3, 2, 1], seed=0, dtype=np.float32)
    nno.save_parameters(tmp_path / "f32.npz", parameters)
    loaded, metadata = nno.load_parameters(tmp_path / "f32.npz")
    assert_same_arrays(loaded, parameters)
    assert metadata == {}


def test_loading_a_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        nno.load_parameters(tmp_path / "nothing_here.npz")


def _write_npz_without_format_tag(path):
    rng = np.random.default_rng(0)
    np.savez(path, W1=rng.standard_normal((2, 3)), b1=np.zeros((2, 1)))


def _write_text(path):
    path.write_text("W1 = [[1, 2, 3]]\n")


def _write_npy(path):
    with open(path, "wb") as f:
        np.save(f, np.arange(6.0))


def _write_empty(path):
    path.write_bytes(b"")


@pytest.mark.parametrize(
    "write_foreign_file",
    [_write_npz_without_format_tag, _write_text, _write_npy, _write_empty],
    ids=["npz_without_format_tag", "text", "npy_array", "empty"],
)
def test_loading_a_file_not_written_by_save_parameters_raises_value_error(
    tmp_path, write_foreign_file
):
    path = tmp_path / "foreign.npz"
    write_foreign_file(path)
    with pytest.raises(ValueError, match="save_parameters"):
        nno.load_parameters(path)


def test_saving_non_json_metadata_raises_type_error_and_writes_nothing(tmp_path):
    parameters = nn.initialize_parameters_he([3, 2, 1], seed=0)
    path = tmp_path / "model.npz"
    with pytest.raises(TypeError, match="metadata"):
        nno.save_parameters(path, parameters, classes={"cat", "non-cat"})
    assert not path.exists()


def test_saving_an_incomplete_network_is_refused(tmp_path):
    with pytest.raises(ValueError, match="b1"):
        nno.save_parameters(tmp_path / "model.npz", {"W1": np.ones((1, 3))})


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


def test_confusion_counts_accuracy_and_balanced_accuracy_on_hand_made_labels():
    Y = np.array([[1, 1, 1, 1, 0, 0, 0, 0, 0, 0]])
    Y_pred = np.array([[1, 1, 1, 0, 1, 0, 0, 0, 0, 0]])
    counts = nno.confusion_counts(Y, Y_pred)
    assert counts == {"tp": 3, "fn": 1, "fp": 1, "tn": 5}
    assert all(type(n) is int for n in counts.values())
    assert nno.accuracy(Y, Y_pred) == pytest.approx(8 / 10)
    # recall of cats 3/4, recall of non-cats 5/6
    assert nno.balanced_accuracy(Y, Y_pred) == pytest.approx((3 / 4 + 5 / 6) / 2)


@pytest.mark.parametrize("answer", [0, 1])
def test_a_single_class_predictor_has_balanced_accuracy_one_half(answer):
    Y = np.array([[0, 0, 0, 0, 0, 0, 0, 1, 1, 1]])
    Y_pred = np.full_like(Y, answer)
    assert nno.balanced_accuracy(Y, Y_pred) == pytest.approx(0.5)
    assert nno.accuracy(Y, Y_pred) == pytest.approx(0.7 if answer == 0 else 0.3)


def test_balanced_accuracy_leaves_out_a_class_absent_from_the_labels():
    Y = np.array([[1, 1, 1, 1]])
    assert nno.balanced_accuracy(Y, np.array([[1, 1, 0, 1]])) == pytest.approx(0.75)


def test_confusion_counts_refuse_predictions_of_another_length():
    with pytest.raises(ValueError, match="Y_pred"):
        nno.confusion_counts(np.array([[1, 0, 1]]), np.array([[1, 0]]))


def test_log_loss_is_the_mean_cross_entropy_the_cost_without_l2():
    Y = np.array([[1, 0, 1]])
    probabilities = np.array([[0.9, 0.2, 0.6]])
    expected = -(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3
    assert nno.log_loss(Y, probabilities) == pytest.approx(expected, rel=1e-12)
    assert nno.log_loss(Y, probabilities) == pytest.approx(
        nn.compute_cost(probabilities, Y), rel=1e-12
    )


def test_evaluate_reports_every_score_of_a_hand_made_network():
    # P(cat | x) = sigmoid(x_0): predicted cat exactly when x_0 > 0.
    parameters = {"W1": np.array([[1.0, 0.0]]), "b1": np.array([[0.0]])}
    X = np.array([[2.0, 1.0, -1.0, -2.0, 3.0, -3.0], [5.0, -5.0, 5.0, -5.0, 0.0, 0.0]])
    Y = np.array([[1, 0, 0, 1, 1, 0]])  # predictions: 1, 1, 0, 0, 1, 0
    scores = nno.evaluate(X, Y, parameters)
    assert set(scores) == {"accuracy", "balanced_accuracy", "log_loss", "tp", "fp", "tn", "fn"}
    assert {k: scores[k] for k in ("tp", "fp", "tn", "fn")} == {"tp": 2, "fp": 1, "tn": 2, "fn": 1}
    assert scores["accuracy"] == pytest.approx(4 / 6)
    assert scores["balanced_accuracy"] == pytest.approx((2 / 3 + 2 / 3) / 2)
    # -log sigmoid(z) = log(1 + e^-z) for a cat, -log(1 - sigmoid(z)) = log(1 + e^z) otherwise
    losses = [
        math.log1p(math.exp(-2)),  # cat, z = 2
        math.log1p(math.exp(1)),  # non-cat, z = 1
        math.log1p(math.exp(-1)),  # non-cat, z = -1
        math.log1p(math.exp(2)),  # cat, z = -2
        math.log1p(math.exp(-3)),  # cat, z = 3
        math.log1p(math.exp(-3)),  # non-cat, z = -3
    ]
    assert scores["log_loss"] == pytest.approx(sum(losses) / 6, rel=1e-12)


def test_evaluate_log_loss_leaves_out_the_l2_term(trained_batch_norm_network):
    X, parameters = trained_batch_norm_network
    Y = (X[:1] > 0).astype(np.int64)
    probabilities = nn.predict_proba(X, parameters)
    log_loss = nno.evaluate(X, Y, parameters)["log_loss"]
    assert log_loss == pytest.approx(nn.compute_cost(probabilities, Y), rel=1e-12)
    assert log_loss < nn.compute_cost(probabilities, Y, parameters, lambd=1.0)


# ---------------------------------------------------------------------------------------------
# Random hyperparameter search
# ---------------------------------------------------------------------------------------------


def cycling(*values):
    """A search-space entry that ignores the generator and returns ``values`` in turn."""
    it = itertools.cycle(values)
    return lambda rng, config: next(it)


def search_space():
    """Trials in turn: Adam (good), gd with an enormous L2 penalty, RMSprop (good), and momentum
    at a learning rate of 1e6 with L2 (diverges).

    The over-regularised gd run shrinks its weights to ~0 while its bias learns the class prior,
    so on the two-thirds-positive problem it answers "cat" for everything.
    """
    settings = {
        "adam": (0.05, 0.0),
        "gd": (0.002, 1e4),
        "rmsprop": (0.01, 0.0),
        "momentum": (1e6, 10.0),
    }
    return {
        "hidden": [()],
        "optimizer": cycling("adam", "gd", "rmsprop", "momentum"),
        "learning_rate": lambda rng, config: settings[config["optimizer"]][0],
        "lambd": lambda rng, config: settings[config["optimizer"]][1],
        "keep_prob": [1.0],
        "batch_norm": [False],
        "mini_batch_size": [None],
        "num_epochs": [300],
    }


@pytest.fixture(scope="module")
def search_result():
    X, Y, _ = imbalanced_separable_problem()
    return X, Y, nno.random_search(X, Y, n_trials=4, space=search_space(), cv=3, seed=0)


def test_random_search_returns_trials_best_first_with_rejected_ones_last(search_result):
    X, Y, result = search_result
    assert set(result) == {"trials", "best_config", "parameters", "history"}
    trials = result["trials"]
    assert len(trials) == 4
    assert sorted(t["trial"] for t in trials) == [0, 1, 2, 3]
    accepted = [t for t in trials if t["rejected"] is None]
    assert [t["optimizer"] for t in accepted] in (["adam", "rmsprop"], ["rmsprop", "adam"])
    assert trials[: len(accepted)] == accepted, "accepted trials come first"
    losses = [t["log_loss"] for t in accepted]
    assert losses == sorted(losses), "ranked by log_loss, lowest first"
    for t in trials:
        assert {"log_loss", "balanced_accuracy", "accuracy", "rejected", "seconds"} <= set(t)
        assert t["seconds"] >= 0


def test_random_search_rejects_a_single_class_predictor_and_a_diverging_run(search_result):
    _, _, result = search_result
    rejected = {t["optimizer"]: t for t in result["trials"] if t["rejected"] is not None}
    assert set(rejected) == {"gd", "momentum"}
    assert rejected["gd"]["rejected"] == "predicts a single class"
    assert rejected["momentum"]["rejected"] == "diverged"
    for t in rejected.values():
        assert all(math.isnan(t[metric]) for metric in ("log_loss", "balanced_accuracy"))


def test_random_search_refits_the_best_configuration_on_all_the_data(search_result):
    X, Y, result = search_result
    best = result["trials"][0]
    space_keys = search_space().keys()
    assert result["best_config"] == {key: best[key] for key in space_keys}
    assert len(result["history"]["cost"]) == result["best_config"]["num_epochs"]
    assert nn.check_parameters(result["parameters"]) == [X.shape[0], 1]
    assert nno.accuracy(Y, nn.predict(X, result["parameters"])) == 1.0


def test_random_search_can_rank_by_balanced_accuracy_highest_first():
    X, Y, _ = imbalanced_separable_problem()
    result = nno.random_search(
        X, Y, n_trials=4, space=search_space(), cv=3, metric="balanced_accuracy", refit=False
    )
    assert "parameters" not in result and "history" not in result
    scores = [t["balanced_accuracy"] for t in result["trials"] if t["rejected"] is None]
    assert len(scores) == 2 and scores == sorted(scores, reverse=True)
    assert [t["rejected"] is None for t in result["trials"]] == [True, True, False, False]


def test_random_search_is_reproducible_for_a_seed():
    X, Y, _ = imbalanced_separable_problem()

    def search(seed):
        result = nno.random_search(X, Y, n_trials=2, space=search_space(), cv=3, seed=seed)
        trials = [{k: v for k, v in t.items() if k != "seconds"} for t in result["trials"]]
        return trials, result["parameters"]

    trials, parameters = search(seed=3)
    trials_again, parameters_again = search(seed=3)
    assert trials_again == trials
    assert_same_arrays(parameters_again, parameters)
    other_trials, _ = search(seed=4)
    assert [t["log_loss"] for t in other_trials] != [t["log_loss"] for t in trials]


def test_random_search_with_a_dev_set_scores_each_configuration_on_it():
    X, Y, w = imbalanced_separable_problem()
    X_dev, Y_dev = noisy_dev_set(w, m=30, flip=0.0, seed=5)  # the same rule, noise-free
    augmented_sizes = []

    def augment(X_part, Y_part):
        augmented_sizes.append(X_part.shape[1])
        return X_part, Y_part

    space = {**search_space(), "optimizer": ["adam"]}
    result = nno.random_search(
        X, Y, n_trials=2, space=space, X_dev=X_dev, Y_dev=Y_dev, augment=augment, seed=0
    )
    # augment only ever sees the training data, never the dev set.
    assert augmented_sizes == [X.shape[1]] * 3
    # The scores are those of the dev set alone: finite, and since the refit trains on (X, Y)
    # with the same seed as the trial did, exactly the returned model's scores on the dev set.
    best = result["trials"][0]
    assert best["rejected"] is None
    assert math.isfinite(best["log_loss"]), f"log_loss of the best trial is {best['log_loss']}"
    scores = nno.evaluate(X_dev, Y_dev, result["parameters"])
    for metric in ("log_loss", "balanced_accuracy", "accuracy"):
        assert best[metric] == pytest.approx(scores[metric], rel=1e-12), metric


def test_cross_validated_search_augments_only_the_training_folds():
    X, Y, _ = imbalanced_separable_problem()  # 54 examples: 3 folds of 18
    augmented_sizes = []

    def augment(X_part, Y_part):
        augmented_sizes.append(X_part.shape[1])
        return X_part, Y_part

    space = {**search_space(), "optimizer": ["adam"], "num_epochs": [20]}
    nno.random_search(X, Y, n_trials=1, space=space, cv=3, augment=augment)
    assert augmented_sizes == [36, 36, 36, 54]  # three training folds, then the refit


def test_random_search_raises_when_every_configuration_is_rejected():
    X, Y, _ = imbalanced_separable_problem()
    X_dev = np.repeat(X[:, :1], 10, axis=1)  # ten copies of one example: one class predicted
    Y_dev = np.array([[0, 1] * 5])
    space = {**search_space(), "optimizer": ["adam"], "num_epochs": [20]}
    with pytest.raises(RuntimeError, match="rejected"):
        nno.random_search(X, Y, n_trials=2, space=space, X_dev=X_dev, Y_dev=Y_dev)


def test_random_search_refuses_bad_arguments():
    X, Y, _ = imbalanced_separable_problem()
    with pytest.raises(ValueError, match="metric"):
        nno.random_search(X, Y, n_trials=1, metric="f1")
    with pytest.raises(ValueError, match="X_dev.*Y_dev"):
        nno.random_search(X, Y, n_trials=1, X_dev=X[:, :5])
    with pytest.raises(ValueError, match="n_trials"):
        nno.random_search(X, Y, n_trials=0)


def test_sample_configuration_draws_in_order_with_python_values():
    space = {
        "a": [1, 2, 3],
        "b": lambda rng, config: config["a"] * 10,  # sees the values drawn before it
        "c": np.array([0.25, 0.5]),
        "d": [(8,), (4, 2)],
    }
    configs = [nno.sample_configuration(space, np.random.default_rng(s)) for s in range(30)]
    for config in configs:
        assert list(config) == ["a", "b", "c", "d"]
        assert config["b"] == 10 * config["a"]
        assert type(config["c"]) is float and config["c"] in (0.25, 0.5)
        assert config["d"] in [(8,), (4, 2)]
    assert {config["a"] for config in configs} == {1, 2, 3}
    assert nno.sample_configuration(space, np.random.default_rng(4)) == configs[4]


def test_default_search_space_draws_learning_rates_in_the_range_of_the_drawn_optimiser():
    rng = np.random.default_rng(0)
    ranges = {"momentum": (3e-3, 3e-2), "rmsprop": (5e-5, 2e-3), "adam": (5e-5, 2e-3)}
    for _ in range(60):
        config = nno.sample_configuration(nno.DEFAULT_SEARCH_SPACE, rng)
        low, high = ranges[config["optimizer"]]
        assert low <= config["learning_rate"] <= high


def test_format_trials_renders_a_header_and_one_line_per_trial(search_result):
    _, _, result = search_result
    trials = result["trials"]
    table = nno.format_trials(trials)
    assert isinstance(table, str)
    lines = table.splitlines()
    assert len(lines) == 1 + len(trials)
    for title in ("trial", "optimizer", "lr", "logloss", "rejected"):
        assert title in lines[0]
    assert "predicts a single class" in table and "diverged" in table
    assert len(nno.format_trials(trials, top=1).splitlines()) == 2
    assert len(nno.format_trials(trials, header=False).splitlines()) == len(trials)


def test_format_trials_renders_trials_of_a_space_that_varies_only_some_settings():
    """A space need not name every model() argument (train_configuration defaults hidden to ()
    and model() has defaults), and verbose=True prints each trial with format_trials."""
    X, Y, _ = imbalanced_separable_problem()
    space = {"optimizer": ["adam"], "learning_rate": [0.05], "num_epochs": [20]}
    result = nno.random_search(X, Y, n_trials=1, space=space, cv=3, refit=False)
    assert result["trials"][0]["rejected"] is None
    table = nno.format_trials(result["trials"])
    assert len(table.splitlines()) == 2


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------


def _cat_data_missing():
    try:
        cat_data.find_data_dir()
    except FileNotFoundError:
        return True
    return False


needs_cat_data = pytest.mark.skipif(
    _cat_data_missing(),
    reason="the cat images (train_catvnoncat.h5, test_catvnoncat.h5) were not found: "
    "cat_data.find_data_dir() raised FileNotFoundError (see README, 'Getting the data')",
)


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "neural_net_optimized", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_help_lists_the_training_flags():
    completed = run_cli("--help")
    assert completed.returncode == 0, completed.stderr
    for flag in (
        "--optimizer",
        "--learning-rate",
        "--num-epochs",
        "--mini-batch-size",
        "--lambd",
        "--keep-prob",
        "--batch-norm",
        "--output-dir",
    ):
        assert flag in completed.stdout


@needs_cat_data
def test_cli_short_run_reports_accuracies_and_saves_the_model_and_cost_curve(tmp_path):
    completed = run_cli("--num-epochs", "2", "--output-dir", str(tmp_path), "--no-print-cost")
    assert completed.returncode == 0, completed.stderr

    printed = {}
    for line in completed.stdout.splitlines():
        fields = line.split()
        if fields and fields[0] in ("train", "dev", "test"):
            printed[fields[0]] = float(fields[-2])  # columns: ... accuracy balanced
    assert set(printed) == {"train", "dev", "test"}
    assert all(0.0 <= accuracy <= 1.0 for accuracy in printed.values())

    parameters, metadata = nno.load_parameters(tmp_path / "cat_model.npz")
    assert metadata["num_epochs"] == 2
    assert nn.check_parameters(parameters) == metadata["layers_dims"]
    assert metadata["accuracy"]["test"] == pytest.approx(printed["test"], abs=5e-4)
    # The saved model is the one that was scored: its test accuracy is the printed one.
    _, _, test_x, test_y, _ = cat_data.load_cat_data()
    X_test = cat_data.flatten_and_scale(test_x)
    assert nno.evaluate(X_test, test_y, parameters)["accuracy"] == metadata["accuracy"]["test"]

    png = tmp_path / "cost_curve.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_cat_data
def test_main_returns_the_scores_of_each_split_and_zero_batch_size_means_full_batch(tmp_path):
    short_run = ["--num-epochs", "1", "--hidden", "3", "--augment", "none", "--no-print-cost"]
    full_batch = ["--mini-batch-size", "0"]
    results = nno.main([*short_run, *full_batch, "--output-dir", str(tmp_path)])
    assert set(results) == {"train", "dev", "test"}
    for scores in results.values():
        assert set(scores) == {"accuracy", "balanced_accuracy", "log_loss", "tp", "fp", "tn", "fn"}
    _, metadata = nno.load_parameters(tmp_path / "cat_model.npz")
    assert metadata["mini_batch_size"] is None
    assert metadata["layers_dims"] == [12288, 3, 1]
    assert metadata["accuracy"] == {name: s["accuracy"] for name, s in results.items()}


# ---------------------------------------------------------------------------------------------
# Large arrays are updated a few rows at a time: bit-for-bit the same result
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_flushing_sets_only_subnormal_entries_to_zero(dtype):
    tiny = np.finfo(dtype).tiny
    array = np.array([[tiny / 4, -tiny / 1024, tiny, -tiny], [0.0, 1e-3, -2.5, tiny * 2]], dtype)
    expected = array.copy()
    expected[0, :2] = 0.0

    nno._flush_subnormals(array)

    np.testing.assert_array_equal(array, expected)
    assert array.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_row_block_updates_equal_the_whole_array_update(dtype):
    rng = np.random.default_rng(0)
    shape = (20, 4096)  # large enough to be split into row blocks
    theta, g, v, s = (rng.standard_normal(shape).astype(dtype) for _ in range(4))
    s = np.abs(s)
    parameters = {"W1": theta, "b1": np.zeros((20, 1), dtype)}
    grads = {"dW1": g, "db1": np.ones((20, 1), dtype)}
    state_v = {"dW1": v, "db1": np.zeros((20, 1), dtype)}
    state_s = {"dW1": s, "db1": np.zeros((20, 1), dtype)}

    new, new_v, new_s = nno.update_parameters_with_adam(
        parameters, grads, state_v, state_s, 7, 0.01, 0.9, 0.999, 1e-8
    )

    # adam_step on the whole arrays, with the moments as the sums it keeps (V = v / (1 - beta1)).
    expected = [theta.copy(), g.copy(), v / (1 - 0.9), s / (1 - 0.999)]
    nno.adam_step(*expected, 7, 0.01, 0.9, 0.999, 1e-8)
    np.testing.assert_array_equal(new["W1"], expected[0])
    np.testing.assert_array_equal(new_v["dW1"], expected[2] * (1 - 0.9))
    np.testing.assert_array_equal(new_s["dW1"], expected[3] * (1 - 0.999))
    assert new["W1"].dtype == dtype


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "batch_norm"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_model_takes_the_steps_of_the_public_update_functions(separable, optimizer, batch_norm):
    """model()'s in-place updates (Adam's moments kept as sums) follow the public functions."""
    X, Y, _ = separable
    layers, lr, lambd = [5, 8, 4, 1], GOOD_LEARNING_RATES[optimizer], 0.3
    trained, _ = nno.model(
        X, Y, layers, optimizer=optimizer, learning_rate=lr, num_epochs=20, lambd=lambd,
        mini_batch_size=None, batch_norm=batch_norm, seed=3,
    )  # fmt: skip

    init_seed, _ = np.random.SeedSequence(3).spawn(2)
    parameters = nn.initialize_parameters_he(
        layers, seed=np.random.default_rng(init_seed), batch_norm=batch_norm
    )
    v, s = nno.initialize_adam(parameters)
    for t in range(1, 21):  # past step 16, where model() also flushes subnormals (none here)
        AL, caches = nn.forward_propagation(X, parameters)
        grads = nn.backward_propagation(AL, Y, caches, lambd)
        parameters = {**parameters, **caches["running_stats"]}
        if optimizer == "gd":
            parameters = nno.update_parameters_with_gd(parameters, grads, lr)
        elif optimizer == "momentum":
            parameters, v = nno.update_parameters_with_momentum(parameters, grads, v, 0.9, lr)
        elif optimizer == "rmsprop":
            parameters, s = nno.update_parameters_with_rmsprop(parameters, grads, s, 0.999, lr)
        else:
            parameters, v, s = nno.update_parameters_with_adam(parameters, grads, v, s, t, lr)

    assert trained.keys() == parameters.keys()
    for key in parameters:
        np.testing.assert_allclose(trained[key], parameters[key], rtol=1e-12, atol=1e-15)
