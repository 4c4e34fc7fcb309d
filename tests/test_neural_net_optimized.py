"""Specification of neural_net_optimized: how the network of neural_network.py is trained.

Read top to bottom, the tests state what the module promises:

* mini-batches: one shared shuffle of the columns of X and Y, every example once per epoch;
* the four update rules, checked on a tiny network against numbers worked out by hand, and the
  contract they share (every trainable key updated, running statistics untouched, no argument
  modified, state dicts keyed like the gradients);
* learning-rate decay, alone and inside model();
* model(): it learns a separable problem with every optimiser, its history, its cost, its
  determinism, early stopping, divergence and argument checking;
* saving and loading, and the names that moved to other modules in this release.

Everything runs on small synthetic problems. (Metrics and the search are specified in
test_model_selection.py, the command line in test_cat_cli.py.)
"""

import copy
import itertools
import math
import re
from pathlib import Path

import numpy as np
import pytest
from problems import (
    assert_same_arrays,
    gaussian_blobs,
    noisy_dev_set,
    one_hot,
    separable_problem,
    two_moons,
)

import example_data
import model_selection as ms
import neural_net_optimized as nno
import neural_network as nn
import persistence

REPO_ROOT = Path(__file__).resolve().parent.parent
OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
# Learning rates at which each optimiser reliably solves the separable problem below.
GOOD_LEARNING_RATES = {"gd": 0.1, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.01}


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def full_cost(X, Y, parameters, lambd=0.0):
    """The cost J (cross-entropy + L2) of ``parameters`` on the whole of ``(X, Y)``."""
    return nn.compute_cost(nn.predict_proba(X, parameters), Y, parameters, lambd)


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


def test_the_coursera_call_with_a_decay_function_and_decay_rate_works():
    """``model(X, Y, layers_dims, optimizer="adam", decay=update_lr, decay_rate=1)``, as in the
    Coursera notebook: ``decay`` is called as ``decay(learning_rate0, epoch_num, decay_rate)``."""
    X, Y = small_training_problem()
    layers_dims = [4, 3, 1]
    _, history = nno.model(X, Y, layers_dims, optimizer="adam", decay=nno.update_lr, decay_rate=1)
    assert history["learning_rate"] == pytest.approx([0.001 / (1 + epoch) for epoch in range(100)])
    _, history = nno.model(
        X, Y, layers_dims, optimizer="adam", decay=nno.schedule_lr_decay, decay_rate=1
    )
    assert history["learning_rate"] == pytest.approx([0.001] * 100)  # interval of 1000 epochs
    _, history = nno.model(X, Y, layers_dims, num_epochs=3, decay=nno.update_lr)  # rate 1
    assert history["learning_rate"] == pytest.approx([0.001, 0.0005, 0.001 / 3])


@pytest.mark.parametrize(
    ("settings", "error", "match"),
    [
        (dict(decay=float("nan")), ValueError, "decay"),
        (dict(decay="0.5"), TypeError, "decay"),
        (dict(decay=0.5, decay_rate=1.0), ValueError, "decay_rate"),
        (dict(decay=nno.update_lr, decay_rate=-1.0), ValueError, "decay_rate"),
        (dict(decay=nno.update_lr, decay_every=3), ValueError, "decay_every"),
        (dict(decay=lambda lr, epoch: -lr), ValueError, "learning rate .* epoch 0"),
    ],
    ids=["nan", "string", "rate_with_number", "negative_rate", "every_with_function", "negative"],
)
def test_a_bad_decay_is_refused_naming_it(settings, error, match):
    X, Y = small_training_problem()
    with pytest.raises(error, match=match):
        nno.model(X, Y, [4, 3, 1], num_epochs=2, **settings)


