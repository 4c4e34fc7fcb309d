"""The speed path: how ``model()`` applies the update rules fast. Read the textbook first.

The update rules are written as their formulas in ``neural_net_optimized``
(``update_parameters_with_adam`` computes ``v``, ``s``, ``v_hat``, ``s_hat``, as the docstring
says). Applied like that, each rule allocates a new array for every intermediate result and
makes about fourteen passes over each weight matrix, at every mini-batch. ``model()`` takes the
same steps through this module instead, with four tricks that change the speed and, but for
Adam's rounding, nothing else (``tests/test_speed_path.py`` checks the two paths agree, step for
step, to 1e-12 in float64):

1. **In place.** Each ``*_step`` rule updates ``theta`` and its state in place and uses the
   gradient array as scratch space: no new ``W1`` (and new ``v`` and ``s``) at every step.
2. **Adam's moments as discounted sums**, ``V = v / (1 - beta1)``, ``S = s / (1 - beta2)``
   (see :func:`adam_step`): ten passes instead of fourteen, and no temporary.
3. **Row blocks.** A large array is updated a few rows at a time, so that the rows stay in the
   CPU cache between a rule's passes; small arrays are **packed** into one flat array, so that a
   rule makes ten NumPy calls for all of them instead of ten per array.
4. **Subnormal flushing** every ``FLUSH_EVERY`` steps (see :func:`flush_subnormals`), and the
   **data layout**: ``X`` in Fortran order (see :func:`training_layout`).

And a second training loop, :func:`train_together`, for several seeds of a full-batch run: they
all multiply the same ``X`` at every step, so their first layers are stacked into one product.
"""

import itertools
import math

import numpy as np

import neural_network as nn
from validation import network_depth, trainable_keys

BLOCK_SIZE = 1 << 16  # entries per row block: 512 KB per float64 array
FLUSH_EVERY = 16  # steps between two flushes of the large arrays' subnormal entries


# --------------------------------------------------------------------------------------------
# The update rules, in place. Each updates ``theta`` and its state arrays and overwrites ``g``.
# --------------------------------------------------------------------------------------------


def gd_step(theta, g, learning_rate):
    """``theta <- theta - learning_rate * g``, in place (``g`` is overwritten)."""
    g *= learning_rate
    theta -= g


def momentum_step(theta, g, v, beta, learning_rate):
    """``v <- beta v + (1 - beta) g``; ``theta <- theta - learning_rate * v``, in place."""
    v *= beta
    g *= 1.0 - beta
    v += g
    np.multiply(v, learning_rate, out=g)
    theta -= g


def rmsprop_step(theta, g, s, beta2, learning_rate, epsilon):
    """``s <- beta2 s + (1 - beta2) g^2``; ``theta <- theta - lr g / (sqrt(s) + eps)``, in place."""
    s *= beta2
    g_squared = np.square(g)
    g_squared *= 1.0 - beta2
    s += g_squared
    denominator = np.sqrt(s, out=g_squared)
    denominator += epsilon
    g *= learning_rate
    g /= denominator
    theta -= g


def adam_step(theta, g, V, S, t, learning_rate, beta1, beta2, epsilon):
    """One Adam step on one array, in place, with the moments kept as discounted **sums**.

    ``V <- beta1 V + g`` and ``S <- beta2 S + g^2`` are the averages of
    ``update_parameters_with_adam`` before their ``(1 - beta)`` factor: ``v = (1 - beta1) V``,
    ``s = (1 - beta2) S``. Bias correction then reads as what it is, a weighted mean: ``V``
    divided by the sum of its weights, ``n1 = 1 + beta1 + ... + beta1^(t-1)``, so
    ``v_hat = V / n1`` and ``s_hat = S / n2``. The step
    ``theta <- theta - learning_rate v_hat / (sqrt(s_hat) + epsilon)`` is computed, as in Kingma
    and Ba's section 2, as ``alpha_t V / (sqrt(S) + epsilon_t)`` with two scalars
    ``alpha_t = learning_rate sqrt(n2) / n1`` and ``epsilon_t = epsilon sqrt(n2)``. In all, ten
    passes over each array instead of fourteen, and no temporary.
    """
    # Python floats, so that a float32 array stays float32 (NumPy scalars would not be "weak").
    beta1, beta2 = float(beta1), float(beta2)
    n1 = (1.0 - beta1**t) / (1.0 - beta1)
    n2 = (1.0 - beta2**t) / (1.0 - beta2)
    alpha_t = float(learning_rate) * math.sqrt(n2) / n1
    epsilon_t = float(epsilon) * math.sqrt(n2)
    V *= beta1
    V += g
    g_squared = np.square(g, out=g)
    S *= beta2
    S += g_squared
    denominator = np.sqrt(S, out=g_squared)
    denominator += epsilon_t
    step = np.divide(V, denominator, out=denominator)
    step *= alpha_t
    theta -= step


