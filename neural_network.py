"""The mathematics of an L-layer classifier, in plain NumPy.

The network is ``[LINEAR -> (BATCHNORM) -> RELU -> (DROPOUT)] * (L-1) -> LINEAR -> OUTPUT``, the
output a SIGMOID unit for two classes or a SOFTMAX over ``K >= 2`` classes. Every step is a pair
of functions in the style ``*_forward`` / ``*_backward``: the forward step returns its output and
a *cache* of what the backward step needs, and the backward step turns the gradient of its
output into the gradients of its input and of its parameters.

Conventions
-----------
* ``X`` has shape ``(n_x, m)``: one column per example.
* ``layers_dims = [n_0, n_1, ..., n_L]`` with ``n_0 = n_x``. ``n_L = 1``: one sigmoid unit,
  ``P(y = 1 | x)``, and labels ``Y: (1, m)`` of 0s and 1s. ``n_L = K >= 2``: a softmax over
  ``K`` classes, ``P(y = k | x)`` in row ``k``, and labels either ``(1, m)`` integers
  ``0..K-1`` or one-hot ``(K, m)``.
* ``parameters`` is a plain dict. Layer ``l`` has ``W{l}: (n_l, n_{l-1})`` and either
  ``b{l}: (n_l, 1)`` or, with batch normalisation, ``gamma{l}, beta{l}: (n_l, 1)`` plus the
  inference statistics ``running_mean{l}, running_var{l}: (n_l, 1)``. The trainable keys are
  ``W``, ``b``, ``gamma`` and ``beta``; the running statistics are not trained. A network may
  also hold an input standardizer, ``input_mean, input_scale: (n_0, 1)`` (see
  :func:`fit_standardizer`): then it standardises its raw inputs itself, and is not trained.
* ``grads`` has the same trainable keys with a ``d`` prefix: ``dW1``, ``db1``, ``dgamma1``, ...
* Gradients of activations (``dA``, ``dZ``) are taken of the *summed* loss
  ``m * J = sum_i L(a_i, y_i)``, so that the output layer starts from the clean ``dZ_L = A_L - Y``
  (``Y`` one-hot for K classes); parameter gradients divide by ``m`` once, which makes them
  gradients of the mean cost ``J``. (The course writes ``dZ_L = A_L - Y`` for the mean cost's
  ``dAL`` too, and divides by ``m`` in ``dW``: the same numbers, counted in one place.)

Every public function checks its arguments at the top, through ``validation``, then does the
math. No function here keeps state or modifies its arguments: the same call gives the same result.
"""

import functools
import math

import numpy as np

import validation
from standardization import fit_standardizer, standardize  # noqa: F401
from validation import (  # noqa: F401  (public here too, as before validation had a room)
    BATCHNORM_KEYS,
    MIN_KEEP_PROB,
    RUNNING,
    STANDARDIZE_PER,
    STANDARDIZER_KEYS,
    TRAINABLE,
    check_caches,
    check_flag,
    check_keep_prob,
    check_lambd,
    check_layers_dims,
    check_number,
    check_parameter_arrays,
    check_parameters,
    check_probabilities,
    check_X,
    check_Y,
    network_depth,
    trainable_keys,
    uses_batchnorm,
)

BN_MOMENTUM = 0.9
BN_EPSILON = 1e-5


# --------------------------------------------------------------------------------------------
# Initialisation
# --------------------------------------------------------------------------------------------


INITIALIZATIONS = ("he", "random", "zeros")


def initial_weights(shape, method, rng):
    """The initial ``W{l}`` of shape ``(n_l, n_{l-1})``, by ``method``:

    * ``"he"``: ``W ~ N(0, 2 / n_{l-1})``. The variance ``2 / n_{l-1}`` keeps the variance of the
      activations roughly constant from layer to layer for ReLU units, which zero half of their
      inputs (He et al., 2015).
    * ``"random"``: ``W ~ N(0, 1) * 10``, the course's "large random" start: the first
      activations are huge, the sigmoid saturates, and training starts slowly.
    * ``"zeros"``: ``W = 0``. Every unit of a layer computes the same thing and receives the same
      gradient, so they stay identical: the symmetry is never broken.
    """
    if method == "zeros":
        return np.zeros(shape)
    scale = np.sqrt(2.0 / shape[1]) if method == "he" else 10.0
    return rng.standard_normal(shape) * scale