@pytest.mark.parametrize(
    "call",
    [
        lambda: nno.update_lr(0.1, 3, -1.0),
        lambda: nno.update_lr(-0.1, 3, 1.0),
        lambda: nno.schedule_lr_decay(0.1, 3, 1.0, time_interval=0),
        lambda: nno.schedule_lr_decay(0.1, -1, 1.0),
    ],
    ids=["negative_rate", "negative_learning_rate", "zero_interval", "negative_epoch"],
)
def test_the_decay_functions_refuse_impossible_arguments(call):
    with pytest.raises(ValueError, match="decay_rate|learning_rate0|time_interval|epoch_num"):
        call()


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
    assert ms.accuracy(Y, nn.predict(X, parameters)) == 1.0
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
    scores = ms.evaluate(X_dev, Y_dev, parameters)
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
    assert ms.accuracy(Y, nn.predict(X, p32)) == ms.accuracy(Y, nn.predict(X, p64)) == 1.0
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


def batch_sizes_seen(monkeypatch):
    """Record the number of columns of every training forward pass of model()."""
    sizes = []
    real = nn.forward_propagation

    def spy(X_batch, *args, **kwargs):
        sizes.append(X_batch.shape[1])
        return real(X_batch, *args, **kwargs)

    monkeypatch.setattr(nn, "forward_propagation", spy)
    return sizes


def test_with_batch_norm_a_trailing_batch_of_one_is_merged_into_the_one_before(monkeypatch):
    X, Y = two_moons(705)  # 705 = 22 * 32 + 1
    sizes = batch_sizes_seen(monkeypatch)
    nno.model(X, Y, [2, 8, 1], batch_norm=True, mini_batch_size=32, num_epochs=2)
    assert sizes == ([32] * 21 + [33]) * 2
    sizes.clear()
    nno.model(X, Y, [2, 8, 1], batch_norm=False, mini_batch_size=32, num_epochs=1)
    assert sizes == [32] * 22 + [1], "without batch norm a batch of one is a fine batch"


def test_batch_norm_on_two_moons_with_a_trailing_single_example_learns_the_moons():
    X, Y = two_moons(705)
    X_test, Y_test = two_moons(2000, seed=1)
    parameters, _ = nno.model(X, Y, [2, 16, 8, 1], batch_norm=True, mini_batch_size=32,
                              num_epochs=60, learning_rate=0.01, seed=0)  # fmt: skip
    assert min(parameters["running_var1"].min(), parameters["running_var2"].min()) > 1e-3
    assert ms.accuracy(Y_test, nn.predict(X_test, parameters)) > 0.95


@pytest.mark.parametrize(("m", "mini_batch_size"), [(1, None), (10, 1)])
def test_batch_norm_refuses_batches_that_can_only_have_one_example(m, mini_batch_size):
    X, Y = small_training_problem()
    with pytest.raises(ValueError, match="batch_norm=True needs at least 2 examples"):
        nno.model(X[:, :m], Y[:, :m], [4, 3, 1], batch_norm=True, mini_batch_size=mini_batch_size)


def test_model_with_a_standardizer_trains_on_standardised_inputs_and_keeps_it(separable):
    X, Y, _ = separable
    X_raw = 50.0 + 10.0 * X  # far from centred
    stats = nn.fit_standardizer(X_raw)
    with_it, _ = nno.model(X_raw, Y, [5, 4, 1], num_epochs=3, seed=2, standardize="feature")
    by_hand, _ = nno.model(nn.standardize(X_raw, stats), Y, [5, 4, 1], num_epochs=3, seed=2)
    assert set(with_it) == set(by_hand) | {"input_mean", "input_scale"}
    for key in by_hand:
        np.testing.assert_array_equal(with_it[key], by_hand[key])
    # The network takes raw inputs: its predictions are those of the network on standardised X.
    np.testing.assert_array_equal(
        nn.predict_proba(X_raw, with_it), nn.predict_proba(nn.standardize(X_raw, stats), by_hand)
    )
    fitted, _ = nno.model(X_raw, Y, [5, 4, 1], num_epochs=3, seed=2, standardize=stats)
    assert_same_arrays(fitted, with_it)


