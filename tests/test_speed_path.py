"""The speed path takes the textbook's steps: ``_speed_path`` against ``neural_net_optimized``.

``model()`` updates its parameters through ``_speed_path.InPlaceOptimizer`` (in place, in row
blocks, small arrays packed, Adam's moments kept as sums); a learner reads the update rules of
``neural_net_optimized``, written as their formulas. These tests hold the two together, step
for step, in float64: equal to 1e-12 (Adam rounds differently), bit for bit where the arithmetic
is the same.
"""

import numpy as np
import pytest

import _speed_path
import neural_net_optimized as nno
import neural_network as nn

OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
SETTINGS = {"beta": 0.9, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}


def textbook_step(optimizer, parameters, grads, state, t, learning_rate):
    """One step of the public rule; ``state`` is ``(v, s)``. Returns the new parameters, state."""
    v, s = state
    if optimizer == "gd":
        return nno.update_parameters_with_gd(parameters, grads, learning_rate), state
    if optimizer == "momentum":
        parameters, v = nno.update_parameters_with_momentum(
            parameters, grads, v, SETTINGS["beta"], learning_rate
        )
    elif optimizer == "rmsprop":
        parameters, s = nno.update_parameters_with_rmsprop(
            parameters, grads, s, SETTINGS["beta2"], learning_rate, SETTINGS["epsilon"]
        )
    else:
        parameters, v, s = nno.update_parameters_with_adam(
            parameters,
            grads,
            v,
            s,
            t,
            learning_rate,
            **{k: SETTINGS[k] for k in ("beta1", "beta2", "epsilon")},
        )
    return parameters, (v, s)


def network_with_a_large_array(seed=0):
    """W1 is large enough to be updated in row blocks; the other arrays are packed."""
    parameters = nn.initialize_parameters_he([5000, 20, 3, 1], seed=seed, batch_norm=True)
    assert parameters["W1"].size >= _speed_path.BLOCK_SIZE
    return parameters


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_the_in_place_optimizer_takes_the_textbook_steps(optimizer):
    rng = np.random.default_rng(1)
    textbook = network_with_a_large_array()
    fast = {key: value.copy() for key, value in textbook.items()}
    update = _speed_path.InPlaceOptimizer(optimizer, fast, **SETTINGS)
    state = nno.initialize_adam(textbook)
    for t in range(1, 21):  # past step 16, where the fast path also flushes subnormals
        grads = {
            f"d{k}": rng.standard_normal(textbook[k].shape) for k in nn.trainable_keys(textbook)
        }
        learning_rate = 0.01 / t
        textbook, state = textbook_step(optimizer, textbook, grads, state, t, learning_rate)
        update({key: g.copy() for key, g in grads.items()}, learning_rate)
        for key in textbook:
            np.testing.assert_allclose(
                fast[key], textbook[key], rtol=1e-12, atol=1e-15, err_msg=key
            )


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "rmsprop"])
def test_the_in_place_rules_of_gd_momentum_and_rmsprop_round_as_the_textbook_does(optimizer):
    """The same operations in the same order: bit for bit, not just close."""
    rng = np.random.default_rng(2)
    textbook = {"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal((3, 1))}
    fast = {key: value.copy() for key, value in textbook.items()}
    update = _speed_path.InPlaceOptimizer(optimizer, fast, **SETTINGS)
    state = nno.initialize_adam(textbook)
    for t in range(1, 6):
        grads = {f"d{k}": rng.standard_normal(textbook[k].shape) for k in textbook}
        textbook, state = textbook_step(optimizer, textbook, grads, state, t, 0.05)
        update(grads, 0.05)
    for key in textbook:
        np.testing.assert_array_equal(fast[key], textbook[key], err_msg=key)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "rule, n_states, hyperparameters",
    [
        (_speed_path.gd_step, 0, (0.01,)),
        (_speed_path.momentum_step, 1, (0.9, 0.01)),
        (_speed_path.rmsprop_step, 1, (0.999, 0.01, 1e-8)),
        (_speed_path.adam_step, 2, (7, 0.01, 0.9, 0.999, 1e-8)),
    ],
    ids=["gd", "momentum", "rmsprop", "adam"],
)
def test_row_block_updates_equal_the_whole_array_update(dtype, rule, n_states, hyperparameters):
    rng = np.random.default_rng(0)
    shape = (20, 4096)  # large enough to be split into row blocks
    arrays = [np.abs(rng.standard_normal(shape)).astype(dtype) for _ in range(2 + n_states)]
    whole = [a.copy() for a in arrays]
    rule(*whole, *hyperparameters)

    parameters, grads = {"W1": arrays[0]}, {"dW1": arrays[1]}
    states = [{"dW1": a} for a in arrays[2:]]
    _speed_path.step_in_row_blocks(rule, ["W1"], parameters, grads, states, *hyperparameters)

    np.testing.assert_array_equal(parameters["W1"], whole[0])
    for state, expected in zip(states, whole[2:], strict=True):
        np.testing.assert_array_equal(state["dW1"], expected)
    assert parameters["W1"].dtype == dtype


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_flushing_sets_only_subnormal_entries_to_zero(dtype):
    tiny = np.finfo(dtype).tiny
    array = np.array([[tiny / 4, -tiny / 1024, tiny, -tiny], [0.0, 1e-3, -2.5, tiny * 2]], dtype)
    expected = array.copy()
    expected[0, :2] = 0.0

    _speed_path.flush_subnormals(array)

    np.testing.assert_array_equal(array, expected)
    assert array.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_training_layout_is_the_same_values_in_fortran_order(dtype):
    X = np.arange(12.0).reshape(3, 4)
    laid_out = _speed_path.training_layout(X, dtype)
    assert laid_out.flags.f_contiguous and laid_out.dtype == dtype
    np.testing.assert_array_equal(laid_out, X.astype(dtype))