def initialize_parameters(layers_dims, method="he", seed=0, batch_norm=False, dtype=np.float64):
    """A new network: the weights by ``method`` (see :func:`initial_weights`), ``b{l} = 0``.

    With ``batch_norm=True`` each hidden layer gets ``gamma{l} = 1``, ``beta{l} = 0`` and the
    running statistics ``running_mean{l} = 0``, ``running_var{l} = 1`` instead of ``b{l}``; the
    output layer always keeps ``W{L}, b{L}``.

    Args:
        layers_dims: ``[n_0, n_1, ..., n_L]``, ``n_L = 1`` (sigmoid) or ``K >= 2`` (softmax).
        method: ``"he"``, ``"random"`` or ``"zeros"``.
        seed: seed (or ``numpy.random.Generator``) for the weights.
        batch_norm: whether hidden layers use batch normalisation.
        dtype: floating dtype of every array (float64 or float32). The weights are drawn in
            float64 and rounded, so a float32 network starts at the float64 one, rounded.

    Returns:
        parameters: ``W{l}: (n_l, n_{l-1})`` and ``b{l}: (n_l, 1)`` or the batch-norm keys.
    """
    layers_dims, method, batch_norm, dtype = validation.check_initialization(
        layers_dims, method, batch_norm, dtype, INITIALIZATIONS
    )
    rng = validation.as_generator(seed, "seed")
    L = len(layers_dims) - 1
    parameters = {}
    for layer in range(1, L + 1):
        n_prev, n = layers_dims[layer - 1], layers_dims[layer]
        parameters[f"W{layer}"] = initial_weights((n, n_prev), method, rng).astype(dtype)
        if batch_norm and layer < L:
            parameters[f"gamma{layer}"] = np.ones((n, 1), dtype)
            parameters[f"beta{layer}"] = np.zeros((n, 1), dtype)
            parameters[f"running_mean{layer}"] = np.zeros((n, 1), dtype)
            parameters[f"running_var{layer}"] = np.ones((n, 1), dtype)
        else:
            parameters[f"b{layer}"] = np.zeros((n, 1), dtype)
    return parameters


def initialize_parameters_he(layers_dims, seed=0, batch_norm=False, dtype=np.float64):
    """He initialisation, ``W{l} ~ N(0, 2 / n_{l-1})``, ``b{l} = 0``: see
    :func:`initialize_parameters` (``method="he"``)."""
    return initialize_parameters(layers_dims, "he", seed, batch_norm, dtype)


# --------------------------------------------------------------------------------------------
# The steps of one layer, each a forward/backward pair. They do not check their inputs: the
# whole-network functions below do that once, and these run inside the training loop.
# --------------------------------------------------------------------------------------------


def matmul(W, A):
    """``W @ A``, computed as ``(A^T W^T)^T``: the same product, faster on the first layer.

    ``model()`` keeps ``X`` in Fortran order (one contiguous column per example; see
    ``_speed_path.training_layout``), so ``X^T`` is C-contiguous, and BLAS runs the long, thin
    first-layer product faster this way round: for ``W (20, 12288)`` and ``X (12288, 209)``,
    0.92 ms instead of 2.04 ms in float32, 2.44 ms instead of 2.63 ms in float64 (AMD EPYC,
    OpenBLAS). The other layers' products take the same path: it costs them nothing.
    """
    return (A.T @ W.T).T


def linear_forward(A_prev, W, b=None):
    """``Z = W A_prev + b``.

    Args:
        A_prev: ``(n_{l-1}, m)`` activations of the previous layer (or ``X``).
        W: ``(n_l, n_{l-1})``.
        b: ``(n_l, 1)``, or None for a batch-normalised layer, whose beta plays the role of b.

    Returns:
        Z: ``(n_l, m)``; cache: ``(A_prev, W, b)``, kept by reference, not copied.
    """
    Z = matmul(W, A_prev)  # W @ A_prev (see matmul)
    if b is not None:
        Z = Z + b
    return Z, (A_prev, W, b)