def test_print_cost_prints_lines_and_progress_draws_a_tqdm_bar(capsys):
    X, Y = small_training_problem()
    nno.model(X, Y, [4, 3, 1], num_epochs=20, print_cost=True, print_every=10, progress=True)
    out, err = capsys.readouterr()
    assert [line.split(":")[0] for line in out.splitlines()] == [
        "Cost after epoch 0", "Cost after epoch 10", "Cost after epoch 19",
    ]  # fmt: skip
    assert "20/20" in err and "epoch" in err  # tqdm writes its bar to stderr
    nno.model(X, Y, [4, 3, 1], num_epochs=5)
    assert capsys.readouterr() == ("", "")


def test_print_cost_into_a_file_or_pipe_prints_its_lines_without_a_bar(capsys):
    X, Y = small_training_problem()  # capsys's stderr is not a terminal, as in a log file
    nno.model(X, Y, [4, 3, 1], num_epochs=20, print_cost=True, print_every=10)
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 3 and err == ""


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
    dev_cost = ms.evaluate(X_dev, Y_dev, parameters)["log_loss"]
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
        "labels beyond K": (dict(layers_dims=[4, 3, 2], Y=2 * Y), ValueError, r"Y must hold"),
        "beta1 of one": (dict(beta1=1.0), ValueError, "beta1"),
        "decay negative": (dict(decay=-0.5), ValueError, "decay"),
        "decay NaN": (dict(decay=float("nan")), ValueError, "decay"),
        "beta a string": (dict(beta="0.9"), TypeError, "beta"),
        "learning_rate inf": (dict(learning_rate=float("inf")), ValueError, "learning_rate"),
        "keep_prob complex": (dict(keep_prob=0.5 + 0j), TypeError, "keep_prob"),
        "lambd a list": (dict(lambd=[1.0]), TypeError, "lambd"),
        "epsilon zero": (dict(epsilon=0.0), ValueError, "epsilon"),
        "batch_norm a string": (dict(batch_norm="yes"), TypeError, "batch_norm"),
        "seed negative": (dict(seed=-1), ValueError, "seed"),
        "dtype int": (dict(dtype=np.int32), TypeError, "dtype"),
        "standardize unknown": (dict(standardize="pixel"), TypeError, "standardize"),
        "Y complex": (dict(Y=Y.astype(complex)), TypeError, r"\bY\b"),
        "X with NaN": (dict(X=np.where(X > 1, np.nan, X)), ValueError, r"\bX\b"),
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


def test_the_file_is_written_at_exactly_the_path_given_and_loads_from_it(tmp_path):
    parameters = nn.initialize_parameters_he([3, 2, 1], seed=0)
    written = nno.save_parameters(tmp_path / "model", parameters)  # no .npz appended
    assert written == tmp_path / "model" and sorted(p.name for p in tmp_path.iterdir()) == ["model"]
    assert_same_arrays(nno.load_parameters(tmp_path / "model")[0], parameters)


def test_a_network_with_a_standardizer_predicts_on_raw_inputs_after_loading(tmp_path):
    X, Y, _ = separable_problem(m=60, n_x=5, seed=3)
    X_raw = 100.0 + 20.0 * X
    parameters, _ = nno.model(X_raw, Y, [5, 4, 1], num_epochs=3, standardize="feature")
    nno.save_parameters(tmp_path / "model.npz", parameters)
    loaded, _ = nno.load_parameters(tmp_path / "model.npz")
    assert_same_arrays(loaded, parameters)
    np.testing.assert_array_equal(
        nn.predict_proba(X_raw, loaded), nn.predict_proba(X_raw, parameters)
    )


def _truncated_copy(source, path):
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _corrupted_copy(source, path):
    data = bytearray(source.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage", [_truncated_copy, _corrupted_copy], ids=["truncated", "corrupted"]
)
def test_a_damaged_file_is_a_value_error_saying_it_is_not_readable(tmp_path, damage):
    parameters = nn.initialize_parameters_he([30, 20, 1], seed=0)
    nno.save_parameters(tmp_path / "good.npz", parameters)
    damage(tmp_path / "good.npz", tmp_path / "bad.npz")
    with pytest.raises(ValueError, match="not a readable parameters file"):
        nno.load_parameters(tmp_path / "bad.npz")


