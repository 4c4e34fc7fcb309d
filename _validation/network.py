"""Checks of what the network's math takes: inputs ``X``, labels ``Y`` (0/1, ``0..K-1`` or
one-hot), probabilities, the ``parameters`` dict and its layers, the caches of a forward pass,
and the arguments of the forward and backward passes, the cost and the gradient check.
"""

import math
import re

import numpy as np

from _validation.values import (
    as_generator,
    check_average_weight,
    check_dtype,
    check_epsilon,
    check_flag,
    check_number,
    check_part,
    check_real_array,
    describe,
    one_of,
)

TRAINABLE = ("W", "b", "gamma", "beta")
RUNNING = ("running_mean", "running_var")
BATCHNORM_KEYS = ("gamma", "beta", *RUNNING)  # what a batch-norm layer has instead of b
STANDARDIZER_KEYS = ("input_mean", "input_scale")  # optional: see fit_standardizer
MIN_KEEP_PROB = 1e-6
STANDARDIZE_PER = ("feature", "channel")  # what fit_standardizer fits one statistic per

_KEY = re.compile(r"^(W|b|gamma|beta|running_mean|running_var)([1-9][0-9]*)$")


def check_layers_dims(layers_dims):
    """Validate ``layers_dims = [n_0, ..., n_L]``: at least two positive integers (``n_L = 1``
    for a sigmoid output, ``K >= 2`` for a softmax over K classes)."""
    if isinstance(layers_dims, (str, bytes, dict, set)) or not hasattr(layers_dims, "__len__"):
        raise TypeError(f"layers_dims must be a list of layer sizes, got {type(layers_dims)}")
    if len(layers_dims) < 2:
        raise ValueError(
            f"layers_dims must have at least 2 entries [n_x, ..., n_L], got {describe(layers_dims)}"
        )
    for i, n in enumerate(layers_dims):
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"layers_dims[{i}] must be an integer, got {describe(n)}")
        if n < 1:
            raise ValueError(f"layers_dims[{i}] must be a positive layer size, got {n}")
    return [int(n) for n in layers_dims]


def check_initialization(layers_dims, method, batch_norm, dtype, methods):
    """The arguments of ``initialize_parameters``: ``(layers_dims, method, batch_norm, dtype)``."""
    method = one_of(methods)(method, "method")
    return (
        check_layers_dims(layers_dims),
        method,
        check_flag(batch_norm, "batch_norm"),
        check_dtype(dtype),
    )


def check_X(X, n_x=None, name="X"):
    """Return ``X`` as a floating ``(n_x, m)`` array, or raise naming what is wrong.

    Integer inputs (such as raw pixels) are converted to float64; float32 and float64 inputs keep
    their dtype, so a float32 ``X`` keeps the whole computation in float32. Complex, boolean,
    string and object arrays, and other float widths, are refused rather than cast.
    """
    X = check_real_array(X, name)
    if X.dtype.kind == "b" or (X.dtype.kind == "f" and X.dtype not in (np.float32, np.float64)):
        raise TypeError(
            f"{name} must be a numeric array of float32, float64 or integers, got dtype {X.dtype}"
        )
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D with shape (n_x, m), one column per example; got shape {X.shape}"
        )
    if n_x is not None and X.shape[0] != n_x:
        raise ValueError(
            f"{name} has {X.shape[0]} rows but the network expects n_x = {n_x} input features "
            f"(layers_dims[0], the number of columns of W1); {name} must have shape (n_x, m)"
        )
    if X.shape[1] < 1 or X.shape[0] < 1:
        raise ValueError(
            f"{name} must contain at least one example (column) of at least one feature, "
            f"got shape {X.shape}"
        )
    if X.dtype.kind != "f":
        X = X.astype(np.float64)
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return X


