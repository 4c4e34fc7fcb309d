"""Specification of neural_network: the stateless maths of an L-layer classifier.

The network is ``[LINEAR -> (BATCHNORM) -> RELU -> (DROPOUT)] * (L-1) -> LINEAR -> SIGMOID`` with
He initialisation, binary cross-entropy plus L2, inverted dropout and batch normalisation; the
last section specifies the ``SOFTMAX`` output over ``K >= 2`` classes that replaces it. Each
section below states one part of the contract; every number is either written out by hand or
derived from a seeded ``numpy.random.default_rng``. All warnings are errors in this file.

Tests named ``test_bug_*`` describe behaviour that neural_network.py does not have yet: they fail
until the bug they name is fixed.
"""

import copy
import itertools
import math
import os
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from problems import one_hot

import neural_network as nn

pytestmark = pytest.mark.filterwarnings("error")

GRAD_CHECK_TOLERANCE = 1e-7
# 25 examples a property keeps the suite fast; PROPERTY_EXAMPLES=500 searches harder.
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "25")), deadline=None
)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def make_data(n_x, m, seed=0, dtype=np.float64):
    """Standard-normal ``X: (n_x, m)`` and integer labels ``Y: (1, m)`` holding both classes."""
    X = np.random.default_rng(seed).standard_normal((n_x, m)).astype(dtype)
    Y = (np.arange(m) % 2).reshape(1, m)
    return X, Y


def make_parameters(layers_dims, batch_norm=False, seed=0, dtype=np.float64):
    """A He-initialised network whose ``b``, ``gamma``, ``beta`` and running statistics are moved
    away from their initial zeros and ones, so that their gradients and effects are exercised."""
    rng = np.random.default_rng(seed)
    initial = nn.initialize_parameters_he(layers_dims, seed=rng, batch_norm=batch_norm)
    parameters = {}
    for key, value in initial.items():
        if key.startswith("gamma"):
            value = rng.uniform(0.5, 1.5, value.shape)
        elif key.startswith("running_var"):
            value = rng.uniform(0.5, 2.0, value.shape)
        elif key.startswith(("b", "beta", "running_mean")):
            value = rng.normal(0.0, 0.3, value.shape)
        parameters[key] = value.astype(dtype)
    return parameters


def without(parameters, key):
    """A copy of ``parameters`` without ``key``."""
    return {k: v for k, v in parameters.items() if k != key}


def layer_input(caches, layer):
    """The activations that entered ``layer`` (after the previous layer's dropout)."""
    return caches["layers"][layer - 1]["linear"][0]


def bn_output(caches, layer):
    """The batch-normalised pre-activations of hidden ``layer`` (what its ReLU received)."""
    return caches["layers"][layer - 1]["relu"]


def relu(Z):
    return np.maximum(Z, 0.0)


def logistic(Z):
    return 1.0 / (1.0 + np.exp(-Z))