def test_a_tagged_file_whose_network_is_broken_is_a_value_error(tmp_path):
    np.savez(tmp_path / "broken.npz", __format__=np.array(persistence._FILE_FORMAT),
             __metadata__=np.array("{}"), **{"param:W1": np.ones((2, 3))})  # fmt: skip
    with pytest.raises(ValueError, match="b1"):
        nno.load_parameters(tmp_path / "broken.npz")


@pytest.mark.parametrize(
    ("parameters", "metadata", "error", "match"),
    [
        ({"W1": np.array([["a", "b"]], dtype=object), "b1": np.zeros((1, 1))}, {}, TypeError, "W1"),
        (None, {}, TypeError, "parameters"),
        ("network", {"score": float("nan")}, TypeError, "metadata"),
    ],
    ids=["object_array", "none", "nan_metadata"],
)
def test_saving_something_that_is_not_a_network_is_refused(
    tmp_path, parameters, metadata, error, match
):
    if parameters == "network":
        parameters = nn.initialize_parameters_he([3, 1], seed=0)
    with pytest.raises(error, match=match):
        nno.save_parameters(tmp_path / "model.npz", parameters, **metadata)
    assert not list(tmp_path.iterdir()), "nothing is written"


def test_saving_into_a_missing_directory_or_onto_a_directory_says_so(tmp_path):
    parameters = nn.initialize_parameters_he([3, 1], seed=0)
    with pytest.raises(FileNotFoundError, match="directory"):
        nno.save_parameters(tmp_path / "no" / "model.npz", parameters)
    with pytest.raises(ValueError, match="directory"):
        nno.save_parameters(tmp_path, parameters)
    with pytest.raises(TypeError, match="path"):
        nno.save_parameters(3, parameters)


# ---------------------------------------------------------------------------------------------
# The previous release's forwarding of moved names has ended (CHANGELOG.md lists their homes)
# ---------------------------------------------------------------------------------------------


def test_names_that_moved_a_release_ago_are_no_longer_forwarded_from_here():
    for name in ("evaluate", "random_search", "format_trials", "METRICS", "main"):
        with pytest.raises(AttributeError, match=name):
            getattr(nno, name)
    changelog = (Path(__file__).resolve().parent.parent / "CHANGELOG.md").read_text()
    assert "`evaluate`" in changelog and "`model_selection`" in changelog


def test_the_jobs_split_out_of_this_module_are_still_importable_from_it():
    import _speed_path
    import learning_rate_decay
    import persistence

    assert nno.save_parameters is persistence.save_parameters
    assert nno.load_parameters is persistence.load_parameters
    assert nno.update_lr is learning_rate_decay.update_lr
    assert nno.schedule_lr_decay is learning_rate_decay.schedule_lr_decay
    for rule in ("gd_step", "momentum_step", "rmsprop_step", "adam_step"):
        assert getattr(nno, rule) is getattr(_speed_path, rule)


def test_model_options_are_the_keyword_arguments_of_model():
    assert "optimizer" in nno.MODEL_OPTIONS and "standardize" in nno.MODEL_OPTIONS
    assert not {"X", "Y", "layers_dims"} & set(nno.MODEL_OPTIONS)


# ---------------------------------------------------------------------------------------------
# model() takes its steps through the speed path: the same steps as the textbook rules
# ---------------------------------------------------------------------------------------------


def assert_textbook_loop_gives(trained, X, Y, parameters, optimizer, lr, lambd, epochs=20):
    """Walk full-batch training with the public functions and compare with ``trained``."""
    v, s = nno.initialize_adam(parameters)
    for t in range(1, epochs + 1):  # past step 16, where model() flushes subnormals (none here)
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
    assert_textbook_loop_gives(trained, X, Y, parameters, optimizer, lr, lambd)