def check_Y(Y, m=None, name="Y", dtype=np.float64, num_classes=1):
    """Return the labels ``Y`` in the form the math uses, or raise naming what is wrong.

    * ``num_classes=1`` (a sigmoid output): ``Y`` must be ``(1, m)`` of 0s and 1s; returned as
      it is, in ``dtype``.
    * ``num_classes=K >= 2`` (a softmax output): ``Y`` may be ``(1, m)`` class labels ``0..K-1``
      (any integer dtype, or floats holding integers) or one-hot ``(K, m)`` (each column one 1
      and K-1 zeros; soft labels are refused); returned one-hot, ``(K, m)`` in ``dtype``.
    * ``num_classes=None``: either form, for any number of classes; returned as it is.

    ``dtype=None`` keeps ``Y``'s own dtype.
    """
    Y = check_real_array(Y, name)
    if Y.ndim != 2 or min(Y.shape) < 1 or (Y.shape[0] != 1 and num_classes == 1):
        expected = "(1, m)" if num_classes == 1 else "(1, m) class labels or one-hot (K, m)"
        raise ValueError(
            f"{name} must have shape {expected} with m >= 1, got {Y.shape}"
            + _label_layout_hint(Y, name, m)
        )
    if m is not None and Y.shape[1] != m:
        hint = _label_layout_hint(Y, name, m)
        found = f"shape {Y.shape}" if hint else f"{Y.shape[1]} labels"
        raise ValueError(f"{name} has {found} but there are m = {m} examples{hint}")
    if Y.shape[0] > 1:
        _check_one_hot(Y, name, num_classes, m)
    elif num_classes != 1:
        _check_class_labels(Y, name, num_classes)
    elif not np.isin(Y, (0, 1)).all():
        raise ValueError(
            f"{name} must contain only the labels 0 and 1 for a network with one sigmoid output "
            "(for K classes, give the network K output units: layers_dims[-1] = K)"
        )
    if num_classes is not None and num_classes >= 2 and Y.shape[0] == 1:
        Y = np.arange(num_classes)[:, None] == Y  # one-hot: Y_onehot[k, i] = 1[y_i = k]
    return Y if dtype is None else Y.astype(dtype, copy=False)


def _label_layout_hint(Y, name, m):
    """The likely fix when labels come one per row (scikit-learn's layout) or as a vector."""
    if Y.ndim == 1 and Y.size >= 1:
        return f": one column per example here, so pass {name}.reshape(1, -1)"
    rows = Y.shape[0] if Y.ndim == 2 else 0
    if rows > 1 and (rows == m or (m is None and Y.shape[1] == 1)):
        return f": one column per example here, so pass {name}.T"
    return ""


def _check_class_labels(Y, name, num_classes):
    """``(1, m)`` labels: whole numbers in ``0..num_classes-1`` (any ``>= 0`` if None)."""
    if Y.dtype.kind == "f" and not (np.isfinite(Y).all() and (np.round(Y) == Y).all()):
        raise ValueError(f"{name} must hold whole-number class labels, got non-integer floats")
    high = num_classes - 1 if num_classes else None
    if (Y < 0).any() or (high is not None and (high < Y).any()):
        expected = f"0..{high} (K = {num_classes} classes)" if high is not None else ">= 0"
        raise ValueError(
            f"{name} must hold class labels {expected}, got labels from {Y.min():g} to {Y.max():g}"
        )


def _check_one_hot(Y, name, num_classes, m=None):
    """``(K, m)`` one-hot labels: K rows as expected, each column one 1 and K - 1 zeros."""
    if num_classes is not None and Y.shape[0] != num_classes:
        raise ValueError(
            f"{name} has {Y.shape[0]} rows but the network has K = {num_classes} outputs: give "
            f"(1, m) labels 0..{num_classes - 1} or one-hot ({num_classes}, m)"
        )
    if not (np.isin(Y, (0, 1)).all() and (Y.sum(axis=0) == 1).all()):
        rows_one_hot = np.isin(Y, (0, 1)).all() and (Y.sum(axis=1) == 1).all()
        hint = _label_layout_hint(Y, name, Y.shape[0] if rows_one_hot else m)
        if hint:  # labels one per row, as scikit-learn keeps them
            raise ValueError(f"{name} has shape {Y.shape}{hint}")
        raise ValueError(
            f"{name} of shape {Y.shape} must be one-hot: each column one 1 and "
            f"{Y.shape[0] - 1} zeros (soft labels are not supported)"
        )