def assert_unchanged(actual, expected, path="argument"):
    """``actual`` has the same nested dict/list/tuple structure, keys, dtypes and values."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        assert actual.keys() == expected.keys(), f"{path}: keys changed"
        for key in expected:
            assert_unchanged(actual[key], expected[key], f"{path}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        assert type(actual) is type(expected) and len(actual) == len(expected), path
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_unchanged(a, e, f"{path}[{i}]")
    elif isinstance(expected, np.ndarray):
        assert isinstance(actual, np.ndarray), path
        assert actual.dtype == expected.dtype, f"{path}: dtype changed"
        np.testing.assert_array_equal(actual, expected, err_msg=path)
    else:
        assert actual == expected, path


# ---------------------------------------------------------------------------------------------
# He initialisation
# ---------------------------------------------------------------------------------------------


def test_he_init_gives_W_and_b_of_chained_shapes():
    parameters = nn.initialize_parameters_he([5, 4, 3, 1], seed=0)

    assert parameters.keys() == {"W1", "b1", "W2", "b2", "W3", "b3"}
    assert parameters["W1"].shape == (4, 5)
    assert parameters["W2"].shape == (3, 4)
    assert parameters["W3"].shape == (1, 3)
    for layer, n in ((1, 4), (2, 3), (3, 1)):
        np.testing.assert_array_equal(parameters[f"b{layer}"], np.zeros((n, 1)))


def test_he_init_with_batch_norm_replaces_hidden_biases_by_gamma_beta_and_running_stats():
    parameters = nn.initialize_parameters_he([5, 4, 3, 1], seed=0, batch_norm=True)

    hidden = {f"{name}{layer}" for layer in (1, 2) for name in ("W", "gamma", "beta")}
    running = {f"{name}{layer}" for layer in (1, 2) for name in ("running_mean", "running_var")}
    assert parameters.keys() == hidden | running | {"W3", "b3"}
    for layer, n in ((1, 4), (2, 3)):
        np.testing.assert_array_equal(parameters[f"gamma{layer}"], np.ones((n, 1)))
        np.testing.assert_array_equal(parameters[f"beta{layer}"], np.zeros((n, 1)))
        np.testing.assert_array_equal(parameters[f"running_mean{layer}"], np.zeros((n, 1)))
        np.testing.assert_array_equal(parameters[f"running_var{layer}"], np.ones((n, 1)))
    np.testing.assert_array_equal(parameters["b3"], np.zeros((1, 1)))


def test_he_init_with_batch_norm_on_a_one_layer_network_gives_a_plain_network():
    plain = nn.initialize_parameters_he([4, 1], seed=3)
    with_bn = nn.initialize_parameters_he([4, 1], seed=3, batch_norm=True)

    assert_unchanged(with_bn, plain)


@pytest.mark.parametrize("layers_dims", [[2000, 500, 1], [500, 2000, 1]])
def test_he_init_weight_variance_is_two_over_fan_in(layers_dims):
    W1 = nn.initialize_parameters_he(layers_dims, seed=0)["W1"]

    fan_in = layers_dims[0]
    assert W1.var() == pytest.approx(2.0 / fan_in, rel=0.03)
    assert abs(W1.mean()) < 0.01 * math.sqrt(2.0 / fan_in)


def test_he_init_is_reproducible_for_a_seed_and_differs_across_seeds():
    dims = [6, 5, 1]
    first = nn.initialize_parameters_he(dims, seed=11, batch_norm=True)

    assert_unchanged(nn.initialize_parameters_he(dims, seed=11, batch_norm=True), first)
    from_generator = nn.initialize_parameters_he(
        dims, seed=np.random.default_rng(11), batch_norm=True
    )
    assert_unchanged(from_generator, first)
    other = nn.initialize_parameters_he(dims, seed=12, batch_norm=True)
    assert not np.array_equal(other["W1"], first["W1"])


@pytest.mark.parametrize("batch_norm", [False, True])
def test_he_init_float32_makes_every_array_float32_and_rounds_the_float64_network(batch_norm):
    dims = [6, 5, 4, 1]
    p32 = nn.initialize_parameters_he(dims, seed=4, batch_norm=batch_norm, dtype=np.float32)
    p64 = nn.initialize_parameters_he(dims, seed=4, batch_norm=batch_norm)

    assert p32.keys() == p64.keys()
    for key, value in p32.items():
        assert value.dtype == np.float32, key
        np.testing.assert_array_equal(value, p64[key].astype(np.float32), err_msg=key)


# ---------------------------------------------------------------------------------------------
# Sigmoid
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_of_huge_inputs_is_0_or_1_without_warnings(dtype):
    Z = np.array([[1000.0, -1000.0, 1e6, -1e6, np.inf, -np.inf]], dtype=dtype)

    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        A = nn.sigmoid(Z)

    np.testing.assert_array_equal(A, [[1.0, 0.0, 1.0, 0.0, 1.0, 0.0]])
    assert A.dtype == dtype


def test_sigmoid_matches_its_formula_for_moderate_inputs():
    Z = np.linspace(-30.0, 30.0, 601).reshape(1, -1)

    np.testing.assert_allclose(nn.sigmoid(Z), 1.0 / (1.0 + np.exp(-Z)), rtol=1e-13)
    assert nn.sigmoid(np.array(0.0)) == 0.5


def test_sigmoid_is_symmetric():
    Z = np.linspace(-50.0, 50.0, 1001)

    np.testing.assert_allclose(nn.sigmoid(-Z), 1.0 - nn.sigmoid(Z), rtol=0, atol=1e-15)


# ---------------------------------------------------------------------------------------------
# Known values: a two-layer network computed by hand
# ---------------------------------------------------------------------------------------------

# W1 is 2x3, X holds two examples of three features.
HAND_PARAMETERS = {
    "W1": np.array([[1.0, -2.0, 0.5], [-1.0, 0.5, 1.0]]),
    "b1": np.array([[0.1], [-0.2]]),
    "W2": np.array([[0.5, -1.0]]),
    "b2": np.array([[0.3]]),
}
HAND_X = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]])
HAND_Y = np.array([[1, 0]])
# Z1 = W1 X + b1:  row 1: 1*1 - 2*0 + 0.5*3 + 0.1 = 2.6  and  1*2 - 2*(-1) + 0.5*1 + 0.1 = 4.6
#                  row 2: -1*1 + 0.5*0 + 1*3 - 0.2 = 1.8  and  -1*2 + 0.5*(-1) + 1*1 - 0.2 = -1.7
HAND_Z1 = np.array([[2.6, 4.6], [1.8, -1.7]])
HAND_A1 = np.array([[2.6, 4.6], [1.8, 0.0]])
# Z2 = W2 A1 + b2:  0.5*2.6 - 1*1.8 + 0.3 = -0.2  and  0.5*4.6 - 1*0 + 0.3 = 2.6
HAND_Z2 = np.array([[-0.2, 2.6]])
HAND_AL = np.array([[1.0 / (1.0 + math.exp(0.2)), 1.0 / (1.0 + math.exp(-2.6))]])
# Y = [1, 0]: J = -(log a_1 + log(1 - a_2)) / 2
HAND_CROSS_ENTROPY = -(math.log(HAND_AL[0, 0]) + math.log(1.0 - HAND_AL[0, 1])) / 2
# ||W1||^2 = 1 + 4 + 0.25 + 1 + 0.25 + 1 = 7.5 and ||W2||^2 = 0.25 + 1 = 1.25 (b1, b2 excluded)
HAND_SQUARED_WEIGHTS = 7.5 + 1.25


def test_two_layer_forward_pass_matches_hand_computation():
    Z1, _ = nn.linear_forward(HAND_X, HAND_PARAMETERS["W1"], HAND_PARAMETERS["b1"])
    A1, _ = nn.relu_forward(Z1)
    Z2, _ = nn.linear_forward(A1, HAND_PARAMETERS["W2"], HAND_PARAMETERS["b2"])
    AL, _ = nn.forward_propagation(HAND_X, HAND_PARAMETERS)

    np.testing.assert_allclose(Z1, HAND_Z1, rtol=1e-14)
    np.testing.assert_allclose(A1, HAND_A1, rtol=1e-14)
    np.testing.assert_allclose(Z2, HAND_Z2, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(AL, HAND_AL, rtol=1e-14)


@pytest.mark.parametrize(
    ("lambd", "l2_term"),
    [(0.0, 0.0), (0.7, 0.7 / (2 * 2) * HAND_SQUARED_WEIGHTS), (2.0, 2.0 / 4 * 8.75)],
)
def test_cost_matches_hand_computation_with_l2_over_weights_only(lambd, l2_term):
    AL, _ = nn.forward_propagation(HAND_X, HAND_PARAMETERS)

    cost = nn.compute_cost(AL, HAND_Y, HAND_PARAMETERS, lambd)

    assert isinstance(cost, float)
    assert cost == pytest.approx(HAND_CROSS_ENTROPY + l2_term, rel=1e-14)


def test_two_layer_backward_pass_matches_hand_computation():
    AL, caches = nn.forward_propagation(HAND_X, HAND_PARAMETERS)
    grads = nn.backward_propagation(AL, HAND_Y, caches)

    a1, a2 = HAND_AL[0]
    dz1, dz2 = a1 - 1.0, a2 - 0.0  # dZ2 = AL - Y
    # dW2 = dZ2 A1^T / m with A1 = [[2.6, 4.6], [1.8, 0]]
    np.testing.assert_allclose(grads["dW2"], [[(2.6 * dz1 + 4.6 * dz2) / 2, 1.8 * dz1 / 2]])
    np.testing.assert_allclose(grads["db2"], [[(dz1 + dz2) / 2]])
    # dZ1 = (W2^T dZ2) * [Z1 > 0] = [[0.5 dz1, 0.5 dz2], [-dz1, 0]]; dW1 = dZ1 X^T / m
    x1, x2 = np.array([1.0, 0.0, 3.0]), np.array([2.0, -1.0, 1.0])
    expected_dW1 = np.array([(0.5 * dz1 * x1 + 0.5 * dz2 * x2) / 2, -dz1 * x1 / 2])
    np.testing.assert_allclose(grads["dW1"], expected_dW1, rtol=1e-14)
    np.testing.assert_allclose(grads["db1"], [[(0.5 * dz1 + 0.5 * dz2) / 2], [-dz1 / 2]])


def test_l2_term_of_the_cost_ignores_b_gamma_and_beta():
    parameters = make_parameters([4, 5, 3, 1], batch_norm=True, seed=1)
    parameters["gamma1"] = parameters["gamma1"] + 10.0
    parameters["beta2"] = parameters["beta2"] + 10.0
    parameters["b3"] = parameters["b3"] + 10.0
    X, Y = make_data(4, 6)
    AL, _ = nn.forward_propagation(X, parameters)

    l2_term = nn.compute_cost(AL, Y, parameters, 0.4) - nn.compute_cost(AL, Y, parameters)

    squared = sum(np.sum(parameters[f"W{layer}"] ** 2) for layer in (1, 2, 3))
    assert l2_term == pytest.approx(0.4 / (2 * 6) * squared, rel=1e-12)


def test_l2_adds_lambd_W_over_m_to_each_dW_and_nothing_to_the_other_gradients():
    parameters = make_parameters([4, 5, 3, 1], batch_norm=True, seed=2)
    X, Y = make_data(4, 7)
    AL, caches = nn.forward_propagation(X, parameters)

    plain = nn.backward_propagation(AL, Y, caches)
    regularised = nn.backward_propagation(AL, Y, caches, lambd=0.9)

    for key in plain:
        if key.startswith("dW"):
            expected = plain[key] + 0.9 / 7 * parameters[key[1:]]
            np.testing.assert_allclose(regularised[key], expected, rtol=1e-12, err_msg=key)
        else:
            np.testing.assert_array_equal(regularised[key], plain[key], err_msg=key)


def test_output_layer_gradient_starts_from_AL_minus_Y():
    parameters = make_parameters([5, 1], seed=3)
    X, Y = make_data(5, 9, seed=3)
    AL, caches = nn.forward_propagation(X, parameters)

    grads = nn.backward_propagation(AL, Y, caches)

    np.testing.assert_allclose(grads["dW1"], (AL - Y) @ X.T / 9, rtol=1e-12)
    np.testing.assert_allclose(grads["db1"], (AL - Y).mean(axis=1, keepdims=True), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Saturation: AL exactly 0 or 1
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cost_is_finite_and_silent_when_AL_is_exactly_0_or_1_in_the_wrong_place(dtype):
    AL = np.array([[0.0, 1.0, 1.0, 0.0]], dtype=dtype)
    Y = np.array([[1, 0, 1, 0]])

    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        cost = nn.compute_cost(AL, Y)

    # Two confidently wrong predictions out of four, each clipped to machine epsilon.
    assert math.isfinite(cost)
    assert cost == pytest.approx(-math.log(np.finfo(dtype).eps) / 2, rel=1e-6)


def saturated_network(layers_dims, seed=0):
    """A network with huge weights: its outputs are exactly 0 or 1 for standard-normal X."""
    parameters = make_parameters(layers_dims, seed=seed)
    return {k: v * 1e4 if k.startswith("W") else v for k, v in parameters.items()}


@pytest.mark.parametrize("layers_dims", [[3, 1], [3, 4, 1]])
def test_backward_is_finite_and_silent_when_AL_is_exactly_0_or_1(layers_dims):
    parameters = saturated_network(layers_dims, seed=5)
    X, Y = make_data(3, 20, seed=5)

    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        AL, caches = nn.forward_propagation(X, parameters)
        cost = nn.compute_cost(AL, Y, parameters, 0.1)
        grads = nn.backward_propagation(AL, Y, caches, 0.1)

    assert set(np.unique(AL)) == {0.0, 1.0}, "the construction must saturate the output"
    assert np.any(AL != Y), "some saturated predictions must be wrong"
    assert math.isfinite(cost)
    for key, value in grads.items():
        assert np.isfinite(value).all(), key
    if len(layers_dims) == 2:
        np.testing.assert_allclose(grads["dW1"], ((AL - Y) @ X.T + 0.1 * parameters["W1"]) / 20)


# ---------------------------------------------------------------------------------------------
# Gradient checking
# ---------------------------------------------------------------------------------------------

DEPTHS = {1: [4, 1], 2: [4, 5, 1], 4: [4, 6, 5, 3, 1]}
GRAD_CHECK_CASES = [
    pytest.param(depth, lambd, keep_prob, bn, id=f"L{depth}-lambd{lambd}-keep{keep_prob}-bn{bn}")
    for depth, lambd, keep_prob, bn in itertools.product(DEPTHS, (0.0, 0.7), (1.0, 0.7), (0, 1))
    # A one-layer network has no hidden layer: batch_norm=True gives the same plain network
    # (see test_he_init_with_batch_norm_on_a_one_layer_network_gives_a_plain_network).
    if not (depth == 1 and bn)
]


def grad_check_setup(depth, batch_norm, m=12):
    dims = DEPTHS[depth]
    X, Y = make_data(dims[0], m, seed=depth)
    return X, Y, make_parameters(dims, batch_norm=bool(batch_norm), seed=10 + depth)


@pytest.mark.parametrize(("depth", "lambd", "keep_prob", "batch_norm"), GRAD_CHECK_CASES)
def test_backprop_matches_numerical_gradient(depth, lambd, keep_prob, batch_norm):
    X, Y, parameters = grad_check_setup(depth, batch_norm)

    error = nn.gradient_check(X, Y, parameters, lambd=lambd, keep_prob=keep_prob, seed=3)

    assert error < GRAD_CHECK_TOLERANCE


@pytest.mark.parametrize("depth", [1, 2, 4])
def test_the_memory_order_of_X_changes_nothing_but_speed(depth):
    """model() stores X in Fortran order for BLAS; C order gives the same pass to rounding."""
    X, Y, parameters = grad_check_setup(depth, batch_norm=True)
    AL, caches = nn.forward_propagation(np.ascontiguousarray(X), parameters)
    AL_F, caches_F = nn.forward_propagation(np.asfortranarray(X), parameters)
    np.testing.assert_allclose(AL_F, AL, rtol=1e-13)
    grads = nn.backward_propagation(AL, Y, caches)
    grads_F = nn.backward_propagation(AL_F, Y, caches_F)
    assert grads.keys() == grads_F.keys()
    for key, value in grads.items():
        np.testing.assert_allclose(grads_F[key], value, rtol=1e-12, atol=1e-15)


def scale_dW(linear_backward):
    def wrong(*args, **kwargs):
        dA_prev, dW, db = linear_backward(*args, **kwargs)
        return dA_prev, dW * 1.01, db

    return wrong


def scale_dZ(batchnorm_backward):
    def wrong(*args, **kwargs):
        dZ, dgamma, dbeta = batchnorm_backward(*args, **kwargs)
        return dZ * 1.01, dgamma, dbeta

    return wrong


@pytest.mark.parametrize(
    ("target", "make_wrong"),
    [("linear_backward", scale_dW), ("batchnorm_backward", scale_dZ)],
)
def test_gradient_check_detects_a_one_percent_error_in_a_backward_step(
    monkeypatch, target, make_wrong
):
    X, Y, parameters = grad_check_setup(2, batch_norm=True)
    correct = nn.gradient_check(X, Y, parameters, lambd=0.7, keep_prob=0.7)

    monkeypatch.setattr(nn, target, make_wrong(getattr(nn, target)))
    wrong = nn.gradient_check(X, Y, parameters, lambd=0.7, keep_prob=0.7)

    assert correct < GRAD_CHECK_TOLERANCE
    assert wrong > 1e-4


def fresh_network_at_a_kink():
    """A new network (``b = 0``) on data where one example switches off a whole hidden layer:
    the next layer's pre-activation is then exactly ``b = 0``, on the ReLU's kink."""
    rng = np.random.default_rng(9)
    X, Y = rng.standard_normal((4, 6)), rng.integers(0, 2, (1, 6))
    return X, Y, nn.initialize_parameters([4, 5, 3, 1], seed=9)


def naive_central_differences(X, Y, parameters, epsilon=1e-6):
    """Every entry's central difference, kinks or not, and the backprop gradient."""
    g, g_num = [], []
    AL, caches = nn.forward_propagation(X, parameters)
    grads = nn.backward_propagation(AL, Y, caches)
    for key in nn.trainable_keys(parameters):
        for i in range(parameters[key].size):
            costs = []
            for step in (epsilon, -epsilon):
                shifted = parameters[key].copy()
                shifted.reshape(-1)[i] += step
                AL, _ = nn.forward_propagation(X, {**parameters, key: shifted})
                costs.append(nn.compute_cost(AL, Y))
            g_num.append((costs[0] - costs[1]) / (2 * epsilon))
            g.append(grads[f"d{key}"].reshape(-1)[i])
    return np.array(g), np.array(g_num)


def test_gradient_check_leaves_out_the_entries_whose_step_crosses_a_relu_kink():
    X, Y, parameters = fresh_network_at_a_kink()
    g_all, g_num_all = naive_central_differences(X, Y, parameters)
    naive = np.linalg.norm(g_all - g_num_all) / (np.linalg.norm(g_all) + np.linalg.norm(g_num_all))

    error, g, g_num = nn.gradient_check(X, Y, parameters, return_gradients=True)

    assert naive > 1e-3, "across a kink the central difference averages two slopes"
    assert error < GRAD_CHECK_TOLERANCE
    assert 0 < len(g) < len(g_all)
    assert np.isin(g, g_all).all()