def test_initial_parameters_are_what_model_starts_from():
    X, Y = small_training_problem()
    start = nno.initial_parameters([4, 3, 1], seed=5)
    # A learning rate of 1e-300 leaves the weights where they started, to 1e-300.
    trained, _ = nno.model(X, Y, [4, 3, 1], optimizer="gd", learning_rate=1e-300, num_epochs=1,
                           seed=5)  # fmt: skip
    assert trained.keys() == start.keys()
    for key in start:
        np.testing.assert_allclose(trained[key], start[key], rtol=0, atol=1e-290)
    assert not np.array_equal(start["W1"], nno.initial_parameters([4, 3, 1], seed=6)["W1"])


# ---------------------------------------------------------------------------------------------
# model(): K classes, a softmax output
# ---------------------------------------------------------------------------------------------
# layers_dims[-1] = K >= 2 trains a softmax over K classes. Y may be (1, m) labels 0..K-1 or
# one-hot (K, m): the same training, bit for bit. Every optimiser and every option works as for
# the sigmoid network, and the dev accuracy counts the most probable class.

BLOB_LAYERS = [2, 8, 3]


@pytest.fixture(scope="module")
def blobs():
    """Three Gaussian blobs in the plane: 150 training and 60 dev examples."""
    X, Y = gaussian_blobs(m=150, num_classes=3, seed=0)
    X_dev, Y_dev = gaussian_blobs(m=60, num_classes=3, seed=1)
    return X, Y, X_dev, Y_dev


def train_blobs(X, Y, **options):
    settings = dict(num_epochs=20, mini_batch_size=32, seed=0, optimizer="adam")
    settings.update(options)
    settings.setdefault("learning_rate", GOOD_LEARNING_RATES[settings["optimizer"]])
    return nno.model(X, Y, BLOB_LAYERS, **settings)


def accuracy(X, Y, parameters):
    return float(np.mean(nn.predict(X, parameters) == Y))


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_model_learns_three_classes_with_every_optimiser(blobs, optimizer):
    X, Y, X_dev, Y_dev = blobs

    parameters, history = train_blobs(X, Y, optimizer=optimizer)

    assert parameters["W2"].shape == (3, 8) and parameters["b2"].shape == (3, 1)
    assert nn.predict_proba(X, parameters).shape == (3, 150)
    assert accuracy(X, Y, parameters) > 0.95
    assert accuracy(X_dev, Y_dev, parameters) > 0.95
    assert history["cost"][-1] < history["cost"][0] / 4


K_CLASS_OPTIONS = {
    "L2": dict(lambd=0.5),
    "dropout": dict(keep_prob=0.8),
    "batch norm": dict(batch_norm=True),
    "all three": dict(lambd=0.5, keep_prob=0.8, batch_norm=True, optimizer="momentum"),
    "decay": dict(decay=0.1),
    "decay every 5 epochs": dict(decay=0.5, decay_every=5, optimizer="gd"),
    "float32": dict(dtype=np.float32),
    "full batch": dict(mini_batch_size=None, num_epochs=100, optimizer="gd"),
    "standardized": dict(standardize="feature"),
}


@pytest.mark.parametrize("options", K_CLASS_OPTIONS.values(), ids=K_CLASS_OPTIONS)
def test_model_learns_three_classes_with_every_option(blobs, options):
    X, Y, X_dev, Y_dev = blobs

    parameters, history = train_blobs(X, Y, **options)

    assert accuracy(X, Y, parameters) > 0.95
    assert accuracy(X_dev, Y_dev, parameters) > 0.95
    assert history["cost"][-1] < history["cost"][0] / 2


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_k_class_training_keeps_its_dtype_end_to_end(blobs, dtype):
    X, Y, X_dev, Y_dev = blobs

    parameters, history = train_blobs(
        X.astype(dtype), Y, X_dev=X_dev.astype(dtype), Y_dev=Y_dev, batch_norm=True
    )

    for key, value in parameters.items():
        assert value.dtype == dtype, key
    assert nn.predict_proba(X.astype(dtype), parameters).dtype == dtype
    assert all(type(value) is float for values in history.values() for value in values)
    assert history["dev_accuracy"][-1] > 0.95