def check_class_labels(Y, name="Y", m=None, num_classes=None):
    """``Y`` as a C-contiguous ``(1, m)`` int64 array of class labels ``0..K-1``, from ``(1, m)``
    labels (any integer dtype, bools, or floats holding whole numbers) or one-hot ``(K, m)``.
    With ``num_classes = K`` every label must be below ``K``."""
    # num_classes=None: either form, any number of classes; the bound on K is checked after.
    Y = check_Y(Y, m=m, name=name, dtype=None, num_classes=None)
    if Y.shape[0] > 1:
        if num_classes is not None:
            _check_one_hot(Y, name, num_classes)
        Y = np.argmax(Y, axis=0)[None, :]
    elif num_classes is not None:
        _check_class_labels(Y, name, num_classes)
    return np.ascontiguousarray(Y, dtype=np.int64)


def check_probabilities(AL, name="AL"):
    """Return ``AL`` as floating probabilities, ``(1, m)`` or ``(K, m)`` with each column summing
    to 1 (to rounding), no NaN or inf, or raise."""
    AL = check_real_array(AL, name)
    if AL.ndim != 2 or AL.shape[1] < 1:
        raise ValueError(f"{name} must have shape (1, m) or (K, m) with m >= 1, got {AL.shape}")
    if AL.dtype.kind != "f":
        raise TypeError(f"{name} must hold floating-point probabilities, got dtype {AL.dtype}")
    if not (np.isfinite(AL).all() and (AL >= 0).all() and (AL <= 1).all()):
        raise ValueError(f"{name} must hold probabilities in [0, 1] (no NaN or inf)")
    tolerance = 100 * AL.shape[0] * np.finfo(AL.dtype).eps
    if AL.shape[0] > 1 and (np.abs(AL.sum(axis=0) - 1) > tolerance).any():
        raise ValueError(f"{name} of shape {AL.shape} must have columns that sum to 1 (softmax)")
    return AL


def check_scores_to_label(probabilities):
    """``probabilities`` as a real ``(1, m)`` or ``(K, m)`` array (probabilities, or labels that
    are 0/1 or one-hot), or raise."""
    probabilities = check_real_array(probabilities, "probabilities")
    if probabilities.ndim != 2 or probabilities.shape[0] < 1:
        raise ValueError(f"probabilities must be (1, m) or (K, m), got shape {probabilities.shape}")
    return probabilities


def check_num_classes(num_classes):
    """Validate a number of classes ``K``: an integer (not a bool or a float) ``>= 2``."""
    if isinstance(num_classes, (bool, np.bool_)) or not isinstance(num_classes, (int, np.integer)):
        raise TypeError(f"num_classes must be an integer >= 2, got {describe(num_classes)}")
    return check_number(num_classes, "num_classes", 2, integer=True)


def check_keep_prob(keep_prob):
    """Validate the dropout keep probability, ``0 < keep_prob <= 1``."""
    note = " (1 means no dropout)"
    keep_prob = check_number(keep_prob, "keep_prob", 0.0, 1.0, low_open=True, note=note)
    if keep_prob < MIN_KEEP_PROB:  # the survivors are scaled by 1 / keep_prob
        raise ValueError(
            f"keep_prob must be in (0, 1] and at least {MIN_KEEP_PROB:g}, so that 1 / keep_prob "
            f"stays a sensible factor, got {keep_prob!r}"
        )
    return keep_prob