def test_gradient_check_at_a_kink_still_detects_a_one_percent_error(monkeypatch):
    X, Y, parameters = fresh_network_at_a_kink()
    monkeypatch.setattr(nn, "linear_backward", scale_dW(nn.linear_backward))

    assert nn.gradient_check(X, Y, parameters) > 1e-4


def test_gradient_check_refuses_a_network_whose_outputs_saturate_where_the_cost_is_clipped():
    X, Y, _ = fresh_network_at_a_kink()
    parameters = nn.initialize_parameters([4, 5, 3, 1], method="random", seed=0)
    with pytest.raises(
        ValueError, match=r"probability of at most 2.2e-16 \(machine epsilon\).*clipped"
    ) as error:
        nn.gradient_check(X, Y, parameters)
    assert len(str(error.value)) < 250


def test_gradient_check_returns_the_backprop_and_numerical_gradient_vectors():
    X, Y, parameters = grad_check_setup(2, batch_norm=True)

    error, g, g_num = nn.gradient_check(
        X, Y, parameters, lambd=0.7, keep_prob=0.7, seed=5, return_gradients=True
    )

    AL, caches = nn.forward_propagation(X, parameters, 0.7, rng=np.random.default_rng(5))
    grads = nn.backward_propagation(AL, Y, caches, 0.7, 0.7)
    keys = nn.trainable_keys(parameters)
    assert keys == ["W1", "gamma1", "beta1", "W2", "b2"]
    expected_g = np.concatenate([grads[f"d{key}"].ravel() for key in keys])
    assert isinstance(g, np.ndarray) and isinstance(g_num, np.ndarray)
    assert g.shape == g_num.shape == (sum(parameters[key].size for key in keys),)
    np.testing.assert_array_equal(g, expected_g)
    np.testing.assert_allclose(g_num, g, rtol=1e-5, atol=1e-9)
    expected_error = np.linalg.norm(g - g_num) / (np.linalg.norm(g) + np.linalg.norm(g_num))
    assert error == pytest.approx(expected_error, rel=1e-12)


def test_gradient_check_with_max_entries_checks_at_most_that_many_entries_per_array():
    X, Y, parameters = grad_check_setup(4, batch_norm=True)

    error, g, g_num = nn.gradient_check(
        X, Y, parameters, lambd=0.7, max_entries=3, return_gradients=True
    )

    keys = nn.trainable_keys(parameters)
    assert len(g) == len(g_num) == sum(min(parameters[key].size, 3) for key in keys)
    assert error < GRAD_CHECK_TOLERANCE
    _, g_all, _ = nn.gradient_check(X, Y, parameters, lambd=0.7, return_gradients=True)
    assert np.isin(g, g_all).all(), "each checked entry is an entry of the full gradient"


def test_gradient_check_works_on_fortran_ordered_parameters():
    """A Fortran-ordered weight matrix (``np.asfortranarray(W)``, or ``V.T`` for a C-ordered
    ``V``) must be perturbed for real: ``reshape(-1)`` of a Fortran-ordered copy would be a new
    array, the cost would never see the perturbation, and a correct backward pass would be
    reported with a relative error of about 0.15."""
    X, Y, parameters = grad_check_setup(2, batch_norm=False)
    transposed = {**parameters, "W1": np.asfortranarray(parameters["W1"])}
    AL, _ = nn.forward_propagation(X, parameters)
    np.testing.assert_array_equal(nn.forward_propagation(X, transposed)[0], AL)

    assert nn.gradient_check(X, Y, transposed) < GRAD_CHECK_TOLERANCE


# ---------------------------------------------------------------------------------------------
# Gradients: one per trainable array, none for X
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_norm", [False, True])
@pytest.mark.parametrize("layers_dims", [[3, 1], [3, 4, 1], [3, 5, 4, 2, 1]])
def test_grads_have_exactly_a_d_key_per_trainable_array_and_none_for_X(layers_dims, batch_norm):
    parameters = make_parameters(layers_dims, batch_norm=batch_norm, seed=4)
    X, Y = make_data(3, 6)
    AL, caches = nn.forward_propagation(X, parameters, 0.8, rng=0)

    grads = nn.backward_propagation(AL, Y, caches, 0.1, 0.8)

    trainable = [k for k in parameters if not k.startswith(("running_mean", "running_var"))]
    assert grads.keys() == {f"d{key}" for key in trainable}
    for key in trainable:
        assert grads[f"d{key}"].shape == parameters[key].shape, key


# ---------------------------------------------------------------------------------------------
# Dropout
# ---------------------------------------------------------------------------------------------


def hidden_activations_with_and_without_dropout(keep_prob):
    """A1 of a [20, 1000, 1] network on 400 examples, with and without dropout."""
    parameters = make_parameters([20, 1000, 1], seed=6)
    X, _ = make_data(20, 400, seed=6)
    _, kept_all = nn.forward_propagation(X, parameters)
    _, dropped = nn.forward_propagation(X, parameters, keep_prob, rng=np.random.default_rng(6))
    return layer_input(kept_all, 2), layer_input(dropped, 2)


@pytest.mark.parametrize("keep_prob", [0.5, 0.7, 0.9])
def test_dropout_keeps_about_keep_prob_of_hidden_units_and_scales_them_by_1_over_keep_prob(
    keep_prob,
):
    A1, A1_dropped = hidden_activations_with_and_without_dropout(keep_prob)

    active = A1 > 0
    kept = active & (A1_dropped != 0)
    assert kept.sum() / active.sum() == pytest.approx(keep_prob, abs=0.01)
    np.testing.assert_allclose(A1_dropped[kept], A1[kept] / keep_prob, rtol=1e-12)
    np.testing.assert_array_equal(A1_dropped[~kept], 0.0)


@pytest.mark.parametrize("keep_prob", [0.5, 0.7, 0.9])
def test_inverted_dropout_preserves_the_expected_activation(keep_prob):
    A1, A1_dropped = hidden_activations_with_and_without_dropout(keep_prob)

    assert A1_dropped.mean() == pytest.approx(A1.mean(), rel=0.01)


def test_dropout_never_touches_the_input_or_the_output_layer():
    X, _ = make_data(4, 50, seed=7)
    one_layer = make_parameters([4, 1], seed=7)
    AL_plain, _ = nn.forward_propagation(X, one_layer)
    AL_dropout, _ = nn.forward_propagation(X, one_layer, 0.3, rng=0)
    np.testing.assert_array_equal(AL_dropout, AL_plain)

    deep = make_parameters([4, 6, 5, 1], seed=7)
    AL, caches = nn.forward_propagation(X, deep, 0.3, rng=0)
    np.testing.assert_array_equal(layer_input(caches, 1), X)
    A2_dropped = layer_input(caches, 3)
    assert np.any(A2_dropped == 0) and np.any(A2_dropped > 0)
    np.testing.assert_allclose(AL, logistic(deep["W3"] @ A2_dropped + deep["b3"]), rtol=1e-13)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_dropout_is_off_when_not_training(batch_norm):
    parameters = make_parameters([4, 6, 5, 1], batch_norm=batch_norm, seed=8)
    X, _ = make_data(4, 10, seed=8)

    AL_no_dropout, _ = nn.forward_propagation(X, parameters, training=False)
    for seed in (0, 1):
        AL, caches = nn.forward_propagation(X, parameters, 0.5, training=False, rng=seed)
        np.testing.assert_array_equal(AL, AL_no_dropout)
    np.testing.assert_array_equal(nn.predict_proba(X, parameters), AL_no_dropout)


def test_same_seed_gives_the_same_dropout_mask_and_another_seed_a_different_one():
    parameters = make_parameters([4, 30, 20, 1], seed=9)
    X, Y = make_data(4, 10, seed=9)

    AL_a, caches_a = nn.forward_propagation(X, parameters, 0.6, rng=np.random.default_rng(5))
    AL_b, caches_b = nn.forward_propagation(X, parameters, 0.6, rng=np.random.default_rng(5))
    AL_seed, _ = nn.forward_propagation(X, parameters, 0.6, rng=5)
    AL_c, _ = nn.forward_propagation(X, parameters, 0.6, rng=np.random.default_rng(6))

    np.testing.assert_array_equal(AL_b, AL_a)
    np.testing.assert_array_equal(AL_seed, AL_a)
    assert not np.array_equal(AL_c, AL_a)
    grads_a = nn.backward_propagation(AL_a, Y, caches_a, keep_prob=0.6)
    grads_b = nn.backward_propagation(AL_b, Y, caches_b, keep_prob=0.6)
    assert_unchanged(grads_b, grads_a)


# ---------------------------------------------------------------------------------------------
# Batch normalisation
# ---------------------------------------------------------------------------------------------


def test_batch_norm_in_training_gives_each_hidden_unit_mean_beta_and_std_gamma():
    parameters = make_parameters([5, 7, 6, 1], batch_norm=True, seed=10)
    X, _ = make_data(5, 64, seed=10)

    _, caches = nn.forward_propagation(X, parameters)

    for layer in (1, 2):
        Z_tilde = bn_output(caches, layer)
        np.testing.assert_allclose(
            Z_tilde.mean(axis=1, keepdims=True), parameters[f"beta{layer}"], rtol=0, atol=1e-12
        )
        np.testing.assert_allclose(
            Z_tilde.std(axis=1, keepdims=True), parameters[f"gamma{layer}"], rtol=1e-4
        )


def bn_layer_by_hand(A_prev, parameters, layer, *, training, epsilon=nn.BN_EPSILON):
    """Hidden batch-norm ``layer`` written out: ``relu(gamma (Z - mean) / sqrt(var + eps) + beta)``
    with ``Z = W A_prev`` and the batch's mean and 1/m variance, or the running statistics."""
    Z = parameters[f"W{layer}"] @ A_prev
    if training:
        mean, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    else:
        mean, var = parameters[f"running_mean{layer}"], parameters[f"running_var{layer}"]
    Z_hat = (Z - mean) / np.sqrt(var + epsilon)
    return relu(parameters[f"gamma{layer}"] * Z_hat + parameters[f"beta{layer}"])


@pytest.mark.parametrize("momentum", [None, 0.5])
def test_running_statistics_come_back_in_caches_with_momentum_update_and_biased_variance(
    momentum,
):
    parameters = make_parameters([5, 7, 6, 1], batch_norm=True, seed=11)
    before = copy.deepcopy(parameters)
    X, _ = make_data(5, 10, seed=11)
    kwargs = {} if momentum is None else {"bn_momentum": momentum}
    beta = 0.9 if momentum is None else momentum

    _, caches = nn.forward_propagation(X, parameters, **kwargs)

    running = caches["running_stats"]
    assert running.keys() == {"running_mean1", "running_var1", "running_mean2", "running_var2"}
    A = X
    for layer in (1, 2):
        Z = parameters[f"W{layer}"] @ A
        mean, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)  # 1/m variance
        expected_mean = beta * parameters[f"running_mean{layer}"] + (1 - beta) * mean
        expected_var = beta * parameters[f"running_var{layer}"] + (1 - beta) * var
        np.testing.assert_allclose(running[f"running_mean{layer}"], expected_mean, rtol=1e-12)
        np.testing.assert_allclose(running[f"running_var{layer}"], expected_var, rtol=1e-12)
        A = bn_layer_by_hand(A, parameters, layer, training=True)
    assert_unchanged(parameters, before)
    for key, value in running.items():
        assert not np.shares_memory(value, parameters[key]), key