def linear_backward(dZ, cache, lambd=0.0, compute_dA_prev=True):
    """Gradients of ``Z = W A_prev + b``, with the L2 term of the cost.

    ``dW = (1/m) dZ A_prev^T + (lambd/m) W``, ``db = (1/m) sum_i dZ[:, i]``, ``dA_prev = W^T dZ``.
    The ``lambd W / m`` term is the derivative of ``lambd / (2m) * ||W||_F^2``.

    Args:
        dZ: ``(n_l, m)`` gradient of the summed loss with respect to ``Z``.
        cache: ``(A_prev, W, b)`` from :func:`linear_forward`.
        lambd: L2 strength.
        compute_dA_prev: False for the first layer, where ``dA_prev`` would be the gradient with
            respect to ``X``: nobody needs it, and ``W1^T dZ1`` is the largest product of the pass.

    Returns:
        dA_prev: ``(n_{l-1}, m)`` or None; dW: ``(n_l, n_{l-1})``; db: ``(n_l, 1)`` or None.
    """
    A_prev, W, b = cache
    m = A_prev.shape[1]
    # The 1/m is applied to the small (n_l, m) matrix dZ rather than to dW, which for the first
    # layer has n_1 * n_x entries (245,760 for the cat network): the same formula, one pass less.
    dZ_mean = dZ * (1.0 / m)
    dW = dZ_mean @ A_prev.T
    if lambd:
        dW = dW + (lambd / m) * W
    db = np.sum(dZ_mean, axis=1, keepdims=True) if b is not None else None
    dA_prev = W.T @ dZ if compute_dA_prev else None
    return dA_prev, dW, db


def sigmoid(Z):
    """``sigma(z) = 1 / (1 + exp(-z))``, computed without overflow.

    ``exp`` only ever sees ``-|z| <= 0``: for ``z >= 0`` we use ``1 / (1 + e^{-z})`` and for
    ``z < 0`` the equal ``e^{z} / (1 + e^{z})``, so no ``RuntimeWarning`` for large ``|z|``.
    """
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0, e) / (1.0 + e)


def softmax(Z):
    """``softmax(z)_k = e^{z_k} / sum_j e^{z_j}``, column by column: ``(K, m)`` probabilities.

    Subtracting each column's maximum first changes nothing (the factor ``e^{-max}`` cancels)
    but keeps ``exp`` at or below 1: no overflow, even for logits of 1e4, and the largest entry
    of each column is exactly ``e^0 = 1`` before normalising, so the sum is never 0.
    """
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def relu_forward(Z):
    """``A = max(0, Z)``; the cache is ``Z`` (its sign is what the backward step needs)."""
    return np.maximum(Z, 0), Z


def relu_backward(dA, Z):
    """``dZ = dA * 1[Z > 0]``."""
    return np.where(Z > 0, dA, 0)


def dropout_forward(A, keep_prob, rng):
    """Inverted dropout: ``A_drop = A * D / keep_prob`` with ``D ~ Bernoulli(keep_prob)``.

    Dividing by ``keep_prob`` keeps the expected activation unchanged, ``E[A_drop] = A``, so the
    next layer sees activations of the same scale in training and at inference, where dropout is
    simply switched off and nothing needs rescaling.

    Returns:
        A_drop: same shape as ``A``; mask: ``D / keep_prob``, the factor the backward step reuses.
    """
    mask = (rng.random(A.shape, dtype=A.dtype) < keep_prob) * A.dtype.type(1.0 / keep_prob)
    return A * mask, mask


def dropout_backward(dA_drop, mask):
    """``dA = dA_drop * D / keep_prob``: the dropped units pass no gradient back."""
    return dA_drop * mask


def batchnorm_forward(Z, gamma, beta, running_mean, running_var, training=True,
                      momentum=BN_MOMENTUM, epsilon=BN_EPSILON):  # fmt: skip
    """Batch normalisation: normalise each unit over the batch, then scale and shift.

    ``mu = mean_i Z[:, i]``, ``var = mean_i (Z[:, i] - mu)^2`` (the biased 1/m variance),
    ``Z_hat = (Z - mu) / sqrt(var + epsilon)``, ``Z_tilde = gamma * Z_hat + beta``.

    In training mode ``mu`` and ``var`` come from the batch, and the running statistics move
    towards them: ``running = momentum * running + (1 - momentum) * batch``. In inference mode
    the running statistics replace the batch ones, so an example's output does not depend on the
    other examples it is predicted with.

    Args:
        Z: ``(n_l, m)`` pre-activations ``W A_prev`` (no bias: the mean subtraction would cancel
            any constant added to a unit, so ``beta`` is the layer's only offset).
        gamma, beta, running_mean, running_var: ``(n_l, 1)``.

    Returns:
        Z_tilde: ``(n_l, m)``; cache for :func:`batchnorm_backward`;
        ``(new_running_mean, new_running_var)``: each ``(n_l, 1)``, new arrays in training mode,
        the given ones in inference mode.
    """
    if training:
        mu = Z.mean(axis=1, keepdims=True)
        Z_centered = Z - mu
        var = np.mean(np.square(Z_centered), axis=1, keepdims=True)
        running = (
            momentum * running_mean + (1.0 - momentum) * mu,
            momentum * running_var + (1.0 - momentum) * var,
        )
    else:
        Z_centered = Z - running_mean
        var = running_var
        running = (running_mean, running_var)
    inv_std = 1.0 / np.sqrt(var + epsilon)
    Z_hat = Z_centered * inv_std
    Z_tilde = gamma * Z_hat + beta
    return Z_tilde, (Z_hat, gamma, inv_std), running