def check_lambd(lambd):
    """Validate the L2 regularisation strength, ``lambd >= 0``."""
    return check_number(lambd, "lambd", 0.0, note=" (0 means no L2)")


def check_parameters_dict(parameters):
    """``parameters`` must be a dict (of arrays); say what the likely mistake is when it is not.

    Two mistakes are common from the course's habits: keeping ``model()``'s whole result
    (``(parameters, history)``) as the parameters, and calling ``predict(X, y, parameters)``,
    which puts the labels where the parameters go.
    """
    if isinstance(parameters, dict):
        return parameters
    hint = ""
    if isinstance(parameters, tuple) and len(parameters) == 2 and isinstance(parameters[0], dict):
        hint = (
            ": model() returns (parameters, history); unpack it: parameters, history = model(...)"
        )
    elif isinstance(parameters, np.ndarray):
        hint = (
            " (labels, or X?): here X comes first and parameters last, as in predict(X, "
            "parameters) and gradient_check(X, Y, parameters); the course's predict(X, y, "
            "parameters) becomes metrics.accuracy(y, predict(X, parameters))"
        )
    raise TypeError(f"parameters must be a dict of arrays, got {describe(parameters)}{hint}")


def network_depth(parameters):
    """The number of layers ``L``: the largest layer index among the keys of ``parameters``."""
    check_parameters_dict(parameters)
    layers = [int(match.group(2)) for key in parameters if (match := _KEY.match(str(key)))]
    if not layers:
        raise ValueError("parameters has no layer keys such as 'W1', 'b1'")
    return max(layers)


def uses_batchnorm(parameters, layer):
    """True when ``layer`` is batch-normalised: it has ``gamma{layer}`` instead of ``b{layer}``."""
    check_parameters_dict(parameters)
    return f"gamma{layer}" in parameters


def trainable_keys(parameters):
    """The keys of the trainable arrays (``W``, ``b``, ``gamma``, ``beta``), layer by layer."""
    L = network_depth(parameters)
    return [
        f"{name}{layer}"
        for layer in range(1, L + 1)
        for name in TRAINABLE
        if f"{name}{layer}" in parameters
    ]


def check_parameter_arrays(parameters):
    """Check the arrays of ``parameters``, not how they fit together; return the dict.

    ``parameters`` must be a dict whose keys are layer keys (``W1``, ``b1``, ``gamma1``, ...) or
    a standardizer's (``input_mean``, ``input_scale``), and whose values are finite floating
    NumPy arrays (each ``W`` 2-D); running variances must be >= 0. This is what the optimisers
    need: they update any such dict, whether or not its layers form a binary classifier (the
    Coursera notebooks' test cases have a 3-unit output layer). :func:`check_parameters` checks
    the network.
    """
    check_parameters_dict(parameters)
    unknown = _foreign_keys(parameters)
    if unknown:
        raise ValueError(
            f"parameters has keys that are not part of a network: {unknown} (expected 'W1', "
            "'b1', 'gamma1', 'beta1', 'running_mean1', 'running_var1', ..., 'input_mean', "
            "'input_scale')"
        )
    if not any(_KEY.match(key) for key in parameters):
        raise ValueError("parameters has no layer keys such as 'W1', 'b1'")
    for key, value in parameters.items():
        _check_array(value, key)
    return parameters


def _foreign_keys(parameters):
    """The keys of a dict that are neither a layer's (``W1``, ``gamma2``, ...) nor a
    standardizer's."""
    return [
        k
        for k in parameters
        if not (isinstance(k, str) and _KEY.match(k)) and k not in STANDARDIZER_KEYS
    ]