K_CLASS_RUNS = {
    "adam": dict(),
    "gd, L2, dropout, batch norm": dict(optimizer="gd", lambd=0.3, keep_prob=0.8, batch_norm=True),
    "momentum, float32, decay": dict(optimizer="momentum", dtype=np.float32, decay=0.2),
    "rmsprop, dev set, early stopping": dict(optimizer="rmsprop", early_stopping=2, dev=True),
}


@pytest.mark.parametrize("options", K_CLASS_RUNS.values(), ids=K_CLASS_RUNS)
@pytest.mark.parametrize(
    "form",
    [
        lambda Y: Y.astype(np.int8),
        lambda Y: Y.astype(np.float64),
        lambda Y: one_hot(Y, 3),
        lambda Y: one_hot(Y, 3).astype(bool),
    ],
    ids=["int8 labels", "float labels", "one-hot", "one-hot bool"],
)
def test_labels_and_one_hot_labels_train_bit_identically(blobs, form, options):
    X, Y, X_dev, Y_dev = blobs
    options = dict(options, num_epochs=5)
    dev = options.pop("dev", False)

    def train(labels):
        dev_set = dict(X_dev=X_dev, Y_dev=labels(Y_dev)) if dev else {}
        return train_blobs(X, labels(Y), **dev_set, **options)

    parameters, history = train(form)
    expected, expected_history = train(lambda Y: Y)

    assert_same_arrays(parameters, expected)
    assert history == expected_history


@pytest.mark.parametrize("labels", ["integer", "one-hot"])
@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "batch_norm"])
def test_dev_accuracy_is_the_accuracy_of_predict_on_the_dev_set_at_the_last_epoch(
    blobs, batch_norm, labels
):
    X, Y, X_dev, Y_dev = blobs
    Y_dev_given = one_hot(Y_dev, 3) if labels == "one-hot" else Y_dev

    # Three epochs at a small learning rate: the dev set is not classified perfectly yet.
    parameters, history = train_blobs(
        X, Y, X_dev=X_dev, Y_dev=Y_dev_given, batch_norm=batch_norm, num_epochs=3,
        learning_rate=0.01,
    )  # fmt: skip

    assert 0.4 < history["dev_accuracy"][-1] < 1.0
    assert history["dev_accuracy"][-1] == accuracy(X_dev, Y_dev, parameters)
    expected_cost = nn.compute_cost(nn.predict_proba(X_dev, parameters), Y_dev)
    assert history["dev_cost"][-1] == pytest.approx(expected_cost, rel=1e-12)


def test_k_class_early_stopping_returns_the_best_epoch():
    X, Y = gaussian_blobs(m=150, num_classes=3, spread=1.0, seed=2)
    X_dev, Y_dev = gaussian_blobs(m=60, num_classes=3, spread=1.0, seed=3)
    rng = np.random.default_rng(4)
    Y_dev = np.where(rng.random(Y_dev.shape) < 0.3, rng.integers(0, 3, Y_dev.shape), Y_dev)
    patience = 3

    parameters, history = nno.model(
        X, Y, [2, 16, 3], num_epochs=300, learning_rate=0.05, mini_batch_size=32,
        X_dev=X_dev, Y_dev=Y_dev, early_stopping=patience, seed=0,
    )  # fmt: skip

    best = int(np.argmin(history["dev_cost"]))
    assert len(history["cost"]) == best + 1 + patience < 300
    dev_cost = nn.compute_cost(nn.predict_proba(X_dev, parameters), Y_dev)
    assert dev_cost == pytest.approx(min(history["dev_cost"]), rel=0, abs=1e-12)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_k_class_model_takes_the_steps_of_the_public_functions_on_one_hot_labels(blobs, optimizer):
    """model() on (1, m) labels walks the textbook loop on one-hot labels, step for step."""
    X, Y, _, _ = blobs
    layers, lr, lambd = [2, 5, 4, 3], GOOD_LEARNING_RATES[optimizer], 0.3
    trained, _ = nno.model(
        X, Y, layers, optimizer=optimizer, learning_rate=lr, num_epochs=20, lambd=lambd,
        mini_batch_size=None, batch_norm=True, seed=3,
    )  # fmt: skip

    parameters = nno.initial_parameters(layers, seed=3, batch_norm=True)
    assert_textbook_loop_gives(trained, X, one_hot(Y, 3), parameters, optimizer, lr, lambd)