def trained_batchnorm_network(seed=12):
    """A [5, 7, 6, 1] batch-norm network whose running statistics were moved by five training
    passes, applied the documented way: ``{**parameters, **caches["running_stats"]}``."""
    parameters = make_parameters([5, 7, 6, 1], batch_norm=True, seed=seed)
    parameters.update({f"running_mean{l}": np.zeros((n, 1)) for l, n in ((1, 7), (2, 6))})
    parameters.update({f"running_var{l}": np.ones((n, 1)) for l, n in ((1, 7), (2, 6))})
    for step in range(5):
        X, _ = make_data(5, 16, seed=100 + step)
        _, caches = nn.forward_propagation(X, parameters, 0.8, rng=step)
        parameters = {**parameters, **caches["running_stats"]}
    for layer in (1, 2):
        assert not np.allclose(parameters[f"running_mean{layer}"], 0.0)
        assert not np.allclose(parameters[f"running_var{layer}"], 1.0)
    return parameters


INFERENCE_FUNCTIONS = {
    "predict": lambda X, p: nn.predict(X, p),
    "predict_proba": lambda X, p: nn.predict_proba(X, p),
    "forward_inference": lambda X, p: nn.forward_propagation(X, p, 0.5, training=False)[0],
}


@pytest.mark.parametrize("name", INFERENCE_FUNCTIONS)
def test_inference_gives_an_example_the_same_output_alone_as_in_a_batch(name):
    infer = INFERENCE_FUNCTIONS[name]
    parameters = trained_batchnorm_network()
    X, _ = make_data(5, 9, seed=13)

    batch = infer(X, parameters)

    assert batch.shape == (1, 9)
    for i in range(9):
        alone = infer(X[:, i : i + 1], parameters)
        np.testing.assert_allclose(alone, batch[:, i : i + 1], rtol=1e-12, atol=0)


def test_training_mode_batch_norm_depends_on_the_batch_but_inference_uses_running_stats():
    parameters = trained_batchnorm_network()
    X, _ = make_data(5, 9, seed=13)

    AL_train, _ = nn.forward_propagation(X, parameters)
    AL_train_half, _ = nn.forward_propagation(X[:, :4], parameters)
    AL_infer, caches = nn.forward_propagation(X, parameters, training=False)

    assert not np.allclose(AL_train_half, AL_train[:, :4])
    assert caches["running_stats"] == {}
    A1 = bn_layer_by_hand(X, parameters, 1, training=False)
    A2 = bn_layer_by_hand(A1, parameters, 2, training=False)
    np.testing.assert_allclose(AL_infer, logistic(parameters["W3"] @ A2 + parameters["b3"]))


@pytest.mark.parametrize("training", [True, False])
def test_bn_epsilon_keyword_is_honoured(training):
    parameters = make_parameters([3, 4, 1], batch_norm=True, seed=14)
    X, _ = make_data(3, 6, seed=14)

    outputs = {}
    for epsilon in (nn.BN_EPSILON, 0.5):
        A1 = bn_layer_by_hand(X, parameters, 1, training=training, epsilon=epsilon)
        expected = logistic(parameters["W2"] @ A1 + parameters["b2"])
        kwargs = {} if epsilon == nn.BN_EPSILON else {"bn_epsilon": epsilon}
        outputs[epsilon], _ = nn.forward_propagation(X, parameters, training=training, **kwargs)
        np.testing.assert_allclose(outputs[epsilon], expected, rtol=1e-12)
    assert not np.allclose(outputs[0.5], outputs[nn.BN_EPSILON])


def test_gradient_check_honours_bn_epsilon():
    X, Y, parameters = grad_check_setup(2, batch_norm=True)

    error, _, g_num = nn.gradient_check(X, Y, parameters, bn_epsilon=0.5, return_gradients=True)
    _, _, g_num_default = nn.gradient_check(X, Y, parameters, return_gradients=True)

    assert error < GRAD_CHECK_TOLERANCE
    assert not np.allclose(g_num, g_num_default)


# ---------------------------------------------------------------------------------------------
# Prediction
# ---------------------------------------------------------------------------------------------


def test_predict_is_1_exactly_when_the_probability_exceeds_the_threshold():
    parameters = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}  # AL = sigmoid(x)
    X = np.array([[-3.0, -1e-3, 0.0, 1e-3, 3.0]])

    np.testing.assert_allclose(nn.predict_proba(X, parameters), logistic(X), rtol=1e-14)
    np.testing.assert_array_equal(nn.predict(X, parameters), [[0, 0, 0, 1, 1]])
    np.testing.assert_array_equal(nn.predict(X, parameters, threshold=0.9), [[0, 0, 0, 0, 1]])


@pytest.mark.parametrize("batch_norm", [False, True])
def test_predict_returns_a_1_by_m_int_array_of_0_1_and_predict_proba_lies_in_0_1(batch_norm):
    parameters = make_parameters([4, 6, 5, 1], batch_norm=batch_norm, seed=15)
    X, _ = make_data(4, 40, seed=15)

    labels = nn.predict(X, parameters)
    proba = nn.predict_proba(X, parameters)

    assert labels.shape == proba.shape == (1, 40)
    assert np.issubdtype(labels.dtype, np.integer)
    assert set(np.unique(labels)) <= {0, 1}
    assert ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_array_equal(labels, (proba > 0.5).astype(int))


# ---------------------------------------------------------------------------------------------
# float32 stays float32
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_norm", [False, True])
@pytest.mark.parametrize("keep_prob", [1.0, 0.7])
def test_float32_network_computes_in_float32_with_int_labels(keep_prob, batch_norm):
    parameters = make_parameters([4, 6, 5, 1], batch_norm=batch_norm, seed=16, dtype=np.float32)
    X, Y = make_data(4, 12, seed=16, dtype=np.float32)
    assert Y.dtype.kind == "i"

    AL, caches = nn.forward_propagation(X, parameters, keep_prob, rng=0)
    cost = nn.compute_cost(AL, Y, parameters, 0.5)
    grads = nn.backward_propagation(AL, Y, caches, 0.5, keep_prob)

    assert AL.dtype == np.float32
    assert isinstance(cost, float) and math.isfinite(cost)
    for key, value in {**grads, **caches["running_stats"]}.items():
        assert value.dtype == np.float32, key
    assert nn.predict_proba(X, parameters).dtype == np.float32


# float32 keeps about 7 significant digits: a central difference with the float64 step of 1e-6
# would be lost in rounding. With a step of 3e-3 correct gradients agree to about 3e-4 (every
# case below); a backward step made 1% wrong gives 3e-3 to 5e-3.
FLOAT32_STEP = 3e-3
FLOAT32_TOLERANCE = 1e-3


def as_float32(X, parameters):
    return X.astype(np.float32), {
        key: value.astype(np.float32) for key, value in parameters.items()
    }


@pytest.mark.parametrize(("depth", "lambd", "keep_prob", "batch_norm"), GRAD_CHECK_CASES)
def test_float32_backprop_matches_numerical_gradient_at_a_loose_tolerance(
    depth, lambd, keep_prob, batch_norm
):
    X, Y, parameters = grad_check_setup(depth, batch_norm)
    X, parameters = as_float32(X, parameters)

    error = nn.gradient_check(
        X, Y, parameters, lambd=lambd, keep_prob=keep_prob, seed=3, epsilon=FLOAT32_STEP
    )

    assert error < FLOAT32_TOLERANCE


@pytest.mark.parametrize(
    ("target", "make_wrong"),
    [("linear_backward", scale_dW), ("batchnorm_backward", scale_dZ)],
)
def test_float32_gradient_check_still_detects_a_one_percent_error(monkeypatch, target, make_wrong):
    X, Y, parameters = grad_check_setup(2, batch_norm=True)
    X, parameters = as_float32(X, parameters)
    monkeypatch.setattr(nn, target, make_wrong(getattr(nn, target)))

    wrong = nn.gradient_check(X, Y, parameters, lambd=0.7, keep_prob=0.7, epsilon=FLOAT32_STEP)

    assert wrong > 2 * FLOAT32_TOLERANCE


# ---------------------------------------------------------------------------------------------
# No function modifies its arguments
# ---------------------------------------------------------------------------------------------

CALLS = {
    "initialize_parameters_he": lambda a: nn.initialize_parameters_he(
        a["layers_dims"], seed=0, batch_norm=True
    ),
    "forward_training": lambda a: nn.forward_propagation(a["X"], a["parameters"], 0.7, rng=1),
    "forward_inference": lambda a: nn.forward_propagation(a["X"], a["parameters"], training=False),
    "compute_cost": lambda a: nn.compute_cost(a["AL"], a["Y"], a["parameters"], 0.7),
    "backward_propagation": lambda a: nn.backward_propagation(
        a["AL"], a["Y"], a["caches"], 0.7, 0.7
    ),
    "predict": lambda a: nn.predict(a["X"], a["parameters"]),
    "predict_proba": lambda a: nn.predict_proba(a["X"], a["parameters"]),
    "gradient_check": lambda a: nn.gradient_check(
        a["X"], a["Y"], a["parameters"], lambd=0.7, keep_prob=0.7, max_entries=2
    ),
}


def assert_call_leaves_arguments_alone(name, layers_dims, parameters, X, Y):
    """Call ``CALLS[name]`` on a network's arguments (dropout's caches included); compare."""
    AL, caches = nn.forward_propagation(X, parameters, 0.7, rng=2)
    arguments = {"layers_dims": layers_dims, "X": X, "Y": Y, "parameters": parameters,
                 "AL": AL, "caches": caches}  # fmt: skip
    before = copy.deepcopy(arguments)
    CALLS[name](arguments)
    assert_unchanged(arguments, before)


@pytest.mark.parametrize("name", CALLS)
def test_function_does_not_modify_its_arguments(name):
    layers_dims = [4, 6, 5, 1]
    parameters = make_parameters(layers_dims, batch_norm=True, seed=17)
    X, Y = make_data(4, 10, seed=17)
    assert_call_leaves_arguments_alone(name, layers_dims, parameters, X, Y)


# ---------------------------------------------------------------------------------------------
# Bad input: the right exception, naming the argument
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def d():
    """Valid inputs for a [4, 5, 1] network on 8 examples: the plain network P, the batch-norm
    network PBN, and the output and caches of P without and with dropout (keep_prob 0.7)."""
    X, Y = make_data(4, 8, seed=18)
    P = make_parameters([4, 5, 1], seed=18)
    AL, caches = nn.forward_propagation(X, P)
    AL_drop, caches_drop = nn.forward_propagation(X, P, 0.7, rng=0)
    PBN = make_parameters([4, 5, 1], batch_norm=True, seed=18)
    return SimpleNamespace(
        X=X, Y=Y, P=P, PBN=PBN, AL=AL, caches=caches, AL_drop=AL_drop, caches_drop=caches_drop
    )


def with_nan(X):
    X = X.copy()
    X[1, 2] = np.nan
    return X


def with_inf(X):
    X = X.copy()
    X[0, 0] = -np.inf
    return X