def _check_array(value, key, name="parameters"):
    """One array of a network, ``name[key]``: floats, finite; ``W`` 2-D; running variance >= 0."""
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
        kind = type(value).__name__ if not isinstance(value, np.ndarray) else value.dtype
        raise TypeError(f"{name}['{key}'] must be a NumPy array of floats, got {kind}")
    if key.startswith("W") and (value.ndim != 2 or value.size == 0):
        raise ValueError(
            f"{name}['{key}'] must be 2-D (n_l, n_l-1) with n_l, n_l-1 >= 1, got {value.shape}"
        )
    if not np.isfinite(value).all():
        raise ValueError(f"{name}['{key}'] contains NaN or infinite values")
    if key.startswith("running_var") and (value < 0).any():
        raise ValueError(f"{name}['{key}'] must be >= 0 (it is a variance)")


def _check_shape(parameters, key, shape, name="parameters"):
    if parameters[key].shape != shape:
        raise ValueError(f"{name}['{key}'] must have shape {shape}, got {parameters[key].shape}")


def _check_layer_keys(parameters, layer, L, n):
    """The keys of one layer besides ``W``: ``b``, or the four batch-norm arrays, each (n, 1)."""
    found = [f"{name}{layer}" for name in BATCHNORM_KEYS if f"{name}{layer}" in parameters]
    if found and layer == L:
        raise ValueError(f"the output layer {L} cannot use batch norm (found {found})")
    if found and f"b{layer}" in parameters:
        raise ValueError(
            f"layer {layer} has both 'b{layer}' and batch-norm keys {found}: a batch-norm "
            "layer has no bias (its mean subtraction cancels b; beta replaces it)"
        )
    for name in BATCHNORM_KEYS if found else ("b",):
        key = f"{name}{layer}"
        if key not in parameters:
            raise ValueError(f"parameters is missing '{key}' needed by layer {layer}")
        _check_shape(parameters, key, (n, 1))


def check_parameters(parameters):
    """Check that ``parameters`` describes a complete network and return its ``layers_dims``.

    Every layer ``1..L`` needs ``W``; a plain layer needs ``b``; a batch-normalised hidden layer
    needs ``gamma``, ``beta``, ``running_mean`` and ``running_var`` and no ``b``; the output
    layer ``L`` is plain, ``W{L}`` with 1 row (sigmoid) or K (softmax). Shapes must chain:
    ``W{l}: (n_l, n_{l-1})``.
    Every array is checked as in :func:`check_parameter_arrays`; an input standardizer
    (``input_mean``, ``input_scale``: ``(n_0, 1)``, scale > 0) is optional.
    """
    check_parameter_arrays(parameters)
    L = network_depth(parameters)
    dims = []
    for layer in range(1, L + 1):
        if f"W{layer}" not in parameters:
            raise ValueError(f"parameters is missing 'W{layer}' (the network has L = {L} layers)")
        n, n_prev = parameters[f"W{layer}"].shape
        if layer > 1 and n_prev != dims[-1]:
            raise ValueError(
                f"parameters['W{layer}'] has shape {(n, n_prev)} but layer {layer - 1} has "
                f"{dims[-1]} units: expected ({n}, {dims[-1]})"
            )
        dims += [n_prev, n] if layer == 1 else [n]
        _check_layer_keys(parameters, layer, L, n)
    _check_standardizer_keys(parameters, dims[0])
    return dims


def _check_standardizer_keys(parameters, n_x, name="parameters"):
    """Both or neither of ``input_mean`` and ``input_scale``, each (n_x, 1), the scale > 0."""
    present = [key for key in STANDARDIZER_KEYS if key in parameters]
    if present and len(present) != len(STANDARDIZER_KEYS):
        missing = [key for key in STANDARDIZER_KEYS if key not in parameters]
        raise ValueError(f"{name} has {present} but is missing {missing}: give both or none")
    for key in present:
        _check_shape(parameters, key, (n_x, 1), name)
    if present and not (parameters["input_scale"] > 0).all():
        raise ValueError(f"{name}['input_scale'] must be > 0 everywhere")