def test_a_two_class_softmax_network_learns_the_separable_problem(separable):
    X, Y, _ = separable

    parameters, _ = nno.model(X, Y, [5, 8, 2], learning_rate=0.01, num_epochs=100, seed=0)

    assert nn.predict_proba(X, parameters).shape == (2, 120)
    assert ms.accuracy(Y, nn.predict(X, parameters)) == 1.0


@pytest.fixture(scope="module")
def digits():
    return example_data.load_digits_data(seed=0)


def test_a_64_32_10_network_learns_the_digits_in_ten_epochs(digits):
    """End to end: 1257 training images of 8x8 pixels, ten digits, about 0.1 s of training."""
    X_train, Y_train, X_test, Y_test = digits

    parameters, history = nno.model(
        X_train, Y_train, [64, 32, 10], num_epochs=10, mini_batch_size=32, learning_rate=0.01,
        X_dev=X_test, Y_dev=Y_test, seed=0,
    )  # fmt: skip

    assert nn.predict_proba(X_test, parameters).shape == (10, X_test.shape[1])
    assert accuracy(X_test, Y_test, parameters) > 0.9
    assert history["dev_accuracy"][-1] == accuracy(X_test, Y_test, parameters)


# Initialisation: "he" (the default), "random" or "zeros"


def test_zeros_initialisation_keeps_every_hidden_unit_of_a_layer_identical(blobs):
    """Zero weights never break the symmetry: each hidden unit of a layer computes the same
    thing and receives the same gradient, so the rows of W1 (and of W2) stay equal."""
    X, Y, _, _ = blobs

    parameters, history = nno.model(
        X, Y, [2, 6, 5, 3], initialization="zeros", num_epochs=10, learning_rate=0.05, seed=0
    )

    for key in ("W1", "b1", "W2", "b2"):
        rows = parameters[key]
        assert (rows == rows[0]).all(), f"the units of {key[1:]} differ"
    assert parameters["b3"].any(), "training must have moved the output layer"
    assert accuracy(X, Y, parameters) < 0.7, "identical units cannot separate three blobs"


def test_random_initialisation_starts_from_weights_of_standard_deviation_10(blobs):
    X, Y, _, _ = blobs
    layers = [2, 300, 3]
    start = nno.initial_parameters(layers, seed=5, initialization="random")

    # A learning rate of 1e-300 leaves the weights where they started, to 1e-290.
    trained, _ = nno.model(
        X, Y, layers, initialization="random", optimizer="gd", learning_rate=1e-300,
        num_epochs=1, seed=5,
    )  # fmt: skip

    for key in ("W1", "W2"):
        assert start[key].std() == pytest.approx(10.0, rel=0.1), key
        np.testing.assert_allclose(trained[key], start[key], rtol=0, atol=1e-290)


@pytest.mark.parametrize("layers", [[2, 8, 3], [2, 8, 1]])
def test_he_initialisation_is_the_default_bit_for_bit(blobs, layers):
    X, Y, _, _ = blobs
    Y = Y if layers[-1] == 3 else (Y > 0).astype(int)

    default = nno.model(X, Y, layers, num_epochs=3, batch_norm=True, seed=1)
    he = nno.model(X, Y, layers, num_epochs=3, batch_norm=True, seed=1, initialization="he")

    assert_same_arrays(he[0], default[0])
    assert he[1] == default[1]
    zeros, _ = nno.model(X, Y, layers, num_epochs=3, seed=1, initialization="zeros")
    assert not np.array_equal(zeros["W1"], default[0]["W1"])


