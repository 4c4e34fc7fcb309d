"""Property-based tests over the public API: generated inputs, valid and broken.

For each public function, Hypothesis draws valid inputs (networks of random depth, width,
batch norm and dtype, data to go with them) and, argument by argument, broken ones: the wrong
type, a nested or ragged list, None, complex or object arrays, NaN and inf, wrong shapes, empty
arrays, missing or extra dict keys, values out of range. The properties:

* valid input gives finite results of the documented shape, without a warning, and leaves
  every argument as it was;
* broken input raises TypeError, ValueError or FileNotFoundError, and the message names the
  argument (or the dict entry) that is wrong: never a KeyError, an AttributeError, an
  IndexError, a NumPy warning or a silent answer;
* a network saved to any path loads back exactly, from that path.
"""

import copy
import math
import os
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import augmentation
import cat_data
import model_selection as ms
import neural_net_optimized as nno
import neural_network as nn

ERRORS = (TypeError, ValueError, FileNotFoundError)
# 25 examples a property keeps the suite fast; PROPERTY_EXAMPLES=500 searches harder.
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "25"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
pytestmark = pytest.mark.filterwarnings("error")


def assert_refused(call, name):
    """``call()`` raises one of ERRORS whose message matches the regex ``name``."""
    try:
        call()
    except ERRORS as error:
        assert re.search(name, str(error)), (
            f"{type(error).__name__}: {error!s} does not name {name}"
        )
    else:
        raise AssertionError(f"a broken {name} was accepted")


def assert_unchanged(before, after, path="argument"):
    if isinstance(before, dict):
        assert isinstance(after, dict) and before.keys() == after.keys(), path
        for key in before:
            assert_unchanged(before[key], after[key], f"{path}[{key!r}]")
    elif isinstance(before, (list, tuple)):
        assert len(before) == len(after), path
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            assert_unchanged(b, a, f"{path}[{i}]")
    elif isinstance(before, np.ndarray):
        assert after.dtype == before.dtype, path
        np.testing.assert_array_equal(after, before, err_msg=path)
    else:
        assert before == after or (before is None and after is None), path


def finite(value):
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    return bool(np.isfinite(value).all())


# ---------------------------------------------------------------------------------------------
# Strategies: valid networks and data
# ---------------------------------------------------------------------------------------------


@st.composite
def networks(draw):
    """``(layers_dims, parameters)``: 0 to 2 hidden layers, batch norm or not, float32 or 64,
    with b, gamma, beta and the running statistics moved away from their initial values."""
    n_x = draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 4), max_size=2))
    batch_norm = bool(hidden) and draw(st.booleans())
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    dims = [n_x, *hidden, 1]
    parameters = nn.initialize_parameters_he(dims, seed=rng, batch_norm=batch_norm, dtype=dtype)
    for key, value in parameters.items():
        if key.startswith(("gamma", "running_var")):
            parameters[key] = rng.uniform(0.5, 1.5, value.shape).astype(dtype)
        elif not key.startswith("W"):
            parameters[key] = rng.normal(0.0, 0.3, value.shape).astype(dtype)
    return dims, parameters