def check_fitted_standardizer(standardize, n_x, name="standardize"):
    """A fitted standardizer's two arrays (keys already checked): as a network's input arrays,
    :func:`_check_array` and :func:`_check_standardizer_keys`, named ``name``."""
    for key, value in standardize.items():
        _check_array(value, key, name)
    _check_standardizer_keys(standardize, n_x, name)


def _check_layer_cache(cache, layer, L, m):
    """One entry of ``caches["layers"]``: the arrays a layer's backward step reads."""
    needed = ("linear",) if layer == L else ("linear", "batchnorm", "relu", "dropout")
    where = f"caches['layers'][{layer - 1}]"
    linear = cache.get("linear") if isinstance(cache, dict) else None
    if linear is None or any(key not in cache for key in needed) or not (
        isinstance(linear, tuple) and len(linear) == 3 and isinstance(linear[0], np.ndarray)
        and linear[0].ndim == 2 and isinstance(linear[1], np.ndarray)
    ):  # fmt: skip
        raise ValueError(
            f"{where} is not a layer cache of forward_propagation (expected a dict with keys "
            f"{needed})"
        )
    if linear[0].shape[1] != m:
        raise ValueError(
            f"caches come from a forward pass on {linear[0].shape[1]} examples but AL has "
            f"m = {m}: pass the AL and caches of the same forward_propagation call"
        )
    if layer < L:
        shape = (linear[1].shape[0], m)
        relu, mask, bn = cache["relu"], cache["dropout"], cache["batchnorm"]
        if not (isinstance(relu, np.ndarray) and relu.shape == shape):
            raise ValueError(f"{where}['relu'] must be the {shape} array of the forward pass")
        if mask is not None and not (isinstance(mask, np.ndarray) and mask.shape == shape):
            raise ValueError(f"{where}['dropout'] must be None or a {shape} mask")
        if bn is not None and not (isinstance(bn, tuple) and len(bn) == 3):
            raise ValueError(f"{where}['batchnorm'] must be None or the forward pass's cache")


def check_caches(caches, m, keep_prob):
    """Check that ``caches`` is the dict of a training-mode :func:`forward_propagation` call on
    ``m`` examples with this ``keep_prob``.

    Inference-mode caches (``training=False``) are accepted for networks without batch norm,
    whose backward pass is the same in both modes; batch norm's backward pass needs the batch
    statistics of training mode.
    """
    if not (isinstance(caches, dict) and isinstance(caches.get("layers"), list)):
        raise TypeError("caches must be the dict returned by forward_propagation")
    if not caches["layers"] or "keep_prob" not in caches:
        raise ValueError(
            "caches must be the dict returned by forward_propagation (it has no layers)"
        )
    keep_prob = check_keep_prob(keep_prob)
    L = len(caches["layers"])
    for layer, cache in enumerate(caches["layers"], start=1):
        _check_layer_cache(cache, layer, L, m)
    batch_norm = any(cache.get("batchnorm") is not None for cache in caches["layers"][:-1])
    if batch_norm and not caches.get("training", True):
        raise ValueError(
            "caches come from an inference-mode pass (training=False): batch norm's backward "
            "pass needs the batch statistics of a training-mode forward pass"
        )
    if keep_prob != caches["keep_prob"]:
        raise ValueError(
            f"keep_prob={keep_prob} differs from the forward pass's {caches['keep_prob']} "
            "(1.0 when training=False): the backward pass must match the forward's dropout"
        )


def check_forward_inputs(X, parameters, keep_prob, training, rng=None, bn_momentum=0.9,
                         bn_epsilon=1e-5):  # fmt: skip
    """The inputs of a forward pass: ``(X, keep_prob, rng, bn_momentum, bn_epsilon)``, ``X``
    floating and ``rng`` a Generator."""
    training = check_flag(training, "training")
    dims = check_parameters(parameters)
    X = check_X(X, n_x=dims[0])
    keep_prob = check_keep_prob(keep_prob)
    if (
        training
        and X.shape[1] < 2
        and any(uses_batchnorm(parameters, l) for l in range(1, len(dims) - 1))
    ):
        raise ValueError(
            "X has a single example: batch norm in training mode needs at least 2 (the variance "
            "of one value is 0); use training=False to predict one example"
        )
    return (
        X,
        keep_prob,
        as_generator(rng),
        check_average_weight(bn_momentum, "bn_momentum"),
        check_epsilon(bn_epsilon, "bn_epsilon"),
    )