@pytest.mark.parametrize("initialization", ["xavier", "He", "", None, 0])
def test_model_and_initial_parameters_refuse_an_unknown_initialization_naming_it(
    blobs, initialization
):
    X, Y, _, _ = blobs
    message = r"initialization must be one of \('he', 'random', 'zeros'\)"
    with pytest.raises(ValueError, match=message):
        nno.model(X, Y, BLOB_LAYERS, num_epochs=1, initialization=initialization)
    with pytest.raises(ValueError, match=message):
        nno.initial_parameters(BLOB_LAYERS, initialization=initialization)


# Bad labels, refused before training

_K_X, _K_Y = gaussian_blobs(m=60, num_classes=3, n_x=4, seed=5)
OUTSIDE_0_TO_2, NOT_WHOLE = r"Y must hold class labels 0\.\.2", r"Y must hold whole-number"
BAD_K_CLASS_MODEL_ARGUMENTS = {
    "a label equal to K": (dict(Y=np.where(_K_Y == 2, 3, _K_Y)), OUTSIDE_0_TO_2),
    "a negative label": (dict(Y=_K_Y - 1), OUTSIDE_0_TO_2),
    "a label of 0.5": (dict(Y=_K_Y / 2), NOT_WHOLE),
    "soft labels": (dict(Y=one_hot(_K_Y, 3) * 0.9 + 0.1 / 3), r"Y of shape \(3, 60\) .* one-hot"),
    "one-hot with K - 1 rows": (dict(Y=one_hot(_K_Y, 3)[:2]), r"Y has 2 rows .* K = 3 outputs"),
    "one-hot with K + 1 rows": (dict(Y=one_hot(_K_Y, 4)), r"Y has 4 rows .* K = 3 outputs"),
    "Y_dev beyond K": (dict(X_dev=_K_X, Y_dev=_K_Y + 1), r"Y_dev must hold class labels 0\.\.2"),
    "Y_dev soft": (dict(X_dev=_K_X, Y_dev=one_hot(_K_Y, 3) / 2), r"Y_dev of shape .* one-hot"),
    "Y_dev one-hot of 4 rows": (dict(X_dev=_K_X, Y_dev=one_hot(_K_Y, 4)), r"Y_dev has 4 rows"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_K_CLASS_MODEL_ARGUMENTS)
def test_model_refuses_bad_k_class_labels_before_training_naming_them(case, capsys):
    overrides, pattern = BAD_K_CLASS_MODEL_ARGUMENTS[case]
    kwargs = dict(X=_K_X, Y=_K_Y, layers_dims=[4, 3, 3], num_epochs=5, print_cost=True)
    kwargs.update(overrides)

    with pytest.raises(ValueError, match=pattern):
        nno.model(**kwargs)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("Y", [2 * _Y, _Y - 1, one_hot(_Y, 2)], ids=["2", "-1", "one-hot"])
def test_a_sigmoid_model_given_more_than_two_labels_points_to_K_outputs(Y):
    message = r"Y must (contain only the labels 0 and 1|have shape \(1, m\))"
    with pytest.raises(ValueError, match=message) as error:
        nno.model(_X, Y, [4, 3, 1], num_epochs=1)
    if Y.shape[0] == 1:
        assert "layers_dims[-1] = K" in str(error.value)


# Saving and loading a K-class network


@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "batch_norm"])
def test_a_k_class_network_saves_and_loads_bit_for_bit_and_predicts_the_same(
    tmp_path, blobs, batch_norm
):
    X, Y, X_dev, _ = blobs
    parameters, _ = train_blobs(X, Y, batch_norm=batch_norm, num_epochs=3, standardize="feature")
    path = tmp_path / "three_classes.npz"

    nno.save_parameters(path, parameters, layers_dims=BLOB_LAYERS)
    loaded, metadata = persistence.load_parameters(path)

    assert_same_arrays(loaded, parameters)
    assert metadata == {"layers_dims": BLOB_LAYERS}
    np.testing.assert_array_equal(
        nn.predict_proba(X_dev, loaded), nn.predict_proba(X_dev, parameters)
    )
    np.testing.assert_array_equal(nn.predict(X_dev, loaded), nn.predict(X_dev, parameters))