def batchnorm_backward(dZ_tilde, cache):
    """Gradients of training-mode batch normalisation, through the batch mean and variance.

    With ``g = dZ_tilde`` (gradient of the summed loss) and ``Z_hat`` from the forward step,
    ``dZ = gamma / sqrt(var + eps) * (g - mean_i(g) - Z_hat * mean_i(g * Z_hat))``: the two
    subtracted means are the paths through ``mu`` and ``var``, which depend on every example.
    ``dgamma = sum_i(g * Z_hat) / m`` and ``dbeta = sum_i(g) / m`` are gradients of the mean cost.

    Returns:
        dZ: ``(n_l, m)``; dgamma, dbeta: ``(n_l, 1)``.
    """
    Z_hat, gamma, inv_std = cache
    m = dZ_tilde.shape[1]
    sum_g = dZ_tilde.sum(axis=1, keepdims=True)
    sum_g_zhat = np.sum(dZ_tilde * Z_hat, axis=1, keepdims=True)
    dZ = (gamma * inv_std) * (dZ_tilde - (sum_g + Z_hat * sum_g_zhat) * (1.0 / m))
    return dZ, sum_g_zhat * (1.0 / m), sum_g * (1.0 / m)


# --------------------------------------------------------------------------------------------
# The whole network
# --------------------------------------------------------------------------------------------


def _hidden_layer_forward(A_prev, parameters, layer, keep_prob, training, rng, bn_options):
    """One hidden layer, ``LINEAR -> (BATCHNORM) -> RELU -> (DROPOUT)``.

    Returns:
        A: ``(n_l, m)``; the layer's cache; the new running statistics (None unless batch norm
        runs in training mode).
    """
    Z, linear_cache = linear_forward(A_prev, parameters[f"W{layer}"], parameters.get(f"b{layer}"))
    bn_cache, running = None, None
    if uses_batchnorm(parameters, layer):
        Z, bn_cache, running = batchnorm_forward(
            Z,
            *(parameters[f"{name}{layer}"] for name in BATCHNORM_KEYS),
            training=training,
            **bn_options,
        )
    A, relu_cache = relu_forward(Z)
    mask = None
    if training and keep_prob < 1.0:
        A, mask = dropout_forward(A, keep_prob, rng)
    cache = {"linear": linear_cache, "batchnorm": bn_cache, "relu": relu_cache, "dropout": mask}
    return A, cache, running if training else None