def check_cost_inputs(AL, Y, parameters, lambd):
    """The inputs of ``compute_cost``: ``(AL, Y, lambd)``, ``Y`` 0/1 or one-hot like ``AL``."""
    AL = check_probabilities(AL)
    Y = check_Y(Y, m=AL.shape[1], num_classes=AL.shape[0])
    lambd = check_lambd(lambd)
    if lambd and parameters is None:
        raise ValueError("compute_cost needs parameters when lambd > 0 (for the L2 term)")
    if parameters is not None:
        dims = check_parameters(parameters)
        if dims[-1] != AL.shape[0]:
            raise ValueError(f"AL has {AL.shape[0]} rows but the network has {dims[-1]} outputs")
    return AL, Y, lambd


def check_backward_inputs(AL, Y, caches, lambd, keep_prob):
    """The inputs of ``backward_propagation``: ``(AL, Y, lambd, keep_prob)``, ``Y`` in
    ``AL``'s dtype, 0/1 or one-hot like ``AL``."""
    AL = check_probabilities(AL)
    Y = check_Y(Y, m=AL.shape[1], dtype=AL.dtype, num_classes=AL.shape[0])
    lambd = check_lambd(lambd)
    keep_prob = check_keep_prob(keep_prob)
    check_caches(caches, AL.shape[1], keep_prob)
    return AL, Y, lambd, keep_prob


def check_tta(tta):
    """Test-time augmentation: None, a function ``X -> X``, or a list of them; as a list."""
    views = [] if tta is None else list(tta) if isinstance(tta, (list, tuple)) else [tta]
    if not all(callable(view) for view in views):
        raise TypeError(f"tta must be a function X -> X or a list of them, got {describe(tta)}")
    return views


def check_output_finite(AL):
    """A forward pass's output: NaN means it overflowed."""
    if np.isnan(AL).any():
        raise ValueError(
            "the network's output is NaN: its forward pass overflowed (the weights, or X, are "
            "too large)"
        )


def check_threshold(threshold, parameters):
    """``predict``'s threshold: in [0, 1], and only the default 0.5 for a K-class network,
    which predicts the most probable class."""
    outputs = check_parameters(parameters)[-1]  # first: predict(X, y, parameters) puts y here
    threshold = check_number(threshold, "threshold", 0.0, 1.0)
    if outputs > 1 and threshold != 0.5:
        raise ValueError(
            f"threshold is for a network with one sigmoid output; this one has K = {outputs} "
            "softmax outputs and predicts the most probable class (leave threshold at 0.5)"
        )
    return threshold


def check_gradient_check_inputs(X, Y, parameters, lambd, keep_prob):
    """``gradient_check``'s data and network, as float64 copies: ``(X, Y, parameters, lambd,
    keep_prob)`` (``Y`` 0/1 or one-hot, in float64)."""
    X, keep_prob, *_ = check_forward_inputs(X, parameters, keep_prob, training=True)
    outputs = parameters[f"W{network_depth(parameters)}"].shape[0]  # checked just above
    Y = check_Y(Y, m=X.shape[1], num_classes=outputs)
    parameters = {key: np.array(value, dtype=np.float64) for key, value in parameters.items()}
    return X.astype(np.float64), Y, parameters, check_lambd(lambd), keep_prob