@st.composite
def problems(draw):
    """``(layers_dims, parameters, X, Y)`` with 2 to 6 examples of both classes."""
    dims, parameters = draw(networks())
    m = draw(st.integers(2, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.standard_normal((dims[0], m)).astype(parameters["W1"].dtype)
    Y = (np.arange(m) % 2)[None, :]
    return dims, parameters, X, rng.permutation(Y, axis=1)


# Broken arrays, each made from a valid one (so that wrong shapes relate to the right ones).
BROKEN_ARRAYS = {
    "None": lambda a: None,
    "a string": lambda a: "0.5",
    "a ragged list": lambda a: [[1.0, 2.0], [3.0]],
    "complex": lambda a: a.astype(complex),
    "object dtype": lambda a: a.astype(object),
    "NaN": lambda a: np.where(np.arange(a.size).reshape(a.shape) == 0, np.nan, a),
    "inf": lambda a: np.where(np.arange(a.size).reshape(a.shape) == 0, np.inf, a),
    "1-D": lambda a: a[0],
    "3-D": lambda a: a[None],
    "no columns": lambda a: a[:, :0],
    "an extra row": lambda a: np.vstack([a, a[:1]]),
}
BROKEN_SCALARS = [None, "0.5", 1 + 1j, math.nan, math.inf, [0.5], np.array([0.5]), True]


def broken_dicts(d, allow_extra=True):
    """Broken versions of a dict of arrays: not a dict, empty, an entry missing, or an entry
    that is not a finite float array of its shape. Each with the regex its error must match."""
    key = sorted(d)[-1]
    value = d[key]
    cases = [
        (None, ""),
        (list(d.values()), ""),
        ({}, ""),
        ({k: v for k, v in d.items() if k != key}, re.escape(key)),
        ({**d, key: None}, re.escape(key)),
        ({**d, key: "text"}, re.escape(key)),
        ({**d, key: value.tolist()}, re.escape(key)),
        ({**d, key: value.astype(complex)}, re.escape(key)),
        ({**d, key: value.astype(object)}, re.escape(key)),
        ({**d, key: np.full_like(value, np.nan)}, re.escape(key)),
        ({**d, key: np.vstack([value, value])}, re.escape(key)),
    ]
    if allow_extra:
        cases.append(({**d, "foo": value}, "foo"))
    return cases


# ---------------------------------------------------------------------------------------------
# The network's math
# ---------------------------------------------------------------------------------------------


@FAST
@given(problems(), st.sampled_from([1.0, 0.7]), st.sampled_from([0.0, 0.5]))
def test_valid_forward_cost_and_backward_are_finite_shaped_silent_and_pure(
    problem, keep_prob, lambd
):
    dims, parameters, X, Y = problem
    before = copy.deepcopy((parameters, X, Y))
    AL, caches = nn.forward_propagation(X, parameters, keep_prob, rng=0)
    cost = nn.compute_cost(AL, Y, parameters, lambd)
    grads = nn.backward_propagation(AL, Y, caches, lambd, keep_prob)
    assert AL.shape == (1, X.shape[1]) and ((AL >= 0) & (AL <= 1)).all()
    assert type(cost) is float and math.isfinite(cost)
    assert set(grads) == {f"d{key}" for key in nn.trainable_keys(parameters)}
    assert all(grads[f"d{k}"].shape == parameters[k].shape for k in nn.trainable_keys(parameters))
    assert finite(grads)
    probabilities = nn.predict_proba(X, parameters)
    assert probabilities.shape == (1, X.shape[1]) and finite(probabilities)
    assert set(np.unique(nn.predict(X, parameters))) <= {0, 1}
    assert len(nn.dead_relu_fractions(X, parameters)) == len(dims) - 2
    assert_unchanged(before, (parameters, X, Y))


@FAST
@given(problems(), st.sampled_from(list(BROKEN_ARRAYS)))
def test_a_broken_X_is_refused_by_every_function_that_takes_one(problem, how):
    _, parameters, X, Y = problem
    bad = BROKEN_ARRAYS[how](X)
    name = r"\bX\b"
    assert_refused(lambda: nn.forward_propagation(bad, parameters), name)
    assert_refused(lambda: nn.predict(bad, parameters), name)
    assert_refused(lambda: nn.predict_proba(bad, parameters), name)
    assert_refused(lambda: nn.dead_relu_fractions(bad, parameters), name)
    assert_refused(lambda: nn.gradient_check(bad, Y, parameters, max_entries=1), name)
    assert_refused(lambda: nn.fit_standardizer(bad if how != "an extra row" else "x"), name)
    assert_refused(lambda: ms.evaluate(bad, Y, parameters), name)


@FAST
@given(problems(), st.integers(0, 11))
def test_broken_parameters_are_refused_naming_the_entry(problem, case):
    _, parameters, X, Y = problem
    cases = broken_dicts(parameters)
    bad, name = cases[case % len(cases)]
    name = name or "parameters"
    assert_refused(lambda: nn.forward_propagation(X, bad), name)
    assert_refused(lambda: nn.predict(X, bad), name)
    assert_refused(lambda: nn.compute_cost(np.full((1, X.shape[1]), 0.5), Y, bad, 0.1), name)
    assert_refused(lambda: nn.gradient_check(X, Y, bad, max_entries=1), name)
    assert_refused(lambda: nno.save_parameters("never-written.npz", bad), name)


@FAST
@given(problems(), st.sampled_from(["NaN", "inf", "complex", "object dtype", "a string", "1-D",
                                    "above 1", "negative", "integers", "no columns"]))  # fmt: skip
def test_broken_probabilities_are_refused_by_the_cost_and_the_backward_pass(problem, how):
    _, parameters, X, Y = problem
    AL, caches = nn.forward_propagation(X, parameters)
    bad = {"above 1": AL + 1.5, "negative": -AL, "integers": np.ones(AL.shape, dtype=int)}.get(how)
    bad = BROKEN_ARRAYS[how](AL) if bad is None else bad
    assert_refused(lambda: nn.compute_cost(bad, Y), r"\bAL\b")
    assert_refused(lambda: nn.backward_propagation(bad, Y, caches), r"\bAL\b")
    assert_refused(lambda: ms.log_loss(Y, bad), "probabilities|AL")


@FAST
@given(problems(), st.sampled_from(["2", "0.5", "NaN", "complex", "a string", "2 rows", "none"]))
def test_broken_labels_are_refused_naming_Y(problem, how):
    _, parameters, X, Y = problem
    bad = {
        "2": 2 * Y, "0.5": 0.5 * Y, "NaN": np.where(Y == 1, np.nan, Y), "complex": Y + 0j,
        "a string": "1, 0", "2 rows": np.vstack([Y, Y]), "none": Y[:, :0],
    }[how]  # fmt: skip
    AL, caches = nn.forward_propagation(X, parameters)
    assert_refused(lambda: nn.compute_cost(AL, bad), r"\bY\b")
    assert_refused(lambda: nn.backward_propagation(AL, bad, caches), r"\bY\b")
    assert_refused(lambda: nn.gradient_check(X, bad, parameters, max_entries=1), r"\bY\b")
    if how != "2":  # 2 is a class label for the metrics, which count K classes
        assert_refused(lambda: ms.accuracy(bad, Y), r"\bY\b")
        assert_refused(lambda: ms.balanced_accuracy(Y, bad), "Y_pred|Y")
    assert_refused(lambda: augmentation.balance_classes(X, bad), r"\bY\b")


@FAST
@given(problems(), st.integers(0, 6))
def test_caches_that_are_not_this_forward_pass_are_refused_naming_caches(problem, case):
    _, parameters, X, Y = problem
    AL, caches = nn.forward_propagation(X, parameters)
    _, other = nn.forward_propagation(np.hstack([X, X]), parameters)
    bad = [
        None, [caches], {}, {"layers": [], "keep_prob": 1.0},
        {**caches, "layers": [None] * len(caches["layers"])},
        {k: v for k, v in caches.items() if k != "keep_prob"}, other,
    ][case]  # fmt: skip
    assert_refused(lambda: nn.backward_propagation(AL, Y, bad), "caches")


@FAST
@given(problems(), st.sampled_from(BROKEN_SCALARS + [0.0, -0.5, 1.5]))
def test_a_broken_keep_prob_or_lambd_is_refused_naming_it(problem, value):
    _, parameters, X, Y = problem
    AL, caches = nn.forward_propagation(X, parameters)
    if not (isinstance(value, float) and 0 < value <= 1):
        assert_refused(lambda: nn.forward_propagation(X, parameters, value), "keep_prob")
    if not (isinstance(value, float) and value >= 0 and math.isfinite(value)):
        assert_refused(lambda: nn.compute_cost(AL, Y, parameters, value), "lambd")
        assert_refused(lambda: nn.gradient_check(X, Y, parameters, lambd=value), "lambd")


@FAST
@given(problems(), st.sampled_from([0.0, -1e-6, math.nan, "1e-6", None]))
def test_gradient_check_refuses_a_step_that_is_not_positive(problem, epsilon):
    _, parameters, X, Y = problem
    assert_refused(lambda: nn.gradient_check(X, Y, parameters, epsilon=epsilon), "epsilon")


# ---------------------------------------------------------------------------------------------
# Training: the optimisers, the decay, the mini-batches, model()
# ---------------------------------------------------------------------------------------------


def grads_of(parameters, X, Y):
    AL, caches = nn.forward_propagation(X, parameters)
    return nn.backward_propagation(AL, Y, caches)


def every_update(parameters, grads, state, lr=0.01):
    v, s = state
    return {
        "gd": lambda: nno.update_parameters_with_gd(parameters, grads, lr),
        "momentum": lambda: nno.update_parameters_with_momentum(parameters, grads, v, 0.9, lr),
        "rmsprop": lambda: nno.update_parameters_with_rmsprop(parameters, grads, s, 0.999, lr),
        "adam": lambda: nno.update_parameters_with_adam(parameters, grads, v, s, 2, lr),
    }


@FAST
@given(problems())
def test_valid_updates_are_finite_shaped_and_leave_their_arguments_alone(problem):
    _, parameters, X, Y = problem
    grads = grads_of(parameters, X, Y)
    v, s = nno.initialize_adam(parameters)
    s = {key: value + 0.1 for key, value in s.items()}
    before = copy.deepcopy((parameters, grads, v, s))
    for name, update in every_update(parameters, grads, (v, s)).items():
        result = update()
        new = result if isinstance(result, dict) else result[0]
        assert new.keys() == parameters.keys() and finite(new), name
        assert all(new[k].dtype == parameters[k].dtype for k in new), name
    assert_unchanged(before, (parameters, grads, v, s))


@FAST
@given(problems(), st.integers(0, 10))
def test_broken_gradients_are_refused_naming_the_entry(problem, case):
    _, parameters, X, Y = problem
    grads = grads_of(parameters, X, Y)
    cases = broken_dicts(grads, allow_extra=False)
    bad, name = cases[case % len(cases)]
    for update in every_update(parameters, bad, nno.initialize_adam(parameters)).values():
        assert_refused(update, name or "grads")


@FAST
@given(problems(), st.integers(0, 10), st.sampled_from(["v", "s"]))
def test_broken_optimiser_states_are_refused_naming_them(problem, case, which):
    _, parameters, X, Y = problem
    grads = grads_of(parameters, X, Y)
    v, s = nno.initialize_adam(parameters)
    state = v if which == "v" else s
    cases = broken_dicts(state, allow_extra=False)
    bad, _ = cases[case % len(cases)]
    states = (bad, s) if which == "v" else (v, bad)
    updates = every_update(parameters, grads, states)
    assert_refused(updates["momentum" if which == "v" else "rmsprop"], rf"\b{which}\b")
    assert_refused(updates["adam"], rf"\b{which}\b")


@FAST
@given(problems())
def test_a_negative_second_moment_is_refused_instead_of_a_square_root_warning(problem):
    _, parameters, X, Y = problem
    grads = grads_of(parameters, X, Y)
    v, s = nno.initialize_adam(parameters)
    key = sorted(s)[0]
    s = {**s, key: s[key] - 1.0}
    assert_refused(lambda: nno.update_parameters_with_rmsprop(parameters, grads, s), r"s\['")
    assert_refused(lambda: nno.update_parameters_with_adam(parameters, grads, v, s, 1), r"s\['")


def valid_hyperparameter(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    if name == "t":
        return isinstance(value, int) and value >= 1
    if name in ("beta", "beta1", "beta2"):
        return 0 <= value < 1
    return value > 0  # learning_rate, epsilon


@FAST
@given(
    problems(),
    st.sampled_from(["learning_rate", "beta", "beta1", "beta2", "epsilon", "t"]),
    st.sampled_from(BROKEN_SCALARS + [0.0, -1.0, 1.0, 2.5]),
)
def test_broken_hyperparameters_of_the_updates_are_refused_naming_them(problem, name, value):
    if valid_hyperparameter(name, value):
        return
    _, parameters, X, Y = problem
    grads = grads_of(parameters, X, Y)
    v, s = nno.initialize_adam(parameters)
    args = {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "t": 1}

    def call():
        if name == "beta":
            return nno.update_parameters_with_momentum(parameters, grads, v, value, 0.01)
        return nno.update_parameters_with_adam(parameters, grads, v, s, **{**args, name: value})

    assert_refused(call, rf"\b{name}\b")


@FAST
@given(st.sampled_from(BROKEN_SCALARS + [-1.0]), st.sampled_from(["lr", "epoch", "rate"]))
def test_the_decay_functions_refuse_broken_arguments_naming_them(value, which):
    args = {"lr": 0.1, "epoch": 3, "rate": 1.0}
    args[which] = value
    name = {"lr": "learning_rate0", "epoch": "epoch_num", "rate": "decay_rate"}[which]
    assert_refused(lambda: nno.update_lr(args["lr"], args["epoch"], args["rate"]), name)
    assert_refused(lambda: nno.schedule_lr_decay(args["lr"], args["epoch"], args["rate"]), name)


@FAST
@given(st.sampled_from([0, -1, -64, 2.5, "64", None, True, math.nan]))
def test_mini_batches_refuse_a_size_that_is_not_a_positive_integer(size):
    X = np.ones((2, 10))
    Y = np.zeros((1, 10))
    assert_refused(lambda: nno.random_mini_batches(X, Y, size), "mini_batch_size")
    assert_refused(lambda: nno.mini_batch_indices(10, size, np.random.default_rng(0)),
                   "mini_batch_size")  # fmt: skip


MODEL_HYPERPARAMETERS = ["learning_rate", "num_epochs", "mini_batch_size", "lambd", "keep_prob",
                         "beta", "beta1", "beta2", "epsilon", "decay", "decay_rate",
                         "decay_every", "early_stopping", "seed", "print_every", "bn_momentum",
                         "bn_epsilon"]  # fmt: skip


@settings(max_examples=max(40, EXAMPLES), deadline=None)
@given(st.sampled_from(MODEL_HYPERPARAMETERS), st.sampled_from(BROKEN_SCALARS[1:] + [-1.0]))
def test_model_refuses_every_broken_hyperparameter_before_training_naming_it(name, value):
    X = np.random.default_rng(0).standard_normal((3, 12))
    Y = (np.arange(12) % 2)[None]
    extra = {"decay": nno.update_lr} if name == "decay_rate" else {}
    if name == "decay_every":
        extra = {"decay": 0.1}
    if name == "early_stopping":
        extra = {"X_dev": X, "Y_dev": Y}
    assert_refused(lambda: nno.model(X, Y, [3, 2, 1], num_epochs=1, **extra, **{name: value}),
                   rf"\b{name}\b")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Saving and loading
# ---------------------------------------------------------------------------------------------


@FAST
@given(networks(), st.sampled_from(["model", "model.npz", "a.b.c", "sub/dir/net.bin"]),
       st.booleans())  # fmt: skip
def test_a_saved_network_loads_back_exactly_from_the_path_given(tmp_path_factory, network, name,
                                                                as_str):  # fmt: skip
    _, parameters = network
    path = tmp_path_factory.mktemp("saved") / name
    path.parent.mkdir(parents=True, exist_ok=True)
    written = nno.save_parameters(str(path) if as_str else path, parameters, note="any")
    assert written == path
    loaded, metadata = nno.load_parameters(str(path) if as_str else path)
    assert metadata == {"note": "any"}
    assert_unchanged(parameters, loaded)


@FAST
@given(st.binary(max_size=300))
def test_any_file_that_is_not_a_saved_network_is_a_value_error(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("foreign") / "model.npz"
    path.write_bytes(content)
    assert_refused(lambda: nno.load_parameters(path), "not a readable parameters file")


# ---------------------------------------------------------------------------------------------
# Model selection, augmentation and the cat data
# ---------------------------------------------------------------------------------------------


@FAST
@given(st.integers(1, 30), st.data())
def test_metrics_of_valid_labels_are_python_numbers_in_range(m, data):
    Y = np.array([data.draw(st.lists(st.integers(0, 1), min_size=m, max_size=m))])
    Y_pred = np.array([data.draw(st.lists(st.integers(0, 1), min_size=m, max_size=m))])
    for metric in (ms.accuracy, ms.balanced_accuracy):
        value = metric(Y, Y_pred)
        assert type(value) is float and 0.0 <= value <= 1.0
    low, high = ms.wilson_interval(int(np.sum(Y_pred == Y)), m)
    assert 0.0 <= low <= ms.accuracy(Y, Y_pred) <= high <= 1.0


@FAST
@given(st.sampled_from([np.zeros((1, 0)), np.zeros((0, 3)), np.zeros(3), None, "1 0"]))
def test_metrics_of_no_examples_or_a_wrong_shape_are_value_errors(Y):
    assert_refused(lambda: ms.accuracy(Y, Y), r"\bY\b")
    assert_refused(lambda: ms.balanced_accuracy(Y, Y), r"\bY\b")
    assert_refused(lambda: ms.confusion_counts(Y, Y), r"\bY\b")


@FAST
@given(st.sampled_from(list(BROKEN_ARRAYS)))
def test_the_augmentations_refuse_broken_images_naming_X(how):
    X = np.random.default_rng(0).random((12, 3))
    Y = np.array([[0, 1, 0]])
    bad = BROKEN_ARRAYS[how](X)
    shape = (2, 2, 3)
    assert_refused(lambda: augmentation.mirror_images(bad, shape), r"\bX\b")
    assert_refused(lambda: augmentation.augment_with_flips(bad, Y, shape), r"\bX\b")
    assert_refused(
        lambda: augmentation.augment(bad, Y, "flips+shifts", image_shape=shape), r"\bX\b"
    )


@FAST
@given(st.sampled_from([None, "flips", 3, "flips+rotate", "", "shifts+shifts"]))
def test_an_augmentation_name_must_be_known(spec):
    X = np.zeros((12, 2))
    Y = np.array([[0, 1]])
    if spec == "flips":
        assert augmentation.augment(X, Y, spec, image_shape=(2, 2, 3))[0].shape == (12, 4)
        return
    assert_refused(lambda: augmentation.augment(X, Y, spec, image_shape=(2, 2, 3)), "augment")


@FAST
@given(st.sampled_from(["complex", "NaN", "above 255", "negative", "3-D", "a string", "no images"]))
def test_flatten_and_scale_refuses_what_are_not_images(how):
    images = np.full((2, 3, 3, 3), 100, dtype=np.uint8)
    bad = {
        "complex": images.astype(complex), "NaN": np.full(images.shape, np.nan),
        "above 255": images.astype(float) * 3, "negative": -images.astype(float),
        "3-D": images[0], "a string": "images", "no images": images[:0],
    }[how]  # fmt: skip
    assert_refused(lambda: cat_data.flatten_and_scale(bad), "images")


@FAST
@given(st.sampled_from([None, {}, [], "config", {"hidden": 3}, {"optimiser": "adam"}]))
def test_train_configuration_refuses_a_broken_configuration_naming_config(config):
    X = np.random.default_rng(0).standard_normal((3, 8))
    Y = (np.arange(8) % 2)[None]
    if config == {}:
        parameters, _ = ms.train_configuration(X, Y, config)  # model()'s defaults
        assert nn.check_parameters(parameters) == [3, 1]
        return
    assert_refused(lambda: ms.train_configuration(X, Y, config), "config")


# ---------------------------------------------------------------------------------------------
# What a fuzzing run found once, and must not find again
# ---------------------------------------------------------------------------------------------

_P = nn.initialize_parameters_he([3, 4, 1], seed=0)
_PB = nn.initialize_parameters_he([3, 4, 1], seed=0, batch_norm=True)
_X = np.random.default_rng(0).standard_normal((3, 6))
_Y = np.array([[0, 1, 0, 1, 1, 0]])
_X8 = np.random.default_rng(1).random((192, 3))  # three 8x8x3 images
_S8 = (8, 8, 3)

FOUND = {
    "a 400-digit integer": (lambda: nno.model(_X, _Y, [3, 1], num_epochs=10**400), "num_epochs"),
    "a 400-digit n": (lambda: ms.wilson_interval(1, 10**400), "successes|n"),
    "ragged labels": (lambda: nno.random_mini_batches(_X, [[0, 1], [1]]), r"\bY\b"),
    "ragged labels to split": (lambda: ms.train_dev_split(_X, [[0, 1], [1]]), r"\bY\b"),
    "ragged shifts": (lambda: augmentation.shift_images(_X8, [[1, 0], [0]], _S8), "shifts"),
    "ragged images": (lambda: cat_data.flatten_and_scale([[[[1, 2, 3]]], [[[1, 2]]]]), "images"),
    "ragged values": (lambda: ms.mean_and_standard_error([[1], [2, 3]]), "values"),
    "empty parameters, depth": (lambda: nn.network_depth({}), "layer keys"),
    "None parameters, keys": (lambda: nn.trainable_keys(None), "parameters"),
    "half a standardizer": (lambda: nn.standardize(_X, {"input_mean": np.zeros((3, 1))}), "stats"),
    "batch_norm a string": (
        lambda: nn.initialize_parameters_he([3, 2, 1], batch_norm="no"),
        "batch_norm",
    ),  # fmt: skip
    "training a string": (lambda: nn.forward_propagation(_X, _P, training="no"), "training"),
    "rng garbage": (lambda: nn.forward_propagation(_X, _P, rng="garbage"), "rng"),
    "dtype garbage": (lambda: nn.initialize_parameters_he([3, 1], dtype="abc"), "dtype"),
    "dtype float16": (lambda: nn.initialize_parameters_he([3, 1], dtype=np.float16), "dtype"),
    "X without rows": (lambda: nn.check_X(np.zeros((0, 4))), r"\bX\b"),
    "an empty layer": (
        lambda: nn.check_parameters(
            {
                "W1": np.zeros((0, 3)),
                "b1": np.zeros((0, 1)),
                "W2": np.zeros((1, 0)),
                "b2": np.zeros((1, 1)),
            }
        ),
        "W1",
    ),  # fmt: skip
    "huge X to standardise": (lambda: nn.fit_standardizer(np.array([[1e200, -1e200]])), r"\bX\b"),
    "an overflowing L2 term": (
        lambda: nn.compute_cost(
            np.full((1, 2), 0.5),
            [[0, 1]],
            {"W1": np.full((1, 3), 1e200), "b1": np.zeros((1, 1))},
            1.0,
        ),
        "L2",
    ),  # fmt: skip
    "a subnormal keep_prob": (
        lambda: nn.forward_propagation(_X, _P, keep_prob=1e-310, rng=0),
        "keep_prob",
    ),  # fmt: skip
    "caches of a list": (
        lambda: nn.check_caches(
            {"layers": [{"linear": ([[1.0]], None, None)}], "keep_prob": 1.0}, 1, 1.0
        ),
        "caches",
    ),  # fmt: skip
    "inference caches of batch norm": (
        lambda: nn.backward_propagation(
            *nn.forward_propagation(_X, _PB, training=False)[:1],
            _Y,
            nn.forward_propagation(_X, _PB, training=False)[1],
        ),
        "inference-mode",
    ),  # fmt: skip
    "overflowing gradients": (
        lambda: nno.update_parameters_with_gd(
            _P, {f"d{k}": np.full_like(v, 1e308) for k, v in _P.items()}, 10.0
        ),
        "overflow",
    ),
    "a junk state entry": (
        lambda: nno.update_parameters_with_adam(
            _P,
            nno.initialize_velocity(_P),
            {**nno.initialize_velocity(_P), "extra": "junk"},
            nno.initialize_rmsprop(_P),
            1,
        ),
        "extra",
    ),  # fmt: skip
    "decay_rate without decay": (lambda: nno.model(_X, _Y, [3, 1], decay_rate=0.5), "decay_rate"),
    "decay_every without decay": (
        lambda: nno.model(_X, _Y, [3, 1], decay_every=10),
        "decay_every",
    ),  # fmt: skip
    "a decay of four arguments": (
        lambda: nno.model(_X, _Y, [3, 1], decay=lambda a, b, c, d: a),
        "decay",
    ),  # fmt: skip
    "a standardizer of lists": (
        lambda: nno.model(
            _X, _Y, [3, 1], standardize={"input_mean": [[0]] * 3, "input_scale": [[1]] * 3}
        ),
        "standardize",
    ),  # fmt: skip
    "a standardizer array": (
        lambda: nno.model(_X, _Y, [3, 1], standardize=np.zeros(3)),
        "standardize",
    ),  # fmt: skip
    "a NUL in the path": (lambda: nno.save_parameters("/tmp/a\0b.npz", _P), "path"),
    "no generator": (lambda: ms.sample_configuration({"a": [1]}, None), "rng"),
    "a dict of choices": (
        lambda: ms.sample_configuration({"a": {"x": 1}}, np.random.default_rng(0)),
        "space",
    ),  # fmt: skip
    "an optimiser without a range": (
        lambda: ms.learning_rate_for({"adam": (1e-4, 1e-3)})(
            np.random.default_rng(0), {"optimizer": "gd"}
        ),
        "optimizer",
    ),  # fmt: skip
    "a range of 0": (lambda: ms.learning_rate_for({"adam": (0.0, 1e-3)}), "ranges"),
    "no trials to rank": (lambda: ms.rank_trials([], "log_loss"), "trials"),
    "an unknown metric": (lambda: ms.rank_trials([{"trial": 0}], "foo"), "metric"),
    "splits out of range": (
        lambda: ms.cross_validate(_X, _Y, {}, [(np.arange(3), np.arange(3, 99))]),
        "splits",
    ),  # fmt: skip
    "no splits": (lambda: ms.cross_validate(_X, _Y, {}, []), "splits"),
    "an empty training part": (
        lambda: ms.majority_baseline(_Y, [(np.array([], int), np.arange(6))]),
        "splits",
    ),  # fmt: skip
    "infinite values": (lambda: ms.mean_and_standard_error([np.inf, 1.0]), "values"),
    "a huge z": (lambda: ms.wilson_interval(5, 10, z=1e200), r"\bz\b"),
    "a negative lambd to refit": (lambda: ms.matched_refit({"lambd": -1.0}, 10, 20), "lambd"),
    "seed in a configuration": (lambda: ms.check_configuration({"seed": 1}), "seed"),
    "a setting given twice": (
        lambda: ms.train_configuration(_X, _Y, {"num_epochs": 1}, num_epochs=2),
        "num_epochs",
    ),  # fmt: skip
    "a hidden size of 0": (lambda: ms.check_configuration({"hidden": (0,)}), "hidden"),
    "a hidden dict": (lambda: ms.check_configuration({"hidden": {3: 4}}), "hidden"),
    "negative shift copies": (
        lambda: ms.check_configuration({"shift_copies": -5}),
        "shift_copies",
    ),  # fmt: skip
    "cv of 1": (lambda: ms.random_search(_X, _Y, n_trials=1, cv=1), r"\bcv\b"),
    "refit a string": (lambda: ms.random_search(_X, _Y, n_trials=1, refit="no"), "refit"),
    "a max shift as large as the image": (
        lambda: augmentation.augment_with_shifts(_X8, _Y[:, :3], 1, 8, image_shape=_S8),
        "max_shift",
    ),  # fmt: skip
    "an unknown shift mode": (
        lambda: augmentation.augment_with_shifts(
            _X8, _Y[:, :3], 0, 2, mode="bogus", image_shape=_S8
        ),
        "mode",
    ),  # fmt: skip
    "a bad seed even without shifts": (
        lambda: augmentation.augment(_X8, _Y[:, :3], "flips", seed="abc", image_shape=_S8),
        "seed",
    ),  # fmt: skip
    "a boolean image shape": (
        lambda: augmentation.mirror_images(np.zeros((3, 2)), image_shape=(True, True, 3)),
        "image_shape",
    ),  # fmt: skip
    "an image of zero width": (
        lambda: cat_data.flatten_and_scale(np.zeros((2, 0, 4, 3))),
        "images",
    ),  # fmt: skip
    "a picture size of 0": (
        lambda: cat_data.load_image(cat_data.SAMPLE_PICTURE, size=(0, 0)),
        "size",
    ),  # fmt: skip
    "a picture size of a million": (
        lambda: cat_data.load_image(cat_data.SAMPLE_PICTURE, size=(10**6, 10**6)),
        "size",
    ),  # fmt: skip
    "complex labels to count": (lambda: cat_data.class_balance(np.array([[1 + 0j, 0]])), r"\bY\b"),
}


@pytest.mark.parametrize("case", FOUND)
def test_what_a_fuzzer_found_is_refused_with_a_clear_error(case):
    call, name = FOUND[case]
    assert_refused(call, name)


def test_inference_caches_of_a_network_without_batch_norm_are_accepted():
    AL, caches = nn.forward_propagation(_X, _P, training=False)
    grads = nn.backward_propagation(AL, _Y, caches)  # no batch norm: the same in both modes
    assert finite(grads)
