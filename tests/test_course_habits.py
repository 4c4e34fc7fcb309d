"""A learner coming from the Coursera course meets its habits with guidance, not a traceback.

The course's function names raise an AttributeError that names this library's function; the
likely mistakes with ``model()``'s result and the course's ``predict(X, y, parameters)`` are
named in the error; no message prints an array's contents.
"""

import inspect

import numpy as np
import pytest

import metrics
import neural_net_optimized as nno
import neural_network as nn
import validation

COURSE = [
    (nn, "initialize_parameters_deep", "initialize_parameters"),
    (nn, "L_model_forward", "forward_propagation"),
    (nn, "L_model_backward", "backward_propagation"),
    (nn, "update_parameters", "update_parameters_with_gd"),
    (nno, "update_parameters", "update_parameters_with_gd"),
    (nno, "L_layer_model", "model("),
    (nn, "convert_to_one_hot", "one_hot"),
]


@pytest.mark.parametrize(("module", "name", "ours"), COURSE)
def test_a_course_name_raises_an_attribute_error_naming_ours(module, name, ours):
    with pytest.raises(AttributeError, match=name) as error:
        getattr(module, name)
    assert ours in str(error.value)
    assert "README" in str(error.value)


def test_the_named_functions_exist_and_no_course_name_is_an_alias():
    for module, name, ours in COURSE:
        assert not hasattr(module, name)
        home = nno if ours.startswith("update") or ours.startswith("model") else nn
        assert hasattr(home, ours.removesuffix("(")), ours
    with pytest.raises(ImportError):
        from neural_network import L_model_forward  # noqa: F401
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'$"):
        nn.no_such_name  # noqa: B018


def small_network():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((3, 20)), rng.integers(0, 2, (1, 20))
    return X, Y, nno.model(X, Y, [3, 4, 1], num_epochs=2)


def test_predict_with_model_s_whole_result_says_to_unpack_it():
    X, _, result = small_network()
    with pytest.raises(TypeError, match=r"model\(\) returns \(parameters, history\)"):
        nn.predict(X, result)


def test_the_course_s_predict_x_y_parameters_says_what_the_signature_is():
    X, Y, (parameters, _) = small_network()
    with pytest.raises(TypeError) as error:
        nn.predict(X, Y, parameters)
    message = str(error.value)
    assert "predict(X, parameters)" in message and "accuracy(y" in message
    assert len(message) < 300 and "[" not in message  # no array contents


@pytest.mark.parametrize(
    "value",
    [np.arange(1000.0), [np.ones(3)] * 2, {"W1": np.ones((50, 50))}, "x" * 500, list(range(99))],
)
def test_describe_never_shows_an_array_s_contents_and_stays_short(value):
    text = validation.describe(value)
    assert len(text) < 60
    assert "1." not in text and "999" not in text


def test_decay_given_as_a_string_says_a_function_is_wanted():
    X, Y, _ = small_network()
    with pytest.raises(TypeError, match=r"decay must be a function such as update_lr"):
        nno.model(X, Y, [3, 1], decay="update_lr", num_epochs=1)


def test_channel_standardisation_of_inputs_that_are_not_square_rgb_images_is_refused():
    X, Y, _ = small_network()
    X6 = np.vstack([X, X])  # 6 features: 3 "channels" of 2 values, not an image
    with pytest.raises(ValueError, match="standardize='feature'"):
        nno.model(X6, Y, [6, 1], standardize="channel", num_epochs=1)
    with pytest.raises(ValueError, match="standardize='feature'"):
        nn.fit_standardizer(X6, per="channel")
    assert nn.fit_standardizer(np.ones((12, 5)), per="channel")["input_mean"].shape == (12, 1)


def test_mini_batch_size_zero_says_none_is_full_batch_and_how_the_command_line_spells_it():
    X, Y, _ = small_network()
    with pytest.raises(ValueError, match=r"None for full batch.*--mini-batch-size 0"):
        nno.model(X, Y, [3, 1], mini_batch_size=0, num_epochs=1)
    _, history = nno.model(X, Y, [3, 1], mini_batch_size=None, num_epochs=1)
    assert len(history["cost"]) == 1


def test_the_course_s_num_iterations_names_num_epochs():
    X, Y, _ = small_network()
    with pytest.raises(TypeError, match=r"model\(\).*num_iterations.*num_epochs") as error:
        nno.model(X, Y, [3, 1], num_iterations=10)
    assert len(str(error.value)) < 200


def test_the_optimizer_given_by_position_says_the_rest_goes_by_keyword():
    X, Y, _ = small_network()
    with pytest.raises(TypeError, match=r"X, Y, layers_dims by position.*optimizer=") as error:
        nno.model(X, Y, [3, 1], "adam")
    assert len(str(error.value)) < 200


def test_the_guide_leaves_model_s_signature_and_its_own_type_errors_alone():
    assert list(inspect.signature(nno.model).parameters)[:4] == [
        "X",
        "Y",
        "layers_dims",
        "optimizer",
    ]
    X, Y, _ = small_network()
    with pytest.raises(TypeError, match="^learning_rate must be a real number"):
        nno.model(X, Y, [3, 1], learning_rate="0.1")
    with pytest.raises(TypeError, match=r"^model\(\): missing a required argument: 'layers_dims'$"):
        nno.model(X, Y)


def test_a_math_function_asked_of_the_trainer_says_where_it_is():
    with pytest.raises(AttributeError, match=r"'predict': it is in neural_network") as error:
        nno.predict  # noqa: B018
    assert "neural_network.predict" in str(error.value)
    assert not hasattr(nno, "predict")


@pytest.mark.parametrize(
    ("reshape", "fix"),
    [
        (lambda Y: Y.reshape(-1), r"pass Y\.reshape\(1, -1\)$"),
        (lambda Y: Y.reshape(-1, 1), r"pass Y\.T$"),
        (lambda Y: np.eye(3)[Y[0]], r"pass Y\.T$"),
    ],
    ids=["vector", "column", "one-hot rows"],
)
def test_labels_one_per_row_or_as_a_vector_are_told_the_fix(reshape, fix):
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((4, 30)), rng.integers(0, 3, (1, 30))
    with pytest.raises(ValueError, match=fix) as error:
        nno.model(X, reshape(Y), [4, 3], num_epochs=1)
    assert "labels but" not in str(error.value) and len(str(error.value)) < 160


@pytest.mark.parametrize(
    "as_rows", [lambda Y: Y.T, lambda Y: np.eye(3)[Y[0]]], ids=["column", "one-hot rows"]
)
def test_the_metrics_tell_labels_one_per_row_to_pass_the_transpose(as_rows):
    Y = np.random.default_rng(1).integers(0, 3, (1, 30))
    with pytest.raises(ValueError, match=r"^Y has shape \(30, \d+\): .* pass Y\.T$"):
        metrics.accuracy(as_rows(Y), Y)