def check_gradient_check_settings(seed, epsilon, bn_epsilon, max_entries):
    """``(seed, epsilon, bn_epsilon, max_entries)`` of ``gradient_check``, checked."""
    return (
        check_number(seed, "seed", 0, integer=True),
        check_epsilon(epsilon),
        check_epsilon(bn_epsilon, "bn_epsilon"),
        None if max_entries is None else check_number(max_entries, "max_entries", 1, integer=True),
    )


def check_gradients_finite(g, g_num):
    if not (np.isfinite(g).all() and np.isfinite(g_num).all()):
        raise ValueError("the gradients overflow at these parameters and X: check smaller values")


def check_unsaturated(AL, Y):
    """``gradient_check``'s point: no example's true label may get a probability of at most
    ``eps``, where ``compute_cost`` clips the log and the cost stops following the network."""
    p_true = np.where(Y > 0.5, AL, 1.0 - AL) if AL.shape[0] == 1 else np.sum(Y * AL, axis=0)
    saturated = int(np.count_nonzero(p_true <= np.finfo(AL.dtype).eps))
    if saturated:
        raise ValueError(
            f"the network gives {saturated} of {AL.shape[1]} examples a probability of at most "
            f"{np.finfo(AL.dtype).eps:.1e} (machine epsilon) to their true label: the cost is "
            "clipped there, flat, and a gradient check would mean nothing. Check at smaller "
            "weights (He initialisation, or a trained network)"
        )


def check_standardizer_fit(X, per, channels):
    """The arguments of ``fit_standardizer``: ``X`` floating ``(n_x, m)``; ``per`` "feature" or
    "channel"; for "channel", ``X``'s rows must be images of ``channels`` channels, flattened in
    (H, W, C) order from a square H x W (the cat images: 64 x 64 x 3 = 12288 rows)."""
    X = check_X(X)
    if not isinstance(per, str) or per not in STANDARDIZE_PER:
        raise ValueError(f"per must be 'feature' or 'channel', got {describe(per)}")
    channels = check_number(channels, "channels", 1, integer=True)
    pixels = X.shape[0] // channels
    side = math.isqrt(pixels)
    if per == "channel" and (X.shape[0] % channels or side * side != pixels):
        raise ValueError(
            f"standardize='channel' fits one statistic per colour channel of square images, but "
            f"X's {X.shape[0]} rows are not {channels} channels of an H x H image; use "
            "standardize='feature' (one statistic per row) for other inputs"
        )
    return X, per, channels


def has_standardizer(stats, n_x):
    """True if ``stats`` (None, or a dict such as ``parameters``) holds a standardizer for
    inputs of ``n_x`` rows: ``input_mean`` and ``input_scale``, each ``(n_x, 1)``."""
    if stats is None:
        return False
    if not isinstance(stats, dict):
        raise TypeError(f"stats must be the dict of fit_standardizer, got {type(stats).__name__}")
    present = [key for key in STANDARDIZER_KEYS if key in stats]
    if not present:
        return False
    if len(present) < 2 or any(
        not isinstance(stats[key], np.ndarray) or stats[key].shape != (n_x, 1)
        for key in STANDARDIZER_KEYS
    ):
        raise ValueError(
            "stats must hold input_mean and input_scale, arrays of shape (n_x, 1) for the "
            f"{n_x} rows of X (fit them with fit_standardizer)"
        )
    return True


def check_network(parameters, name="parameters"):
    """:func:`check_parameters` (returning ``layers_dims``) for an argument that may hold
    anything: a dict of many foreign keys is refused naming three of them, not all."""
    if isinstance(parameters, dict):
        foreign = _foreign_keys(parameters)
        if len(foreign) > 3:
            shown = ", ".join(describe(key) for key in foreign[:3])
            raise ValueError(
                f"{name} has {len(foreign)} keys that are not part of a network, such as {shown}"
            )
    if name == "parameters":
        return check_parameters(parameters)
    return check_part(check_parameters, parameters, name)  # "members[2]: parameters['W1'] ..."