BAD_INPUTS = [
    # X
    ("forward X 1-D", lambda d: nn.forward_propagation(d.X[0], d.P), ValueError, r"X must be 2-D"),
    ("predict X 1-D", lambda d: nn.predict(d.X[0], d.P), ValueError, r"X must be 2-D"),
    ("gradcheck X 3-D", lambda d: nn.gradient_check(d.X[None], d.Y, d.P), ValueError,
     r"X must be 2-D"),
    ("forward X rows", lambda d: nn.forward_propagation(d.X[:3], d.P), ValueError,
     r"X has 3 rows .* n_x = 4"),
    ("predict X rows", lambda d: nn.predict(np.vstack([d.X, d.X]), d.P), ValueError,
     r"X has 8 rows .* n_x = 4"),
    ("gradcheck X rows", lambda d: nn.gradient_check(d.X[:2], d.Y, d.P), ValueError,
     r"X has 2 rows"),
    ("forward X NaN", lambda d: nn.forward_propagation(with_nan(d.X), d.P), ValueError,
     r"X contains NaN or infinite"),
    ("predict X inf", lambda d: nn.predict(with_inf(d.X), d.P), ValueError,
     r"X contains NaN or infinite"),
    ("gradcheck X NaN", lambda d: nn.gradient_check(with_nan(d.X), d.Y, d.P), ValueError,
     r"X contains NaN or infinite"),
    ("forward X strings", lambda d: nn.forward_propagation(d.X.astype(str), d.P), TypeError,
     r"X must be a numeric array"),
    # Y
    ("cost Y 1-D", lambda d: nn.compute_cost(d.AL, d.Y[0]), ValueError,
     r"Y must have shape \(1, m\)"),
    ("backward Y column", lambda d: nn.backward_propagation(d.AL, d.Y.T, d.caches), ValueError,
     r"Y must have shape \(1, m\)"),
    ("gradcheck Y 2 rows", lambda d: nn.gradient_check(d.X, np.vstack([d.Y, d.Y]), d.P),
     ValueError, r"Y must have shape \(1, m\)"),
    ("cost Y has 2", lambda d: nn.compute_cost(d.AL, d.Y * 2), ValueError,
     r"Y must contain only the labels 0 and 1"),
    ("backward Y has 0.5", lambda d: nn.backward_propagation(d.AL, d.Y * 0.5, d.caches),
     ValueError, r"Y must contain only the labels 0 and 1"),
    ("gradcheck Y has -1", lambda d: nn.gradient_check(d.X, -d.Y, d.P), ValueError,
     r"Y must contain only the labels 0 and 1"),
    ("cost m mismatch", lambda d: nn.compute_cost(d.AL, d.Y[:, :7]), ValueError,
     r"Y has 7 labels but there are m = 8"),
    ("backward m mismatch", lambda d: nn.backward_propagation(d.AL, d.Y[:, :6], d.caches),
     ValueError, r"Y has 6 labels but there are m = 8"),
    ("gradcheck m mismatch", lambda d: nn.gradient_check(d.X[:, :5], d.Y, d.P), ValueError,
     r"Y has 8 labels but there are m = 5"),
    # layers_dims
    ("dims too short", lambda d: nn.initialize_parameters_he([4]), ValueError,
     r"layers_dims must have at least 2"),
    ("dims empty", lambda d: nn.initialize_parameters_he([]), ValueError,
     r"layers_dims must have at least 2"),
    ("dims float", lambda d: nn.initialize_parameters_he([4, 3.5, 1]), TypeError,
     r"layers_dims\[1\] must be an integer"),
    ("dims str", lambda d: nn.initialize_parameters_he(["4", 3, 1]), TypeError,
     r"layers_dims\[0\] must be an integer"),
    ("dims bool", lambda d: nn.initialize_parameters_he([4, True, 1]), TypeError,
     r"layers_dims\[1\] must be an integer"),
    ("dims zero", lambda d: nn.initialize_parameters_he([4, 0, 1]), ValueError,
     r"layers_dims\[1\] must be a positive"),
    ("dims negative", lambda d: nn.initialize_parameters_he([-4, 3, 1]), ValueError,
     r"layers_dims\[0\] must be a positive"),
    ("init method unknown", lambda d: nn.initialize_parameters([4, 3, 1], method="xavier"),
     ValueError, r"method must be one of"),
    ("dims string", lambda d: nn.initialize_parameters_he("451"), TypeError, r"layers_dims"),
    ("init int dtype", lambda d: nn.initialize_parameters_he([4, 1], dtype=int), TypeError,
     r"dtype"),
    # keep_prob
    *[
        (f"{where} keep_prob {kp}", call, ValueError, r"keep_prob must be in \(0, 1\]")
        for kp in (0, -0.1, 1.5)
        for where, call in (
            ("forward", lambda d, kp=kp: nn.forward_propagation(d.X, d.P, kp)),
            ("backward", lambda d, kp=kp: nn.backward_propagation(d.AL, d.Y, d.caches, 0, kp)),
            ("gradcheck", lambda d, kp=kp: nn.gradient_check(d.X, d.Y, d.P, keep_prob=kp)),
        )
    ],
    ("forward keep_prob str", lambda d: nn.forward_propagation(d.X, d.P, "0.5"), TypeError,
     r"keep_prob"),
    # lambd
    *[
        (f"{where} lambd {lambd}", call, ValueError, r"lambd must be a finite number >= 0")
        for lambd in (-0.1, -1, np.inf)
        for where, call in (
            ("cost", lambda d, la=lambd: nn.compute_cost(d.AL, d.Y, d.P, la)),
            ("backward", lambda d, la=lambd: nn.backward_propagation(d.AL, d.Y, d.caches, la)),
            ("gradcheck", lambda d, la=lambd: nn.gradient_check(d.X, d.Y, d.P, lambd=la)),
        )
    ],
    ("cost lambd without parameters", lambda d: nn.compute_cost(d.AL, d.Y, None, 0.5),
     ValueError, r"needs parameters"),
    # parameters
    ("forward W2 shape", lambda d: nn.forward_propagation(d.X, {**d.P, "W2": np.ones((1, 4))}),
     ValueError, r"parameters\['W2'\] has shape \(1, 4\)"),
    ("forward b1 shape", lambda d: nn.forward_propagation(d.X, {**d.P, "b1": np.ones((5,))}),
     ValueError, r"parameters\['b1'\] must have shape \(5, 1\)"),
    ("forward not a dict", lambda d: nn.forward_propagation(d.X, list(d.P.values())),
     TypeError, r"parameters must be a dict"),
    # caches and keep_prob of the forward pass
    ("backward keep_prob 1 after 0.7", lambda d: nn.backward_propagation(
        d.AL_drop, d.Y, d.caches_drop), ValueError, r"keep_prob=1.0 differs .* 0.7"),
    ("backward keep_prob 0.5 after 0.7", lambda d: nn.backward_propagation(
        d.AL_drop, d.Y, d.caches_drop, keep_prob=0.5), ValueError, r"keep_prob=0.5 differs"),
    ("backward keep_prob 0.7 after 1", lambda d: nn.backward_propagation(
        d.AL, d.Y, d.caches, keep_prob=0.7), ValueError, r"keep_prob=0.7 differs .* 1.0"),
    ("backward caches not a dict", lambda d: nn.backward_propagation(d.AL, d.Y, [d.caches]),
     TypeError, r"caches must be the dict"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "exception", "match"),
    [pytest.param(call, exc, match, id=case) for case, call, exc, match in BAD_INPUTS],
)
def test_bad_input_raises_an_error_naming_the_argument(d, call, exception, match):
    with pytest.raises(exception, match=match):
        call(d)


@pytest.mark.parametrize("function", ["forward", "predict", "gradient_check"])
@pytest.mark.parametrize(
    ("batch_norm", "key", "match"),
    [
        (False, "W1", r"parameters is missing 'W1'"),
        (False, "b1", r"parameters is missing 'b1'"),
        (False, "b2", r"parameters is missing 'b2'"),
        (True, "gamma1", r"parameters is missing"),  # it names 'b1': see the test_bug_ below
        (True, "beta1", r"parameters is missing 'beta1'"),
        (True, "running_mean1", r"parameters is missing 'running_mean1'"),
        (True, "running_var1", r"parameters is missing 'running_var1'"),
        (True, "W2", r"parameters is missing 'W2'"),
        (True, "b2", r"parameters is missing 'b2'"),
    ],
)
def test_missing_parameter_raises_value_error_naming_it(d, function, batch_norm, key, match):
    parameters = without(d.PBN if batch_norm else d.P, key)
    call = {
        "forward": lambda: nn.forward_propagation(d.X, parameters),
        "predict": lambda: nn.predict(d.X, parameters),
        "gradient_check": lambda: nn.gradient_check(d.X, d.Y, parameters),
    }[function]

    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    ("case", "match"),
    [
        ("gamma1 deleted from a batch-norm layer", "gamma1"),
        ("stray beta1 on a plain layer", "beta1"),
    ],
)
def test_any_batch_norm_key_makes_a_layer_batch_normalised(d, case, match):
    """A layer with any of ``gamma``, ``beta``, ``running_mean``, ``running_var`` is a batch-norm
    layer and needs all four and no ``b``:

    * deleting ``gamma1`` from a batch-norm layer is reported as missing 'gamma1' (not 'b1');
    * a plain layer with a stray ``beta1`` is rejected instead of being silently ignored.

    Both are a ValueError naming the offending key.
    """
    if case.startswith("gamma1"):
        parameters = without(d.PBN, "gamma1")
    else:
        parameters = {**d.P, "beta1": np.zeros((5, 1))}

    with pytest.raises(ValueError, match=match):
        nn.gradient_check(d.X, d.Y, parameters)


# ---------------------------------------------------------------------------------------------
# Input standardisation: a fitted pair, carried by the network
# ---------------------------------------------------------------------------------------------