def forward_propagation(X, parameters, keep_prob=1.0, training=True, rng=None, *,
                        bn_momentum=BN_MOMENTUM, bn_epsilon=BN_EPSILON,
                        check_input=True):  # fmt: skip
    """Forward pass: ``[LINEAR -> (BATCHNORM) -> RELU -> (DROPOUT)] * (L-1) -> LINEAR -> OUTPUT``.

    Args:
        X: ``(n_x, m)`` inputs, one column per example. If ``parameters`` holds a standardizer
            (see :func:`fit_standardizer`), ``X`` is raw and standardised first.
        parameters: the network (see the module docstring).
        keep_prob: probability of keeping a hidden unit in inverted dropout; dropout is applied to
            hidden activations only (never to ``X`` or the output), and only when ``training``.
        training: True for a training step (batch statistics, dropout); False for inference
            (running statistics, no dropout).
        rng: ``numpy.random.Generator`` or seed for the dropout masks; None draws fresh entropy.
        bn_momentum, bn_epsilon: the running statistics' momentum; the variance's epsilon.
        check_input: validate the arguments (model() does it once, then skips it).

    Returns:
        AL: the output probabilities: ``(1, m)``, ``sigma(Z_L)``, for one output unit;
            ``(K, m)``, ``softmax(Z_L)`` (each column sums to 1), for ``K >= 2``.
        caches: a dict with ``"layers"``, one cache per layer for :func:`backward_propagation`,
            ``"keep_prob"``, ``"training"``, and ``"running_stats"``: the **updated running
            statistics** ``{"running_mean1": ..., "running_var1": ...}`` of every batch-norm
            layer (empty in inference mode). ``parameters`` itself is never modified: the new
            statistics come back only here, and ``{**parameters, **caches["running_stats"]}``
            applies them.
    """
    if check_input:
        X, keep_prob, rng, bn_momentum, bn_epsilon = validation.check_forward_inputs(
            X, parameters, keep_prob, training, rng, bn_momentum, bn_epsilon
        )
    if training and keep_prob < 1.0:
        rng = validation.as_generator(rng)
    bn_options = {"momentum": bn_momentum, "epsilon": bn_epsilon}
    L = network_depth(parameters)
    A, layer_caches, running_stats = standardize(X, parameters), [], {}
    for layer in range(1, L):
        A, cache, running = _hidden_layer_forward(
            A, parameters, layer, keep_prob, training, rng, bn_options
        )
        layer_caches.append(cache)
        if running is not None:
            running_stats[f"running_mean{layer}"], running_stats[f"running_var{layer}"] = running
    ZL, linear_cache = linear_forward(A, parameters[f"W{L}"], parameters[f"b{L}"])
    layer_caches.append({"linear": linear_cache})
    caches = {
        "layers": layer_caches,
        "keep_prob": keep_prob if training else 1.0,
        "running_stats": running_stats,
        "training": training,
    }
    # One output unit: P(y = 1 | x) = sigma(z). K >= 2 units: P(y = k | x) = softmax(z)_k.
    AL = sigmoid(ZL) if ZL.shape[0] == 1 else softmax(ZL)
    return AL, caches


def compute_cost(AL, Y, parameters=None, lambd=0.0, *, check_input=True):
    """Cross-entropy with L2 regularisation.

    One sigmoid output (``AL: (1, m)``), binary cross-entropy:
    ``J = -1/m sum_i [y_i log a_i + (1 - y_i) log(1 - a_i)] + lambd / (2m) sum_l ||W_l||_F^2``.

    ``K >= 2`` softmax outputs (``AL: (K, m)``), categorical cross-entropy with one-hot labels:
    ``J = -1/m sum_i sum_k y_ki log a_ki + lambd / (2m) sum_l ||W_l||_F^2`` (only the true
    class's log-probability counts). For ``K = 2`` it is the binary formula of ``a_1i``.

    Only the weight matrices are penalised: ``b``, ``gamma`` and ``beta`` are few and shrinking
    them does not make the function smoother. ``AL`` is clipped to ``[eps, 1 - eps]`` (sigmoid)
    or ``[eps, 1]`` (softmax), ``eps`` the machine epsilon of its dtype, so that a saturated
    wrong prediction costs a large finite amount instead of ``inf``, without warnings.

    Args:
        AL: ``(1, m)`` or ``(K, m)`` probabilities; Y: ``(1, m)`` labels (0/1, or ``0..K-1``) or
            one-hot ``(K, m)``; with ``check_input=False``, Y must be 0/1 or one-hot already.
        parameters: needed when ``lambd > 0``.

    Returns:
        cost: a Python float.
    """
    if check_input:
        AL, Y, lambd = validation.check_cost_inputs(AL, Y, parameters, lambd)
    m = AL.shape[1]
    eps = np.finfo(AL.dtype).eps
    if AL.shape[0] == 1:
        AL = np.clip(AL, eps, 1.0 - eps)
        # y log a + (1 - y) log(1 - a), with each log computed only where its label needs it.
        cross_entropy = -np.sum(np.where(Y > 0.5, np.log(AL), np.log1p(-AL))) / m
    else:
        cross_entropy = -np.sum(Y * np.log(np.clip(AL, eps, 1.0))) / m
    if not lambd:
        return float(cross_entropy)
    return float(cross_entropy) + _l2_term(parameters, lambd, m, check_input)


def _l2_term(parameters, lambd, m, check_input):
    """``lambd / (2m) sum_l ||W_l||_F^2``, the L2 part of the cost."""
    L = network_depth(parameters)
    weights = (parameters[f"W{layer}"] for layer in range(1, L + 1))
    with np.errstate(over="ignore"):  # checked below
        squared_norms = sum(float(np.vdot(W, W)) for W in weights)
    l2 = lambd / (2.0 * m) * squared_norms
    if check_input and not math.isfinite(l2):
        raise ValueError("the L2 term of the cost overflows: the weights are too large")
    return l2