def step_in_row_blocks(rule, keys, parameters, grads, states, *hyperparameters):
    """Apply ``rule`` in place to ``parameters[key]`` with ``grads[f"d{key}"]`` for every key,
    ``BLOCK_SIZE`` entries' worth of rows at a time.

    An update rule makes about ten passes over each array. For ``W1`` of the cat network
    (245,760 entries, 2 MB in float64) each pass would stream the array from main memory again;
    a few rows at a time, the rows stay in the CPU cache between passes. The rules are
    elementwise, so the result is bit-for-bit the same. (Threads do not help here: they compete
    with BLAS's own threads.)
    """
    for key in keys:
        arrays = [parameters[key], grads[f"d{key}"], *(s[f"d{key}"] for s in states)]
        rows_per_block = max(1, BLOCK_SIZE // max(1, arrays[0][0].size))
        for start in range(0, len(arrays[0]), rows_per_block):
            block = slice(start, start + rows_per_block)
            rule(*(a[block] for a in arrays), *hyperparameters)


def flush_subnormals(array):
    """Set the entries of ``array`` in the subnormal range, ``0 < |x| < tiny``, to 0, in place.

    Weights that decay towards zero (the input weights of a unit that never fires, under L2)
    can end up there, below ``1.2e-38`` in float32. They are 0 for every practical purpose, but
    x86 CPUs multiply them 10 to 40 times slower: a ``W1`` with a few subnormal rows makes the
    first layer's product, and so the whole training run, several times slower.
    """
    np.copyto(array, 0, where=np.abs(array) < np.finfo(array.dtype).tiny)


def training_layout(X, dtype):
    """``X`` in ``dtype`` and in Fortran order (one contiguous column per example), one copy at
    most.

    Gathering a mini-batch's columns is then ~4x faster than from C order, the batch is in
    Fortran order too, and ``X.T`` is C-contiguous: the layout in which BLAS runs both of the
    first layer's products fastest (``W1 X`` through ``neural_network.matmul``, and
    ``dZ1 X^T``).
    """
    return np.asfortranarray(X, dtype=dtype)


# --------------------------------------------------------------------------------------------
# The optimiser model() uses
# --------------------------------------------------------------------------------------------

# rule, number of state arrays per parameter, and the rule's hyperparameters after the arrays
# as a function of the optimiser's settings, the step count t and the learning rate.
_RULES = {
    "gd": (gd_step, 0, lambda o, t, lr: (lr,)),
    "momentum": (momentum_step, 1, lambda o, t, lr: (o["beta"], lr)),
    "rmsprop": (rmsprop_step, 1, lambda o, t, lr: (o["beta2"], lr, o["epsilon"])),
    "adam": (adam_step, 2, lambda o, t, lr: (t, lr, o["beta1"], o["beta2"], o["epsilon"])),
}


class InPlaceOptimizer:
    """``update(grads, learning_rate)``: one step of an optimiser on ``parameters``, in place.

    It applies the same rules as the public ``update_parameters_with_*`` functions, in place, to
    the parameters ``model()`` owns; the state (``v``, ``s``, or for Adam the sums ``V``, ``S``
    of :func:`adam_step`) and the step count ``t`` live here: Adam's bias correction counts
    updates (mini-batches), not epochs.

    The small arrays are packed into one flat array: their entries in ``parameters`` are
    replaced by views into it (``parameters`` is modified), and each step copies their
    gradients into a flat buffer. Every ``FLUSH_EVERY`` steps the large arrays' subnormal
    entries are set to 0.
    """

    def __init__(self, optimizer, parameters, unpacked=(), **settings):
        self.rule, n_states, self.hyperparameters = _RULES[optimizer]
        self.settings = settings
        keys = trainable_keys(parameters)
        # ``unpacked`` keys are updated where they are, however small (see train_together).
        self.small = [k for k in keys if parameters[k].size < BLOCK_SIZE and k not in unpacked]
        self.large = [key for key in keys if key not in self.small]
        self.flat = np.concatenate([parameters[key].ravel() for key in self.small])
        sizes = np.cumsum([parameters[key].size for key in self.small])[:-1]
        for key, piece in zip(self.small, np.split(self.flat, sizes), strict=True):
            parameters[key] = piece.reshape(parameters[key].shape)
        # What the rule updates: the large arrays themselves, the small ones through ``flat``.
        self.targets = {**{key: parameters[key] for key in self.large}, "packed": self.flat}
        self.flat_grad = np.empty_like(self.flat)
        self.states = [
            {f"d{key}": np.zeros_like(a) for key, a in self.targets.items()}
            for _ in range(n_states)
        ]
        self.steps_taken = itertools.count(1)

    def __call__(self, grads, learning_rate):
        t = next(self.steps_taken)
        np.concatenate([grads[f"d{key}"].ravel() for key in self.small], out=self.flat_grad)
        gradients = {f"d{key}": grads[f"d{key}"] for key in self.large}
        gradients["dpacked"] = self.flat_grad
        hyperparameters = self.hyperparameters(self.settings, t, learning_rate)
        step_in_row_blocks(
            self.rule, self.targets, self.targets, gradients, self.states, *hyperparameters
        )
        # Three passes over each large array: cheap every 16 steps, too dear at every one.
        if t % FLUSH_EVERY == 0:
            for key in self.large:
                flush_subnormals(self.targets[key])


# --------------------------------------------------------------------------------------------
# Several seeds of a full-batch run, trained together
# --------------------------------------------------------------------------------------------


def stack_first_layers(networks):
    """Make the ``W1`` of every network a view of one ``(S * n_1, n_x)`` array, and return it.

    The networks' own ``W1`` arrays are replaced (each by its rows of the stack), so that an
    update of a network's ``W1`` in place is an update of the stack.
    """
    stacked = np.concatenate([parameters["W1"] for parameters in networks])
    for parameters, rows in zip(networks, _rows(stacked, networks), strict=True):
        parameters["W1"] = rows
    return stacked


def train_together(X, Y, networks, optimizer, learning_rates, lambd, **settings):
    """Full-batch steps of several networks of one shape on the same ``(X, Y)``, in place.

    A full-batch step of the cat network is dominated by its two first-layer products, ``W1 X``
    and ``dZ1 X^T``, each a pass over ``X`` (12288 x 209). With ``S`` seeds stacked,
    ``[W1_1; ...; W1_S] X`` and ``[dZ1_1; ...; dZ1_S] X^T`` make that one pass each for all of
    them; everything else (small) is done network by network with ``neural_network``'s steps.
    Plain gradient descent without L2 goes further (see :func:`_train_in_row_space`). The
    results equal separate training to rounding: BLAS may round a larger product differently.

    Args:
        networks: parameters dicts without batch norm (updated in place); optimizer and
            ``settings``: as for :class:`InPlaceOptimizer`; learning_rates: one per step;
            lambd: the L2 strength.

    Returns:
        the training cost of every step, a list per network.
    """
    W1_stack = stack_first_layers(networks)
    if optimizer == "gd" and not lambd:
        return _train_in_row_space(X, Y, W1_stack, networks, learning_rates)
    updates = [InPlaceOptimizer(optimizer, p, unpacked=("W1",), **settings) for p in networks]
    m, costs = X.shape[1], [[] for _ in networks]
    for learning_rate in learning_rates:
        dZ1_stack, grads = _steps_after_W1(nn.matmul(W1_stack, X), Y, networks, lambd, costs)
        dW1_stack = (dZ1_stack * (1.0 / m)) @ X.T
        if lambd:
            dW1_stack = dW1_stack + (lambd / m) * W1_stack
        dW1s = _rows(dW1_stack, networks)
        for network_grads, update, dW1 in zip(grads, updates, dW1s, strict=True):
            update({**network_grads, "dW1": dW1}, learning_rate)
    return costs


def _train_in_row_space(X, Y, W1_stack, networks, learning_rates):
    """Full-batch gradient descent without L2, the first layers kept as ``W1 = W1_0 + C X^T``.

    Every step's ``dW1 = (1/m) dZ1 X^T`` combines the examples (the columns of ``X``), so
    gradient descent keeps ``W1 - W1_0`` in their span: ``W1 = W1_0 + C X^T`` with ``C`` of shape
    ``(n_1, m)``. Then ``W1 X = W1_0 X + C (X^T X)``, and a step is ``C <- C - alpha dZ1 / m``.
    With ``W1_0 X`` and the Gram matrix ``X^T X`` (m x m) computed once, a step costs
    ``n_1 m^2`` instead of ``n_1 m n_x``: 59 times less for the 209 cat images of 12288 pixels.
    ``W1`` itself is formed once, at the end. In float64 the result is the direct steps' to
    1e-15; in float32 a run whose cost wobbles (the cat networks on raw pixels) drifts apart from
    them, as it would from any change of rounding.
    """
    m = X.shape[1]
    W1_X, gram = nn.matmul(W1_stack, X), X.T @ X
    C, costs = np.zeros_like(W1_X), [[] for _ in networks]
    rest = [{key: p[key] for key in p if key != "W1"} for p in networks]
    updates = [InPlaceOptimizer("gd", r) for r in rest]  # every array but W1, packed
    for parameters, packed in zip(networks, rest, strict=True):
        parameters.update(packed)  # the packed arrays are the network's now
    for learning_rate in learning_rates:
        dZ1_stack, grads = _steps_after_W1(W1_X + C @ gram, Y, networks, 0.0, costs)
        gd_step(C, dZ1_stack * (1.0 / m), learning_rate)
        for network_grads, update in zip(grads, updates, strict=True):
            update(network_grads, learning_rate)
    W1_stack += C @ X.T
    return costs


def _rows(stack, networks):
    """Each network's rows of a stack of first layers."""
    n_1 = networks[0]["W1"].shape[0]
    return [stack[s * n_1 : (s + 1) * n_1] for s in range(len(networks))]


def _steps_after_W1(Z1_stack, Y, networks, lambd, costs):
    """Each network's step from its rows of ``[W1_1; ...; W1_S] X``: its cost (appended to
    ``costs``), its gradients but ``dW1``, and ``dZ1``, stacked like ``Z1_stack``."""
    dZ1_stack, grads = np.empty_like(Z1_stack), []
    for s, (parameters, Z1, dZ1) in enumerate(
        zip(networks, _rows(Z1_stack, networks), _rows(dZ1_stack, networks), strict=True)
    ):
        cost, network_grads, dZ1[...] = _step_from_Z1(Z1, Y, parameters, lambd)
        costs[s].append(cost)
        grads.append(network_grads)
    return dZ1_stack, grads


def _step_from_Z1(Z1, Y, parameters, lambd):
    """The rest of a full-batch forward and backward pass, from the first layer's ``W1 X``.

    Returns the cost, the gradients of every array but ``W1``, and ``dZ1`` (for ``dW1``).
    """
    L, m = network_depth(parameters), Y.shape[1]
    Z, relu_caches, linear_caches = Z1 + parameters["b1"], [], []
    for layer in range(2, L + 1):
        A, relu_cache = nn.relu_forward(Z)
        relu_caches.append(relu_cache)
        Z, linear_cache = nn.linear_forward(A, parameters[f"W{layer}"], parameters[f"b{layer}"])
        linear_caches.append(linear_cache)
    AL = nn.sigmoid(Z) if Z.shape[0] == 1 else nn.softmax(Z)
    cost = nn.compute_cost(AL, Y, parameters, lambd, check_input=False)
    dZ, grads = AL - Y, {}
    for layer in range(L, 1, -1):
        dA, grads[f"dW{layer}"], grads[f"db{layer}"] = nn.linear_backward(
            dZ, linear_caches[layer - 2], lambd
        )
        dZ = nn.relu_backward(dA, relu_caches[layer - 2])
    grads["db1"] = np.sum(dZ * (1.0 / m), axis=1, keepdims=True)  # as linear_backward does
    return cost, grads, dZ