@pytest.mark.parametrize("order", ["C", "F"])
def test_the_first_layer_product_helper_is_w_times_a(order):
    rng = np.random.default_rng(3)
    W, A = rng.standard_normal((20, 300)), np.asarray(rng.standard_normal((300, 50)), order=order)
    np.testing.assert_allclose(nn.matmul(W, A), W @ A, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# Seeds of a full-batch run, trained together: the same networks as trained one by one
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lambd", [0.2, 0.0])  # gd without L2 works in the row space of X
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("layers_dims", [[6, 1], [6, 4, 1], [6, 5, 3, 1], [6, 4, 3]])
def test_seeds_trained_together_are_the_seeds_trained_one_by_one(optimizer, layers_dims, lambd):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((6, 40))
    K = layers_dims[-1]
    Y = rng.integers(0, max(K, 2), (1, 40))
    options = dict(optimizer=optimizer, learning_rate=0.01, num_epochs=25, mini_batch_size=None,
                   lambd=lambd, decay=0.05)  # fmt: skip
    together = nno.train_seeds(X, Y, layers_dims, [0, 3, 7], **options)
    for seed, (parameters, history) in zip([0, 3, 7], together, strict=True):
        expected, expected_history = nno.model(X, Y, layers_dims, seed=seed, **options)
        assert parameters.keys() == expected.keys()
        for key in expected:
            np.testing.assert_allclose(parameters[key], expected[key], rtol=1e-11, atol=1e-13)
        np.testing.assert_allclose(history["cost"], expected_history["cost"], rtol=1e-11)
        assert history["learning_rate"] == expected_history["learning_rate"]


def test_seeds_of_a_mini_batch_or_batch_norm_run_are_trained_one_by_one(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("trained together")

    monkeypatch.setattr(_speed_path, "train_together", fail)
    X, Y = np.random.default_rng(5).standard_normal((3, 20)), np.tile([[0, 1]], 10)
    for options in (dict(mini_batch_size=8), dict(mini_batch_size=None, batch_norm=True),
                    dict(mini_batch_size=None, keep_prob=0.5)):  # fmt: skip
        runs = nno.train_seeds(X, Y, [3, 4, 1], [1, 2], num_epochs=2, **options)
        expected = nno.model(X, Y, [3, 4, 1], seed=2, num_epochs=2, **options)
        np.testing.assert_array_equal(runs[1][0]["W1"], expected[0]["W1"])


@pytest.mark.parametrize(
    "seeds, options, error, match",
    [
        ([], {}, ValueError, "seeds"),
        ([1, 1], {}, ValueError, "seeds"),
        ("01", {}, TypeError, "seeds"),
        ([0, -1], {}, ValueError, r"seeds\[1\]"),
        ([0], {"seed": 3}, TypeError, "seed"),
        ([0], {"no_such_option": 1}, TypeError, "no_such_option"),
        ([0], {"mini_batch_size": None, "learning_rate": -1.0}, ValueError, "learning_rate"),
    ],
)
def test_train_seeds_refuses_bad_seeds_and_options_naming_them(seeds, options, error, match):
    X, Y = np.ones((2, 4)), np.array([[0, 1, 0, 1]])
    with pytest.raises(error, match=match):
        nno.train_seeds(X, Y, [2, 1], seeds, num_epochs=1, **options)


@pytest.mark.filterwarnings("error")  # and no RuntimeWarning (overflow, invalid value) escapes
def test_a_diverging_run_trained_together_raises_floating_point_error():
    rng = np.random.default_rng(0)
    X = 100 * rng.standard_normal((5, 100))  # weights of ~1e50 overflow the forward pass
    with pytest.raises(FloatingPointError, match=r"epoch \d+.*learning rate"):
        nno.train_seeds(X, (X[:1] > 0).astype(int), [5, 8, 4, 1], [0, 1], optimizer="gd",
                        learning_rate=1e50, num_epochs=100, mini_batch_size=None)  # fmt: skip


def test_gradient_descent_without_l2_in_the_row_space_of_many_features_matches_one_by_one():
    """More features than examples, as in the cat images: W1 = W1_0 + C X^T holds exactly."""
    rng = np.random.default_rng(7)
    X, Y = rng.random((300, 20)), rng.integers(0, 2, (1, 20))
    options = dict(optimizer="gd", learning_rate=0.05, num_epochs=200, mini_batch_size=None)
    together = nno.train_seeds(X, Y, [300, 7, 1], [0, 1], **options)
    for seed, (parameters, history) in zip([0, 1], together, strict=True):
        expected, expected_history = nno.model(X, Y, [300, 7, 1], seed=seed, **options)
        for key in expected:
            np.testing.assert_allclose(parameters[key], expected[key], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(history["cost"], expected_history["cost"], rtol=1e-10)