def backward_propagation(AL, Y, caches, lambd=0.0, keep_prob=1.0, *, check_input=True):
    """Backward pass: the gradient of the cost with respect to every trainable parameter.

    The output layer starts from ``dZ_L = A_L - Y`` (per example, of the summed loss), for both
    outputs:

    * sigmoid: ``dL/da = -y/a + (1-y)/(1-a)`` and ``da/dz = a(1-a)`` multiply to ``a - y``;
    * softmax with one-hot ``y``: ``L = -sum_k y_k log a_k`` and ``da_k/dz_j = a_k(1[k=j] - a_j)``
      give ``dL/dz_j = -sum_k y_k (1[k=j] - a_j) = a_j sum_k y_k - y_j = a_j - y_j``.

    Either way the result is exact and finite even where ``A_L`` is exactly 0 or 1. Each hidden
    layer then applies the backward steps of its forward steps in reverse order, dropout with
    the forward pass's own mask. L2 adds ``lambd / m * W`` to each ``dW``.

    Args:
        AL: ``(1, m)`` or ``(K, m)`` output of :func:`forward_propagation`; Y: its labels, as
            in :func:`compute_cost`.
        caches: from the same :func:`forward_propagation` call.
        lambd: L2 strength (the same as in :func:`compute_cost`).
        keep_prob: the forward pass's keep probability (checked against the caches).

    Returns:
        grads: ``dW{l}`` and ``db{l}`` or ``dgamma{l}``, ``dbeta{l}``, shaped like the parameters.
        No gradient with respect to ``X`` is computed.
    """
    if check_input:
        AL, Y, lambd, keep_prob = validation.check_backward_inputs(AL, Y, caches, lambd, keep_prob)
    layer_caches = caches["layers"]
    L = len(layer_caches)
    grads = {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(
        AL - Y, layer_caches[-1]["linear"], lambd, compute_dA_prev=L > 1
    )
    for layer in range(L - 1, 0, -1):
        dA, layer_grads = _hidden_layer_backward(dA, layer_caches[layer - 1], lambd, layer > 1)
        grads.update({f"{key}{layer}": value for key, value in layer_grads.items()})
    return grads


def _hidden_layer_backward(dA, cache, lambd, compute_dA_prev):
    """The backward steps of one hidden layer, in reverse order: dropout, ReLU, batch norm,
    linear. Returns ``dA_prev`` and ``{"dW": ..., "db": ...}`` or ``dgamma``/``dbeta``."""
    if cache["dropout"] is not None:
        dA = dropout_backward(dA, cache["dropout"])
    dZ = relu_backward(dA, cache["relu"])
    grads = {}
    if cache["batchnorm"] is not None:
        dZ, grads["dgamma"], grads["dbeta"] = batchnorm_backward(dZ, cache["batchnorm"])
    dA_prev, grads["dW"], db = linear_backward(dZ, cache["linear"], lambd, compute_dA_prev)
    if db is not None:
        grads["db"] = db
    return dA_prev, grads


# --------------------------------------------------------------------------------------------
# Inference
# --------------------------------------------------------------------------------------------


def predict_proba(X, parameters, *, tta=None, check_input=True):
    """The class probabilities of each column of ``X``: the inference-mode forward pass.

    Returns ``(1, m)``, ``P(y = 1 | x)``, for a sigmoid network, and ``(K, m)``,
    ``P(y = k | x)`` in row ``k``, for a K-class one.

    Args:
        tta: test-time augmentation: a function ``X -> X'`` (or a list of them) giving other
            views of the same examples, such as their mirror images. The probabilities are then
            the mean over ``X`` and every view, which averages out some of the network's quirks.
    """
    views = validation.check_tta(tta)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow shows as NaN: see below
        AL, _ = forward_propagation(X, parameters, training=False, check_input=check_input)
        for view in views:
            AL = AL + predict_proba(view(X), parameters, check_input=check_input)
    if check_input:
        validation.check_output_finite(AL)
    return AL / (1 + len(views)) if views else AL


def one_hot(Y, num_classes, dtype=np.float64):
    """One-hot labels ``(K, m)``: ``Y_onehot[k, i] = 1[y_i = k]`` for labels ``Y: (1, m)`` in
    ``0..K-1`` (the course's ``convert_to_one_hot``). The cost and the backward pass take either
    form; this is for looking at it."""
    num_classes = validation.check_num_classes(num_classes)
    return validation.check_Y(Y, dtype=validation.check_dtype(dtype), num_classes=num_classes)


def probabilities_to_labels(probabilities, threshold=0.5):
    """The predicted class of each column, ``(1, m)`` int64: the one rule the library uses.

    ``(1, m)`` probabilities ``P(y = 1 | x)``: ``1[p > threshold]``. ``(K, m)`` probabilities:
    ``argmax_k p_k``, the most probable class (the first, on a tie), whatever ``threshold``.
    One-hot labels ``(K, m)`` and 0/1 labels ``(1, m)`` come back as their class labels.
    """
    probabilities = validation.check_scores_to_label(probabilities)
    if probabilities.shape[0] == 1:
        return (probabilities > threshold).astype(np.int64)
    return np.argmax(probabilities, axis=0)[None, :].astype(np.int64)


def predict(X, parameters, threshold=0.5, *, tta=None, check_input=True):
    """The predicted class of each column of ``X``, a ``(1, m)`` int64 array: for a sigmoid
    network ``1[P(y = 1 | x) > threshold]``, for a K-class one ``argmax_k P(y = k | x)``.

    Batch-norm layers use their running statistics, so each example is predicted the same way
    alone or inside a batch. ``tta`` is as in :func:`predict_proba`. ``threshold`` is for one
    sigmoid output only: a K-class network refuses any other than the default.
    """
    if check_input:
        threshold = validation.check_threshold(threshold, parameters)
    probabilities = predict_proba(X, parameters, tta=tta, check_input=check_input)
    return probabilities_to_labels(probabilities, threshold)


def dead_relu_fractions(X, parameters):
    """For each hidden layer, the fraction of its ReLUs that never fire on the examples ``X``.

    A unit whose pre-activation is ``<= 0`` for every example outputs 0 for all of them and, in
    training, receives no gradient through ``1[Z > 0]``: it is dead on that data. Measured in
    inference mode.

    Returns:
        a list of ``L - 1`` Python floats, layer 1 first.
    """
    _, caches = forward_propagation(X, parameters, training=False)
    return [float(np.mean((cache["relu"] <= 0).all(axis=1))) for cache in caches["layers"][:-1]]


# --------------------------------------------------------------------------------------------
# Gradient checking
# --------------------------------------------------------------------------------------------


def gradient_check(X, Y, parameters, *, lambd=0.0, keep_prob=1.0, seed=0, epsilon=1e-6,
                   bn_epsilon=BN_EPSILON, max_entries=None, return_gradients=False):  # fmt: skip
    """Compare backpropagation with central differences of the cost.

    For each checked entry ``theta`` of every trainable array,
    ``g_num = (J(theta + epsilon) - J(theta - epsilon)) / (2 epsilon)``, and the result is
    ``||g - g_num|| / (||g|| + ||g_num||)`` over all compared entries. Below about 1e-7 the
    backward pass is right; an error in a derivative typically gives 1e-3 or more.

    **Always in float64.** ``X`` and the parameters are copied to float64 first: in float32 a
    difference of two costs that agree to 7 digits, divided by a step of 1e-6, is noise (a
    correct network would score about 0.1 and look broken).

    **ReLU kinks are left out.** ``relu`` has no derivative at 0, and backpropagation takes the
    slope that ``1[Z > 0]`` picks. A new network (``b = 0``) puts pre-activations exactly at 0
    when an example switches off a whole layer; a step of ``epsilon`` then crosses the kink and
    the central difference averages two slopes (off by 0.01 to 0.1 on small networks). An entry
    whose two evaluations switch any ReLU on or off is not compared. Where a true label's
    probability is within ``eps`` of 0 the cost is clipped and flat: a ValueError says so.

    The cost is evaluated in training mode (batch statistics). Every evaluation draws the same
    dropout masks (from a new generator seeded with ``seed``), so ``J`` is a function of theta.

    Args:
        X: ``(n_x, m)``; Y: labels as in :func:`compute_cost`; parameters: the network at which
            to check. lambd, keep_prob, bn_epsilon: as in training.
        epsilon: the finite-difference step.
        max_entries: check at most this many random entries of each array (None: all), which
            makes a check of ``W1`` of the cat network (245,760 entries) affordable.
        return_gradients: return ``(error, g, g_num)``, the two compared gradient vectors too
            (without the entries left out at kinks).

    Returns: the relative error, a float.
    """
    X, Y, parameters, lambd, keep_prob = validation.check_gradient_check_inputs(
        X, Y, parameters, lambd, keep_prob
    )
    seed, epsilon, bn_epsilon, max_entries = validation.check_gradient_check_settings(
        seed, epsilon, bn_epsilon, max_entries
    )
    options = {"lambd": lambd, "keep_prob": keep_prob, "seed": seed, "bn_epsilon": bn_epsilon}
    cost = functools.partial(_cost_and_relus_on, X, Y, **options)
    with np.errstate(over="ignore", invalid="ignore"):  # checked below
        AL, caches = forward_propagation(
            X, parameters, keep_prob, rng=seed, bn_epsilon=bn_epsilon, check_input=False
        )
        validation.check_unsaturated(AL, Y)
        grads = backward_propagation(AL, Y, caches, lambd, keep_prob, check_input=False)
        analytic, numeric, smooth, at_theta = [], [], [], _relus_on(caches)
        for key, entries in _entries_to_check(parameters, max_entries, seed).items():
            slopes, relus_on = _central_differences(cost, parameters, key, entries, epsilon)
            numeric += slopes
            # False where the step crossed a kink (never for W_L, b_L: no ReLU follows them).
            smooth += [on == at_theta for on in relus_on]
            analytic.append(grads[f"d{key}"].reshape(-1)[entries])
    g, g_num = np.concatenate(analytic)[smooth], np.array(numeric)[smooth]
    error = _relative_error(g, g_num)
    return (error, g, g_num) if return_gradients else error


def _cost_and_relus_on(X, Y, parameters, *, lambd, keep_prob, seed, bn_epsilon):
    """``J(parameters)`` in training mode, and which hidden units are on for each example. A
    new generator with the same ``seed`` every time: the same dropout masks."""
    rng = np.random.default_rng(seed)
    AL, caches = forward_propagation(
        X, parameters, keep_prob, rng=rng, bn_epsilon=bn_epsilon, check_input=False
    )
    return compute_cost(AL, Y, parameters, lambd, check_input=False), _relus_on(caches)


def _relus_on(caches):
    """Which hidden units are on (``Z > 0``) for each example, as bytes: comparable with ``==``."""
    return b"".join(np.packbits(cache["relu"] > 0).tobytes() for cache in caches["layers"][:-1])


def _central_differences(cost, parameters, key, entries, epsilon):
    """``(J(theta + epsilon) - J(theta - epsilon)) / (2 epsilon)`` for the given flat
    ``entries`` of ``parameters[key]``, as a list of floats, and for each entry the ReLU
    pattern of both evaluations if they agree (None if the step crosses a kink between them).
    ``parameters`` is not modified."""
    # A C-ordered copy, so that reshape(-1) below is a view that perturbs the array itself.
    perturbed = np.array(parameters[key], order="C")
    flat = perturbed.reshape(-1)
    params = {**parameters, key: perturbed}
    numeric, patterns = [], []
    for i in entries:
        original = flat[i]
        flat[i] = original + epsilon
        cost_plus, on_plus = cost(params)
        flat[i] = original - epsilon
        cost_minus, on_minus = cost(params)
        flat[i] = original
        numeric.append((cost_plus - cost_minus) / (2.0 * epsilon))
        patterns.append(on_plus if on_plus == on_minus else None)
    return numeric, patterns


def _entries_to_check(parameters, max_entries, seed):
    """``{key: flat indices}`` for every trainable array: all of its entries, or ``max_entries``
    of them drawn at random (sorted) when it has more."""
    pick = np.random.default_rng(seed)
    entries = {}
    for key in trainable_keys(parameters):
        size = parameters[key].size
        entries[key] = np.arange(size)
        if max_entries is not None and size > max_entries:
            entries[key] = np.sort(pick.choice(size, max_entries, replace=False))
    return entries


def _relative_error(g, g_num):
    """``||g - g_num|| / (||g|| + ||g_num||)``, computed on the vectors divided by their largest
    entry, so that huge gradients do not overflow the squares of the norms."""
    validation.check_gradients_finite(g, g_num)
    scale = max(np.abs(g).max(initial=0.0), np.abs(g_num).max(initial=0.0))
    if scale == 0:
        return 0.0
    g, g_num = g / scale, g_num / scale
    return float(np.linalg.norm(g - g_num) / (np.linalg.norm(g) + np.linalg.norm(g_num)))


def __getattr__(name):
    """``nn.L_model_forward`` and the course's other names: an error that names ours (PEP 562)."""
    raise validation.course_name_error(__name__, name)