def test_a_feature_standardizer_gives_every_row_mean_0_and_standard_deviation_1():
    X = 3.0 + 2.0 * make_data(4, 50, seed=1)[0]
    stats = nn.fit_standardizer(X)
    assert stats["input_mean"].shape == stats["input_scale"].shape == (4, 1)
    X_std = nn.standardize(X, stats)
    np.testing.assert_allclose(X_std.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(X_std.std(axis=1), 1.0, rtol=1e-12)


def test_a_channel_standardizer_shares_one_mean_and_scale_per_colour_channel():
    # Two 2x2 RGB images flattened in (H, W, C) order: rows 0, 3, 6, 9 are the red channel.
    X = np.arange(24, dtype=np.float64).reshape(12, 2)
    stats = nn.fit_standardizer(X, per="channel", channels=3)
    red = X[0::3].ravel()
    np.testing.assert_allclose(stats["input_mean"][0::3], red.mean())
    np.testing.assert_allclose(stats["input_scale"][0::3], red.std())
    assert len(np.unique(stats["input_mean"])) == 3


@pytest.mark.parametrize("per", ["pixel", np.array(["feature"]), None, 3])
def test_a_standardizer_per_anything_but_feature_or_channel_is_refused_by_name(per):
    with pytest.raises(ValueError, match="^per must be 'feature' or 'channel', got "):
        nn.fit_standardizer(np.ones((3, 4)), per=per)


def test_a_constant_feature_gets_scale_1_instead_of_a_division_by_zero():
    X = np.vstack([np.ones((1, 5)), np.arange(5.0)[None]])
    stats = nn.fit_standardizer(X)
    assert stats["input_scale"][0, 0] == 1.0
    assert np.isfinite(nn.standardize(X, stats)).all()


def test_a_network_holding_a_standardizer_standardises_its_raw_inputs():
    parameters = make_parameters([4, 5, 1], seed=3)
    X = 10.0 + 5.0 * make_data(4, 9, seed=3)[0]
    stats = nn.fit_standardizer(X)
    with_stats = {**parameters, **stats}
    assert nn.check_parameters(with_stats) == [4, 5, 1]
    np.testing.assert_array_equal(
        nn.predict_proba(X, with_stats), nn.predict_proba(nn.standardize(X, stats), parameters)
    )
    # The standardizer is not trained: it has no gradient, and the gradient check still holds.
    assert nn.trainable_keys(with_stats) == nn.trainable_keys(parameters)
    assert nn.gradient_check(X, (np.arange(9) % 2)[None], with_stats) < GRAD_CHECK_TOLERANCE


@pytest.mark.parametrize(
    ("stats", "match"),
    [
        ({"input_mean": np.zeros((4, 1))}, "input_scale"),
        ({"input_mean": np.zeros((3, 1)), "input_scale": np.ones((3, 1))}, r"\(4, 1\)"),
        ({"input_mean": np.zeros((4, 1)), "input_scale": np.zeros((4, 1))}, "> 0"),
    ],
    ids=["half", "wrong_shape", "zero_scale"],
)
def test_a_broken_standardizer_is_refused(stats, match):
    with pytest.raises(ValueError, match=match):
        nn.check_parameters({**make_parameters([4, 5, 1]), **stats})


# ---------------------------------------------------------------------------------------------
# Test-time augmentation and the dead-unit diagnostic
# ---------------------------------------------------------------------------------------------


def test_test_time_augmentation_averages_the_probability_over_the_views():
    parameters = make_parameters([4, 5, 1], seed=4)
    X, _ = make_data(4, 6, seed=4)
    flip = lambda X: X[::-1]  # noqa: E731  (another "view" of each example)
    expected = (nn.predict_proba(X, parameters) + nn.predict_proba(flip(X), parameters)) / 2
    np.testing.assert_allclose(nn.predict_proba(X, parameters, tta=flip), expected, rtol=1e-15)
    np.testing.assert_allclose(nn.predict_proba(X, parameters, tta=[flip]), expected, rtol=1e-15)
    assert np.array_equal(nn.predict(X, parameters, tta=flip), (expected > 0.5).astype(int))
    with pytest.raises(TypeError, match="tta"):
        nn.predict_proba(X, parameters, tta="mirror")


def test_dead_relu_fractions_count_the_units_that_never_fire_on_the_data():
    parameters = make_parameters([3, 4, 2, 1], seed=5)
    X, _ = make_data(3, 20, seed=5)
    W1 = parameters["W1"].copy()
    W1[:2] = 0.0
    b1 = parameters["b1"].copy()
    b1[:2] = -1.0  # units 1 and 2 of layer 1: Z = -1 for every example
    parameters = {**parameters, "W1": W1, "b1": b1}
    fractions = nn.dead_relu_fractions(X, parameters)
    assert len(fractions) == 2 and all(type(f) is float for f in fractions)
    _, caches = nn.forward_propagation(X, parameters, training=False)
    Z1 = caches["layers"][0]["relu"]
    assert fractions[0] == np.mean((Z1 <= 0).all(axis=1)) >= 0.5


def test_batch_norm_in_training_mode_refuses_a_single_example_but_predicts_one():
    parameters = make_parameters([4, 5, 1], batch_norm=True, seed=6)
    X, _ = make_data(4, 1, seed=6)
    with pytest.raises(ValueError, match="single example"):
        nn.forward_propagation(X, parameters, training=True)
    assert nn.predict(X, parameters).shape == (1, 1)


def test_the_optimisers_parameter_check_takes_the_coursera_test_case_shapes():
    # The Coursera notebooks' optimiser test cases have a W2 of (3, 3) after a W1 of (2, 3):
    # not a network, but a fine dict of arrays to update.
    rng = np.random.default_rng(1)
    parameters = {"W1": rng.standard_normal((2, 3)), "b1": rng.standard_normal((2, 1)),
                  "W2": rng.standard_normal((3, 3)), "b2": rng.standard_normal((3, 1))}  # fmt: skip
    assert nn.check_parameter_arrays(parameters) is parameters
    with pytest.raises(ValueError, match=r"W2'\] has shape \(3, 3\)"):
        nn.check_parameters(parameters)


# ---------------------------------------------------------------------------------------------
# K classes: a softmax output
# ---------------------------------------------------------------------------------------------
# layers_dims[-1] = K >= 2 makes the output a softmax over K classes: AL is (K, m), row k holding
# P(y = k | x), and the labels are (1, m) integers 0..K-1 or one-hot (K, m), both meaning the
# same. The cost is the mean categorical cross-entropy plus the same L2 term, and the backward
# pass starts from dZ_L = AL - Y_onehot. layers_dims[-1] = 1 is the sigmoid network above.


def make_k_class_data(n_x, m, num_classes, seed=0, dtype=np.float64):
    """Standard-normal ``X: (n_x, m)`` and ``(1, m)`` int64 labels ``0..K-1``, every class
    present when ``m >= K``, in a shuffled order."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m)).astype(dtype)
    Y = rng.permutation(np.arange(m) % num_classes).reshape(1, m)
    return X, Y


def softmax_by_hand(Z):
    """``e^{z_k} / sum_j e^{z_j}`` column by column, the textbook formula (moderate ``Z`` only)."""
    e = np.exp(Z)
    return e / e.sum(axis=0, keepdims=True)


def k_class_network(n_x, hidden, num_classes, batch_norm=False, seed=0, dtype=np.float64):
    """A network ``[n_x, *hidden, K]`` as :func:`make_parameters` makes it."""
    return make_parameters([n_x, *hidden, num_classes], batch_norm, seed, dtype)


# softmax itself


@pytest.mark.parametrize("num_classes", [2, 3, 10])
def test_softmax_gives_columns_of_probabilities_that_sum_to_1(num_classes):
    Z = 3.0 * np.random.default_rng(num_classes).standard_normal((num_classes, 7))

    probabilities = nn.softmax(Z)

    assert probabilities.shape == (num_classes, 7)
    assert ((probabilities > 0) & (probabilities < 1)).all()
    np.testing.assert_allclose(probabilities.sum(axis=0), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(probabilities, softmax_by_hand(Z), rtol=1e-14)


def test_softmax_works_column_by_column():
    """Each column is the softmax of that column alone: the examples do not mix."""
    Z = np.random.default_rng(1).standard_normal((4, 6)) * 5

    probabilities = nn.softmax(Z)

    for i in range(6):
        np.testing.assert_array_equal(probabilities[:, [i]], nn.softmax(Z[:, [i]]), err_msg=i)


@PROPERTY_SETTINGS
@given(
    Z=hnp.arrays(
        np.float64,
        st.tuples(st.integers(2, 6), st.integers(1, 5)),
        elements=st.floats(-50, 50),
    ),
    shift=st.floats(-1e3, 1e3),
    column=st.integers(0, 4),
)
def test_softmax_is_unchanged_by_adding_a_constant_to_a_column(Z, shift, column):
    column = column % Z.shape[1]
    shifted = Z.copy()
    shifted[:, column] += shift

    # Adding 1e3 to logits of size 50 rounds them at about 1e-13: the probabilities move by as
    # much, relatively, and no more.
    np.testing.assert_allclose(nn.softmax(shifted), nn.softmax(Z), rtol=1e-10, atol=0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_and_the_cost_of_logits_of_1e4_are_finite_and_silent(dtype):
    Z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [0.0, 0.0, 1e4]], dtype=dtype)
    Y = np.array([[0, 0, 1]])  # the first column right, the other two confidently wrong

    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        probabilities = nn.softmax(Z)
        cost = nn.compute_cost(probabilities, Y)

    assert probabilities.dtype == dtype
    np.testing.assert_array_equal(probabilities, np.eye(3, dtype=dtype))
    # Two confidently wrong predictions out of three, each clipped to machine epsilon.
    assert math.isfinite(cost)
    assert cost == pytest.approx(-2 * math.log(np.finfo(dtype).eps) / 3, rel=1e-6)


@pytest.mark.parametrize("hidden", [[], [4]])
def test_a_saturated_softmax_network_has_a_finite_cost_and_gradients_without_warnings(hidden):
    parameters = k_class_network(3, hidden, 3, seed=5)
    parameters = {k: v * 1e4 if k.startswith("W") else v for k, v in parameters.items()}
    X, Y = make_k_class_data(3, 20, 3, seed=5)

    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        AL, caches = nn.forward_propagation(X, parameters)
        cost = nn.compute_cost(AL, Y, parameters, 0.1)
        grads = nn.backward_propagation(AL, Y, caches, 0.1)

    true_class_probability = AL[Y[0], np.arange(20)]
    assert (true_class_probability == 0).any(), "the construction must saturate wrongly"
    assert math.isfinite(cost)
    for key, value in grads.items():
        assert np.isfinite(value).all(), key


# The forward pass, the cost and the backward pass, by hand for K = 3 and no hidden layer


# W is 3x2, X holds two examples of two features, Y their classes 0 and 2.
K3_PARAMETERS = {"W1": np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]),
                 "b1": np.array([[0.0], [0.5], [0.0]])}  # fmt: skip
K3_X = np.array([[1.0, 2.0], [0.0, -1.0]])
K3_Y = np.array([[0, 2]])
# Z = W X + b:  column 1: (1, 0 + 0.5, -1) = (1, 0.5, -1);  column 2: (2, -1 + 0.5, -2 + 1)
K3_Z = np.array([[1.0, 2.0], [0.5, -0.5], [-1.0, -1.0]])
K3_SUMS = (math.exp(1) + math.exp(0.5) + math.exp(-1), math.exp(2) + math.exp(-0.5) + math.exp(-1))
K3_AL = np.exp(K3_Z) / np.array(K3_SUMS)
# J = -(log a_01 + log a_22) / 2 = -((1 - log S1) + (-1 - log S2)) / 2 = (log S1 + log S2) / 2
K3_CROSS_ENTROPY = (math.log(K3_SUMS[0]) + math.log(K3_SUMS[1])) / 2
# ||W||^2 = 1 + 1 + 1 + 1 = 4 (b excluded), so the L2 term lambd / (2 * 2) * 4 is lambd itself


def test_k_class_forward_pass_is_the_softmax_of_the_last_linear_step_by_hand():
    AL, _ = nn.forward_propagation(K3_X, K3_PARAMETERS)

    assert AL.shape == (3, 2)
    np.testing.assert_allclose(AL, K3_AL, rtol=1e-14)


@pytest.mark.parametrize("lambd", [0.0, 0.6, 2.0])
def test_k_class_cost_is_mean_categorical_cross_entropy_plus_l2_by_hand(lambd):
    AL, _ = nn.forward_propagation(K3_X, K3_PARAMETERS)

    cost = nn.compute_cost(AL, K3_Y, K3_PARAMETERS, lambd)

    assert isinstance(cost, float)
    assert cost == pytest.approx(K3_CROSS_ENTROPY + lambd, rel=1e-14)


def test_k_class_cost_counts_only_the_log_probability_of_the_true_class():
    AL = np.array([[0.2, 0.6, 0.1], [0.3, 0.3, 0.1], [0.5, 0.1, 0.8]])

    cost = nn.compute_cost(AL, np.array([[2, 0, 1]]))

    assert cost == pytest.approx(-(math.log(0.5) + math.log(0.6) + math.log(0.1)) / 3, rel=1e-14)


def test_two_class_cross_entropy_is_the_binary_cross_entropy_of_the_second_row():
    p = np.array([[0.1, 0.35, 0.5, 0.8, 0.97]])
    Y = np.array([[0, 1, 1, 0, 1]])

    cost = nn.compute_cost(np.vstack([1 - p, p]), Y)

    assert cost == pytest.approx(nn.compute_cost(p, Y), rel=1e-14)


@pytest.mark.parametrize("lambd", [0.0, 0.6])
def test_k_class_backward_pass_starts_from_AL_minus_one_hot_Y_by_hand(lambd):
    AL, caches = nn.forward_propagation(K3_X, K3_PARAMETERS)

    grads = nn.backward_propagation(AL, K3_Y, caches, lambd)

    dZ = K3_AL - np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    expected_dW = dZ @ K3_X.T / 2 + lambd / 2 * K3_PARAMETERS["W1"]
    np.testing.assert_allclose(grads["dW1"], expected_dW, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(grads["db1"], dZ.mean(axis=1, keepdims=True), rtol=1e-13)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_k_class_forward_pass_gives_K_by_m_probabilities_from_the_hidden_layers(batch_norm):
    parameters = k_class_network(4, [5], 3, batch_norm=batch_norm, seed=6)
    X, _ = make_k_class_data(4, 9, 3, seed=6)

    AL, caches = nn.forward_propagation(X, parameters)

    A1 = layer_input(caches, 2)
    ZL = parameters["W2"] @ A1 + parameters["b2"]
    assert AL.shape == (3, 9)
    np.testing.assert_allclose(AL, softmax_by_hand(ZL), rtol=1e-13)
    np.testing.assert_allclose(AL.sum(axis=0), 1.0, rtol=0, atol=1e-15)


# Labels: (1, m) integers or one-hot (K, m), the same thing


LABEL_FORMS = {
    "int64 labels": lambda Y, K: Y.astype(np.int64),
    "int8 labels": lambda Y, K: Y.astype(np.int8),
    "uint8 labels": lambda Y, K: Y.astype(np.uint8),
    "float64 labels holding integers": lambda Y, K: Y.astype(np.float64),
    "float32 labels holding integers": lambda Y, K: Y.astype(np.float32),
    "one-hot float32": lambda Y, K: one_hot(Y, K).astype(np.float32),
    "one-hot int": lambda Y, K: one_hot(Y, K).astype(np.int64),
    "one-hot bool": lambda Y, K: one_hot(Y, K).astype(bool),
}


@pytest.mark.parametrize("form", LABEL_FORMS)
@pytest.mark.parametrize("num_classes", [2, 3])
def test_every_form_of_the_labels_gives_the_cost_and_gradients_of_one_hot_float64(
    num_classes, form
):
    parameters = k_class_network(4, [5], num_classes, batch_norm=True, seed=7)
    X, Y = make_k_class_data(4, 8, num_classes, seed=7)
    reference = one_hot(Y, num_classes)
    labels = LABEL_FORMS[form](Y, num_classes)
    AL, caches = nn.forward_propagation(X, parameters, 0.8, rng=0)

    assert nn.compute_cost(AL, labels, parameters, 0.3) == nn.compute_cost(
        AL, reference, parameters, 0.3
    )
    grads = nn.backward_propagation(AL, labels, caches, 0.3, 0.8)
    assert_unchanged(grads, nn.backward_propagation(AL, reference, caches, 0.3, 0.8))
    checked = nn.gradient_check(X, labels, parameters, lambd=0.3, return_gradients=True)
    expected = nn.gradient_check(X, reference, parameters, lambd=0.3, return_gradients=True)
    for actual, wanted in zip(checked, expected, strict=True):
        np.testing.assert_array_equal(actual, wanted)


K_LABELS = np.array([[0, 1, 2, 2, 1, 0]])
K_ONE_HOT = one_hot(K_LABELS, 3)


def replace_column(Y, column):
    Y = Y.astype(np.float64)
    Y[:, 2] = column
    return Y


NOT_ONE_HOT = r"Y of shape \(3, 6\) must be one-hot"
BAD_K_CLASS_LABELS = [
    ("a label equal to K", np.array([[0, 1, 3, 2, 1, 0]]), r"Y must hold class labels 0\.\.2"),
    ("a negative label", np.array([[0, -1, 2, 2, 1, 0]]), r"Y must hold class labels 0\.\.2"),
    ("a label of 1.5", replace_column(K_LABELS, 1.5), r"Y must hold whole-number class labels"),
    ("a NaN label", replace_column(K_LABELS, np.nan), r"Y must hold whole-number class labels"),
    ("soft labels", replace_column(K_ONE_HOT, [0.5, 0.5, 0.0]), NOT_ONE_HOT),
    ("a column of zeros", replace_column(K_ONE_HOT, 0.0), NOT_ONE_HOT),
    ("a column of two 1s", replace_column(K_ONE_HOT, [1, 1, 0]), NOT_ONE_HOT),
    ("a column of 2 and -1", replace_column(K_ONE_HOT, [2, -1, 0]), NOT_ONE_HOT),
    ("one-hot of 2 rows for K = 3", K_ONE_HOT[:2], r"Y has 2 rows but the network has K = 3"),
    ("one-hot of 4 rows for K = 3", np.vstack([K_ONE_HOT, np.zeros((1, 6))]), r"Y has 4 rows"),
    ("one example too few", K_ONE_HOT[:, :5], r"Y has 5 labels but there are m = 6"),
]  # fmt: skip


@pytest.mark.parametrize("function", ["compute_cost", "backward_propagation", "gradient_check"])
@pytest.mark.parametrize(
    ("Y", "match"), [pytest.param(Y, match, id=case) for case, Y, match in BAD_K_CLASS_LABELS]
)
def test_bad_labels_for_a_k_class_network_are_a_value_error_naming_Y(function, Y, match):
    parameters = k_class_network(4, [5], 3, seed=8)
    X, _ = make_k_class_data(4, 6, 3, seed=8)
    AL, caches = nn.forward_propagation(X, parameters)
    call = {
        "compute_cost": lambda: nn.compute_cost(AL, Y, parameters, 0.5),
        "backward_propagation": lambda: nn.backward_propagation(AL, Y, caches),
        "gradient_check": lambda: nn.gradient_check(X, Y, parameters),
    }[function]

    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("function", ["compute_cost", "backward_propagation", "gradient_check"])
@pytest.mark.parametrize("label", [2, -1, 0.5])
def test_a_sigmoid_network_still_says_only_0_and_1_and_points_to_K_outputs(function, label):
    parameters = make_parameters([4, 5, 1], seed=9)
    X, Y = make_data(4, 6, seed=9)
    Y = Y.astype(np.float64)
    Y[0, 3] = label
    AL, caches = nn.forward_propagation(X, parameters)
    call = {
        "compute_cost": lambda: nn.compute_cost(AL, Y),
        "backward_propagation": lambda: nn.backward_propagation(AL, Y, caches),
        "gradient_check": lambda: nn.gradient_check(X, Y, parameters),
    }[function]

    with pytest.raises(ValueError, match=r"Y must contain only the labels 0 and 1") as error:
        call()
    assert "layers_dims[-1] = K" in str(error.value)


# A 2-class softmax is a sigmoid: softmax(z_0, z_1)_1 = 1 / (1 + e^{z_0 - z_1}) = sigma(z_1 - z_0)


@st.composite
def sigmoid_network_and_its_softmax_twin(draw):
    """A random sigmoid network ``[n_x, *hidden, 1]``, inputs for it, and a 2-class softmax
    network with the same hidden layers whose two output rows differ by the sigmoid's row:
    ``W_L = [[r], [r + w]]``, ``b_L = [[c], [c + b]]`` with ``r, c`` random (or 0)."""
    n_x, m = draw(st.integers(1, 4)), draw(st.integers(1, 6))
    hidden = draw(st.lists(st.integers(1, 4), max_size=2))
    batch_norm, seed = draw(st.booleans()), draw(st.integers(0, 2**16))
    offset_scale, input_scale = draw(st.sampled_from([0.0, 1.0])), draw(st.floats(0.1, 3.0))
    sigmoid_network = make_parameters([n_x, *hidden, 1], batch_norm=batch_norm, seed=seed)
    rng = np.random.default_rng(seed + 1)
    L = len(hidden) + 1
    w, b = sigmoid_network[f"W{L}"], sigmoid_network[f"b{L}"]
    r, c = offset_scale * rng.standard_normal(w.shape), offset_scale * rng.standard_normal(b.shape)
    softmax_network = {
        **sigmoid_network,
        f"W{L}": np.vstack([r, r + w]),
        f"b{L}": np.vstack([c, c + b]),
    }
    X = input_scale * rng.standard_normal((n_x, m))
    return sigmoid_network, softmax_network, X


@PROPERTY_SETTINGS
@given(networks=sigmoid_network_and_its_softmax_twin(), training=st.booleans())
def test_a_two_class_softmax_network_gives_the_sigmoid_probability_in_its_second_row(
    networks, training
):
    sigmoid_network, softmax_network, X = networks
    m = X.shape[1]
    if training and m < 2 and any(key.startswith("gamma") for key in sigmoid_network):
        training = False  # batch norm in training mode needs two examples
    forward = {"keep_prob": 0.8, "rng": 3} if training else {"training": False}

    p_sigmoid, _ = nn.forward_propagation(X, sigmoid_network, **forward)
    p_softmax, _ = nn.forward_propagation(X, softmax_network, **forward)

    assert p_softmax.shape == (2, m)
    np.testing.assert_allclose(p_softmax[1:], p_sigmoid, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(p_softmax[:1], 1 - p_sigmoid, rtol=1e-9, atol=1e-15)


# Gradient checking: every depth, L2, dropout and batch norm, for K = 2, 3 and 10

K_HIDDEN = {0: [], 1: [4], 2: [4, 3]}  # hidden layers -> their sizes, for inputs of 4 features
K_GRAD_CHECK_CASES = [
    pytest.param(
        hidden,
        K,
        lambd,
        keep_prob,
        bn,
        id=f"hidden{hidden}-K{K}-lambd{lambd}-keep{keep_prob}-bn{bn}",
    )
    for hidden, K, lambd, keep_prob, bn in itertools.product(
        K_HIDDEN, (2, 3, 10), (0.0, 0.7), (1.0, 0.7), (0, 1)
    )
    if not (hidden == 0 and bn)  # batch norm is for hidden layers only
]


@pytest.mark.parametrize(("hidden", "K", "lambd", "keep_prob", "batch_norm"), K_GRAD_CHECK_CASES)
def test_k_class_backprop_matches_numerical_gradient(hidden, K, lambd, keep_prob, batch_norm):
    parameters = k_class_network(4, K_HIDDEN[hidden], K, bool(batch_norm), seed=20 + K + hidden)
    X, Y = make_k_class_data(4, 8, K, seed=hidden)

    error = nn.gradient_check(X, Y, parameters, lambd=lambd, keep_prob=keep_prob, seed=3)

    assert error < GRAD_CHECK_TOLERANCE


@pytest.mark.parametrize("K", [1, 3])
def test_gradient_check_of_a_float32_network_is_the_float64_check_of_its_numbers(K):
    parameters = k_class_network(4, [4, 3], K, batch_norm=True, seed=21, dtype=np.float32)
    X, Y = make_k_class_data(4, 8, max(K, 2), seed=21, dtype=np.float32)
    as_float64 = {key: value.astype(np.float64) for key, value in parameters.items()}

    error = nn.gradient_check(X, Y, parameters, lambd=0.7, keep_prob=0.7)

    assert error < GRAD_CHECK_TOLERANCE
    assert error == nn.gradient_check(X.astype(np.float64), Y, as_float64, lambd=0.7, keep_prob=0.7)


def tempered_softmax(softmax):
    """A forward pass whose output is ``softmax(1.1 Z)``: the backward pass's ``AL - Y`` is
    then 10% short of the true gradient."""
    return lambda Z: softmax(1.1 * Z)


def gradient_of_the_next_class(backward_propagation):
    """A backward pass that gives class k's output-layer gradient to class k + 1 (mod K)."""

    def wrong(*args, **kwargs):
        grads = backward_propagation(*args, **kwargs)
        L = max(int(key[2:]) for key in grads if key.startswith("dW"))
        return {
            **grads,
            f"dW{L}": np.roll(grads[f"dW{L}"], 1, axis=0),
            f"db{L}": np.roll(grads[f"db{L}"], 1, axis=0),
        }

    return wrong


@pytest.mark.parametrize(
    ("target", "make_wrong"),
    [("softmax", tempered_softmax), ("backward_propagation", gradient_of_the_next_class)],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gradient_check_catches_a_wrong_k_class_backward_pass(
    monkeypatch, target, make_wrong, dtype
):
    parameters = k_class_network(4, [4], 3, batch_norm=True, seed=22, dtype=dtype)
    X, Y = make_k_class_data(4, 8, 3, seed=22, dtype=dtype)
    correct = nn.gradient_check(X, Y, parameters, lambd=0.7, keep_prob=0.7)

    monkeypatch.setattr(nn, target, make_wrong(getattr(nn, target)))
    wrong = nn.gradient_check(X, Y, parameters, lambd=0.7, keep_prob=0.7)

    assert correct < GRAD_CHECK_TOLERANCE
    assert wrong > 1e-3


@pytest.mark.parametrize("batch_norm", [False, True])
@pytest.mark.parametrize("hidden", [[], [5, 4]])
def test_k_class_grads_have_exactly_a_d_key_per_trainable_array(hidden, batch_norm):
    parameters = k_class_network(3, hidden, 4, batch_norm, seed=23)
    X, Y = make_k_class_data(3, 6, 4, seed=23)
    AL, caches = nn.forward_propagation(X, parameters, 0.8, rng=0)

    grads = nn.backward_propagation(AL, Y, caches, 0.1, 0.8)

    trainable = nn.trainable_keys(parameters)
    assert grads.keys() == {f"d{key}" for key in trainable}
    for key in trainable:
        assert grads[f"d{key}"].shape == parameters[key].shape, key


# Prediction: the most probable class


@pytest.mark.parametrize("batch_norm", [False, True])
@pytest.mark.parametrize("K", [2, 3, 10])
def test_predict_on_a_k_class_network_is_the_argmax_of_predict_proba(K, batch_norm):
    parameters = k_class_network(4, [6], K, batch_norm, seed=24)
    X, _ = make_k_class_data(4, 40, K, seed=24)

    labels = nn.predict(X, parameters)
    probabilities = nn.predict_proba(X, parameters)

    assert probabilities.shape == (K, 40)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    np.testing.assert_allclose(probabilities.sum(axis=0), 1.0, rtol=0, atol=1e-14)
    assert labels.shape == (1, 40) and labels.dtype == np.int64
    np.testing.assert_array_equal(labels[0], np.argmax(probabilities, axis=0))
    assert len(np.unique(labels)) > 1, "the test needs a network that predicts several classes"


@pytest.mark.parametrize("threshold", [0.3, 0.7, 0.0, 1.0])
@pytest.mark.parametrize("K", [2, 3])
def test_a_threshold_other_than_the_default_is_refused_by_a_k_class_network(K, threshold):
    parameters = k_class_network(4, [5], K, seed=25)
    X, _ = make_k_class_data(4, 5, K, seed=25)
    sigmoid_network = make_parameters([4, 5, 1], seed=25)

    with pytest.raises(ValueError, match=r"threshold .* K = \d softmax outputs"):
        nn.predict(X, parameters, threshold=threshold)
    np.testing.assert_array_equal(
        nn.predict(X, parameters, threshold=0.5), nn.predict(X, parameters)
    )
    assert nn.predict(X, sigmoid_network, threshold=threshold).shape == (1, 5)


def test_test_time_augmentation_averages_the_K_probabilities_over_the_views():
    parameters = k_class_network(4, [5], 3, seed=26)
    X, _ = make_k_class_data(4, 7, 3, seed=26)
    views = [lambda X: X[::-1], lambda X: -X]
    expected = sum(nn.predict_proba(view(X), parameters) for view in [lambda X: X, *views]) / 3

    probabilities = nn.predict_proba(X, parameters, tta=views)

    assert probabilities.shape == (3, 7)
    np.testing.assert_allclose(probabilities, expected, rtol=1e-15)
    np.testing.assert_allclose(probabilities.sum(axis=0), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(
        nn.predict(X, parameters, tta=views), np.argmax(expected, axis=0)[None, :]
    )


@pytest.mark.parametrize(
    ("probabilities", "threshold", "expected"),
    [
        pytest.param([[0.2, 0.5, 0.51, 0.9]], 0.5, [[0, 0, 1, 1]], id="one row: p > 0.5"),
        pytest.param([[0.2, 0.5, 0.51, 0.9]], 0.8, [[0, 0, 0, 1]], id="one row: p > threshold"),
        pytest.param([[0, 1, 1, 0]], 0.5, [[0, 1, 1, 0]], id="0/1 labels come back"),
        pytest.param(
            [[0.1, 0.5, 0.3], [0.6, 0.2, 0.3], [0.3, 0.3, 0.4]],
            0.5,
            [[1, 0, 2]],
            id="K rows: argmax",
        ),
        pytest.param(
            [[0.4, 0.5, 1 / 3], [0.4, 0.5, 1 / 3], [0.2, 0.0, 1 / 3]],
            0.5,
            [[0, 0, 0]],
            id="ties: the first class",
        ),
        pytest.param([[0.4, 0.7], [0.6, 0.3]], 0.9, [[1, 0]], id="two rows: argmax, not threshold"),
        pytest.param(
            [[0, 1, 0, 0], [0, 0, 0, 1], [1, 0, 1, 0]], 0.5, [[2, 0, 2, 1]], id="one-hot labels"
        ),
    ],
)
def test_probabilities_to_labels_thresholds_one_row_and_takes_the_argmax_of_K(
    probabilities, threshold, expected
):
    labels = nn.probabilities_to_labels(np.array(probabilities), threshold)

    assert labels.dtype == np.int64
    np.testing.assert_array_equal(labels, expected)


def test_a_two_class_softmax_network_is_a_k_class_network():
    """Its probabilities are ``(2, m)``, its prediction their argmax, and a threshold is refused,
    although it computes what a sigmoid network computes."""
    parameters = k_class_network(4, [5], 2, seed=27)
    X, _ = make_k_class_data(4, 9, 2, seed=27)

    probabilities = nn.predict_proba(X, parameters)

    assert probabilities.shape == (2, 9)
    np.testing.assert_array_equal(nn.predict(X, parameters), np.argmax(probabilities, axis=0)[None])
    with pytest.raises(ValueError, match="threshold"):
        nn.predict(X, parameters, threshold=0.6)


# Initialisation: he, random or zeros, for any output


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("batch_norm", [False, True])
@pytest.mark.parametrize("layers_dims", [[5, 4, 1], [5, 4, 3, 10]])
def test_initialize_parameters_he_is_initialize_parameters_he_bit_for_bit(
    layers_dims, batch_norm, dtype
):
    expected = nn.initialize_parameters_he(layers_dims, seed=4, batch_norm=batch_norm, dtype=dtype)

    assert_unchanged(nn.initialize_parameters(layers_dims, "he", 4, batch_norm, dtype), expected)
    assert_unchanged(
        nn.initialize_parameters(layers_dims, seed=4, batch_norm=batch_norm, dtype=dtype), expected
    )


def test_a_k_class_network_has_a_K_row_output_layer():
    parameters = nn.initialize_parameters([5, 4, 3], seed=0, batch_norm=True)

    assert parameters["W2"].shape == (3, 4)
    np.testing.assert_array_equal(parameters["b2"], np.zeros((3, 1)))


def test_random_initialisation_draws_weights_of_standard_deviation_10_and_zero_biases():
    parameters = nn.initialize_parameters([400, 300, 3], method="random", seed=0)

    for key, size in (("W1", 120_000), ("W2", 900)):
        W = parameters[key]
        assert W.size == size
        assert W.std() == pytest.approx(10.0, rel=5 / math.sqrt(2 * size)), key
        assert abs(W.mean()) < 5 * 10 / math.sqrt(size), key
    np.testing.assert_array_equal(parameters["b1"], np.zeros((300, 1)))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((3, 1)))


@pytest.mark.parametrize("batch_norm", [False, True])
def test_zeros_initialisation_makes_every_weight_and_bias_zero(batch_norm):
    parameters = nn.initialize_parameters([5, 4, 3], method="zeros", seed=0, batch_norm=batch_norm)

    for key in ("W1", "W2", "b2", *(["beta1"] if batch_norm else ["b1"])):
        assert not parameters[key].any(), key
    if batch_norm:
        np.testing.assert_array_equal(parameters["gamma1"], np.ones((4, 1)))


@pytest.mark.parametrize("method", ["xavier", "He", "", None, 1, ["he"]])
def test_an_unknown_initialisation_method_is_refused_naming_method(method):
    with pytest.raises(ValueError, match=r"method must be one of \('he', 'random', 'zeros'\)"):
        nn.initialize_parameters([4, 3, 2], method=method)


# No function modifies its arguments, K classes too


@pytest.mark.parametrize("labels", ["integer", "one-hot"])
@pytest.mark.parametrize("name", CALLS)
def test_no_function_modifies_its_arguments_on_a_k_class_network(name, labels):
    layers_dims = [4, 6, 5, 3]
    parameters = make_parameters(layers_dims, batch_norm=True, seed=28)
    X, Y = make_k_class_data(4, 10, 3, seed=28)
    Y = one_hot(Y, 3) if labels == "one-hot" else Y
    assert_call_leaves_arguments_alone(name, layers_dims, parameters, X, Y)
