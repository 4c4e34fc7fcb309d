"""How to train the network of ``neural_network.py``: optimisers, mini-batches and one ``model()``.

The network's math (forward and backward passes, the cost) lives in ``neural_network``; this module
only decides *how to walk downhill*:

* plain gradient descent, ``theta <- theta - alpha * g``;
* momentum, an exponentially weighted average of the gradients, ``v <- beta v + (1 - beta) g``;
* RMSprop, which divides by the root of an average of squared gradients, ``s <- beta2 s +
  (1 - beta2) g^2``, ``theta <- theta - alpha g / (sqrt(s) + eps)``;
* Adam, momentum and RMSprop together with bias correction ``v_hat = v / (1 - beta1^t)``;
* mini-batches, and :func:`model`, the training loop, with learning-rate decay
  (``learning_rate_decay``) and early stopping on a dev set.

Every optimiser state (``v``, ``s``) is a plain dict keyed like ``grads`` (``dW1``, ``db1``, ...).
The public update rules compute their formulas as written and return new dicts. ``model()``
takes the same steps in place, through ``_speed_path`` (the speed tricks, tested equal to the
rules here). Saving a trained network is the job of ``persistence``; both are importable from
here too.
"""

import inspect
import math
import sys

import numpy as np
from tqdm.auto import tqdm

import _speed_path
import neural_network as nn
import validation
from _speed_path import adam_step, gd_step, momentum_step, rmsprop_step  # noqa: F401
from learning_rate_decay import learning_rate_schedule, schedule_lr_decay, update_lr  # noqa: F401
from persistence import load_parameters, save_parameters  # noqa: F401

OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
DEFAULT_LEARNING_RATES = {"gd": 0.0075, "momentum": 0.0075, "rmsprop": 0.001, "adam": 0.001}
MAX_EPOCHS = 10_000_000  # a sanity bound: more is a typing mistake, not a plan


# --------------------------------------------------------------------------------------------
# Mini-batches
# --------------------------------------------------------------------------------------------


def mini_batch_indices(m, mini_batch_size, rng):
    """Split a random permutation of ``range(m)`` into consecutive blocks of ``mini_batch_size``.

    There are ``floor(m / mini_batch_size)`` full blocks and, when ``m`` is not a multiple of the
    size, one smaller last block made of the last entries of the *same* permutation, so every
    example appears exactly once per epoch.

    Returns:
        a list of int arrays, the column indices of each mini-batch.
    """
    m = validation.check_number(m, "m", 1, integer=True)
    mini_batch_size = validation.check_number(mini_batch_size, "mini_batch_size", 1, integer=True)
    return _permuted_blocks(m, mini_batch_size, validation.as_generator(rng))


def _permuted_blocks(m, mini_batch_size, rng):
    """:func:`mini_batch_indices` without the checks, for model()'s loop (checked before it)."""
    permutation = rng.permutation(m)
    return [permutation[k : k + mini_batch_size] for k in range(0, m, mini_batch_size)]


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Shuffle the examples and cut them into mini-batches.

    Args:
        X: ``(n_x, m)``; Y: ``(1, m)`` labels or one-hot ``(K, m)``: one shared permutation is
            applied to both.
        mini_batch_size: the size of every batch but possibly the last.
        seed: an int or a ``numpy.random.Generator``.

    Returns:
        a list of ``(X_batch: (n_x, size), Y_batch: (1 or K, size))`` pairs covering every
        example once.
    """
    X = validation.check_X(X)
    Y = validation.check_Y(Y, m=X.shape[1], dtype=None, num_classes=None)
    mini_batch_size = validation.check_number(mini_batch_size, "mini_batch_size", 1, integer=True)
    batches = mini_batch_indices(X.shape[1], mini_batch_size, validation.as_generator(seed, "seed"))
    return [(X[:, idx], Y[:, idx]) for idx in batches]


# --------------------------------------------------------------------------------------------
# Optimisers: each rule as its formula. Each takes and returns plain dicts and never modifies
# its arguments.
# --------------------------------------------------------------------------------------------


def _zeros_like_grads(parameters):
    """A state dict of zeros, one entry ``d{key}`` per trainable key."""
    validation.check_parameter_arrays(parameters)
    return {f"d{key}": np.zeros_like(parameters[key]) for key in nn.trainable_keys(parameters)}


def update_parameters_with_gd(parameters, grads, learning_rate, *, check_input=True):
    """One step of gradient descent: ``theta <- theta - learning_rate * d_theta``.

    Args:
        parameters: the network; grads: ``d{key}`` for every trainable key.

    Returns:
        the new parameters (the running statistics of batch norm are carried over unchanged).
    """
    if check_input:
        learning_rate, grads = validation.check_update_inputs(parameters, grads, learning_rate)
    parameters = dict(parameters)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below
        for key in nn.trainable_keys(parameters):
            parameters[key] = parameters[key] - learning_rate * grads[f"d{key}"]
    validation.check_update_finite(parameters)
    return parameters


def initialize_velocity(parameters):
    """Momentum's velocity ``v``: zeros shaped like each trainable array, keyed ``dW1``, ..."""
    return _zeros_like_grads(parameters)


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate, *, check_input=True):
    """Gradient descent with momentum.

    ``v <- beta v + (1 - beta) g``, ``theta <- theta - learning_rate * v``. The velocity averages
    the last ``~1 / (1 - beta)`` gradients, which damps the zig-zag across a narrow valley while
    adding up along its floor. ``beta = 0`` is plain gradient descent.

    Returns:
        ``(parameters, v)``, both new dicts.
    """
    if check_input:
        learning_rate, grads, v = validation.check_update_inputs(
            parameters, grads, learning_rate, v=v
        )
        beta = validation.check_average_weight(beta, "beta")
    parameters, v = dict(parameters), dict(v)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below
        for key in nn.trainable_keys(parameters):
            v[f"d{key}"] = beta * v[f"d{key}"] + (1 - beta) * grads[f"d{key}"]
            parameters[key] = parameters[key] - learning_rate * v[f"d{key}"]
    validation.check_update_finite(parameters, v)
    return parameters, v


def initialize_rmsprop(parameters):
    """RMSprop's average of squared gradients ``s``: zeros keyed ``dW1``, ``db1``, ..."""
    return _zeros_like_grads(parameters)


def update_parameters_with_rmsprop(
    parameters, grads, s, beta2=0.999, learning_rate=0.001, epsilon=1e-8, *, check_input=True
):
    """RMSprop: ``s <- beta2 s + (1 - beta2) g^2``, ``theta <- theta - lr g / (sqrt(s) + eps)``.

    Dividing by the root mean square of recent gradients gives every parameter a step of about
    ``learning_rate`` whatever the scale of its gradient; ``epsilon`` avoids dividing by zero.

    Returns:
        ``(parameters, s)``, both new dicts.
    """
    if check_input:
        learning_rate, grads, s = validation.check_update_inputs(
            parameters, grads, learning_rate, s=s
        )
        beta2 = validation.check_average_weight(beta2, "beta2")
        epsilon = validation.check_epsilon(epsilon)
    parameters, s = dict(parameters), dict(s)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below
        for key in nn.trainable_keys(parameters):
            g = grads[f"d{key}"]
            s[f"d{key}"] = beta2 * s[f"d{key}"] + (1 - beta2) * np.square(g)
            parameters[key] = parameters[key] - learning_rate * g / (
                np.sqrt(s[f"d{key}"]) + epsilon
            )
    validation.check_update_finite(parameters, s)
    return parameters, s


def initialize_adam(parameters):
    """Adam's first and second moment estimates ``(v, s)``: zeros keyed ``dW1``, ``db1``, ..."""
    return _zeros_like_grads(parameters), _zeros_like_grads(parameters)


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.001, beta1=0.9,
                                beta2=0.999, epsilon=1e-8, *, check_input=True):  # fmt: skip
    """Adam (Kingma and Ba, 2015): momentum and RMSprop with bias correction.

    ``v <- beta1 v + (1 - beta1) g``, ``s <- beta2 s + (1 - beta2) g^2``,
    ``v_hat = v / (1 - beta1^t)``, ``s_hat = s / (1 - beta2^t)``,
    ``theta <- theta - learning_rate * v_hat / (sqrt(s_hat) + epsilon)``.

    ``v`` and ``s`` start at zero, so early averages are biased towards zero; dividing by
    ``1 - beta^t`` (the total weight the average has given to real gradients) removes the bias.

    Args:
        t: the number of this update step, counting mini-batches from 1.

    Returns:
        ``(parameters, v, s)``, all new dicts.
    """
    if check_input:
        learning_rate, grads, v, s = validation.check_update_inputs(
            parameters, grads, learning_rate, v=v, s=s
        )
        beta1 = validation.check_average_weight(beta1, "beta1")
        beta2 = validation.check_average_weight(beta2, "beta2")
        epsilon = validation.check_epsilon(epsilon)
        t = validation.check_number(t, "t", 1, integer=True, note=" (the update step count)")
    parameters, v, s = dict(parameters), dict(v), dict(s)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below
        for key in nn.trainable_keys(parameters):
            g, dkey = grads[f"d{key}"], f"d{key}"
            v[dkey] = beta1 * v[dkey] + (1 - beta1) * g
            s[dkey] = beta2 * s[dkey] + (1 - beta2) * np.square(g)
            v_hat = v[dkey] / (1 - beta1**t)
            s_hat = s[dkey] / (1 - beta2**t)
            parameters[key] = parameters[key] - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
    validation.check_update_finite(parameters, v, s)
    return parameters, v, s


# --------------------------------------------------------------------------------------------
# model(): the training loop, and the named steps it calls
# --------------------------------------------------------------------------------------------

# What model() accepts, declared once and checked in one call before training (as
# scikit-learn's _parameter_constraints): each keyword argument and the values it may take.
_AVERAGE_WEIGHT = validation.number(0.0, 1.0, high_open=True)
_MODEL_CONSTRAINTS = {
    "optimizer": validation.one_of(OPTIMIZERS),
    "learning_rate": validation.number(0.0, low_open=True, optional=True),
    "num_epochs": validation.number(1, MAX_EPOCHS, integer=True),
    "mini_batch_size": lambda value, name: validation.check_mini_batch_size(value),
    "lambd": lambda value, name: validation.check_lambd(value),
    "keep_prob": lambda value, name: validation.check_keep_prob(value),
    "batch_norm": validation.flag(),
    "beta": _AVERAGE_WEIGHT,
    "beta1": _AVERAGE_WEIGHT,
    "beta2": _AVERAGE_WEIGHT,
    "epsilon": validation.number(0.0, low_open=True),
    "early_stopping": validation.number(1, integer=True, optional=True),
    "print_cost": validation.flag(),
    "print_every": validation.number(1, integer=True, optional=True),
    "progress": validation.flag(optional=True),
    "bn_momentum": _AVERAGE_WEIGHT,
    "bn_epsilon": validation.number(0.0, low_open=True),
    "initialization": validation.one_of(nn.INITIALIZATIONS),
}


def _prepare_inputs(X, Y, X_dev, Y_dev, layers_dims, dtype, standardize):
    """Check the data; return ``X, Y, dev, standardizer`` ready for training.

    ``X`` (and ``X_dev``) come back in ``dtype`` and in the speed path's layout (see
    ``_speed_path.training_layout``). With a standardizer they come back standardised: it is
    applied once here, not every step. ``dev`` is None or ``(X_dev, Y_dev, dev_labels)``, the
    last the ``(1, m_dev)`` class labels the dev accuracy compares with, found once here.
    """
    n_x = layers_dims[0]
    X = validation.check_X(X, n_x=n_x)
    dtype = X.dtype if dtype is None else validation.check_dtype(dtype)
    # Y: 0/1 for a sigmoid output; one-hot (K, m) for K classes, whichever form it came in.
    Y = validation.check_Y(Y, m=X.shape[1], dtype=dtype, num_classes=layers_dims[-1])
    standardize = validation.check_standardizer(standardize, n_x)
    X = _speed_path.training_layout(X, dtype)
    if isinstance(standardize, str):
        standardize = nn.fit_standardizer(X, per=standardize)
    if standardize is not None:
        standardize = {key: np.asarray(value, dtype) for key, value in standardize.items()}
        X = nn.standardize(X, standardize)
    dev = None
    if X_dev is not None:
        X_dev = validation.check_X(X_dev, n_x=n_x, name="X_dev")
        Y_dev = validation.check_Y(
            Y_dev, m=X_dev.shape[1], name="Y_dev", dtype=dtype, num_classes=layers_dims[-1]
        )
        X_dev = nn.standardize(_speed_path.training_layout(X_dev, dtype), standardize)
        dev = (X_dev, Y_dev, nn.probabilities_to_labels(Y_dev))  # Y_dev: 0/1 or one-hot
    return X, Y, dev, standardize


def _epoch_batches(m, batch_size, rng, batch_norm):
    """The mini-batches of one epoch: column indices, or one slice for full batch.

    With batch norm, a trailing batch of a single example (``m % batch_size == 1``) is merged
    into the batch before it: its variance would be 0, it would normalise to ``beta`` whatever
    the input, and it would drag the running variance towards 0 (measured: 0.966 instead of
    0.978 test accuracy on two moons of 705 examples in batches of 32).
    """
    if batch_size >= m:
        return [slice(None)]
    batches = _permuted_blocks(m, batch_size, rng)
    if batch_norm and len(batches[-1]) == 1:
        batches[-2:] = [np.concatenate(batches[-2:])]
    return batches


def _train_epoch(X, Y, batches, parameters, update, learning_rate, settings, rng):
    """One pass over the mini-batches: forward, cost, backward and an update for each.

    Returns:
        the epoch's training cost: the mean of the batch costs weighted by their sizes.
    """
    m = X.shape[1]
    keep_prob, bn = settings["keep_prob"], {k: settings[k] for k in ("bn_momentum", "bn_epsilon")}
    epoch_cost = 0.0
    for idx in batches:
        X_batch, Y_batch = X[:, idx], Y[:, idx]
        m_batch = Y_batch.shape[1]
        # Each batch estimates the cost J of the whole set, L2 term included, so its share of
        # the penalty lambd / (2m) ||W||^2 is lambd * m_batch / m (see model()'s docstring).
        lambd = settings["lambd"] * m_batch / m
        AL, caches = nn.forward_propagation(
            X_batch, parameters, keep_prob, rng=rng, check_input=False, **bn
        )
        cost = nn.compute_cost(AL, Y_batch, parameters, lambd, check_input=False)
        grads = nn.backward_propagation(AL, Y_batch, caches, lambd, keep_prob, check_input=False)
        parameters.update(caches["running_stats"])
        update(grads, learning_rate)
        epoch_cost += cost * m_batch
    return epoch_cost / m


def _trained_network(parameters, standardizer):
    """What model() returns: arrays of their own (not views into the optimiser's packed buffer),
    checked finite, with the standardizer the inputs were standardised with."""
    trained = {key: np.array(value) for key, value in parameters.items()}
    validation.check_trained_finite(trained)
    return {**trained, **(standardizer or {})}


def _new_history(has_dev):
    """The per-epoch record ``model()`` returns: lists of Python floats."""
    keys = ["cost", "learning_rate"] + (["dev_cost", "dev_accuracy"] if has_dev else [])
    return {key: [] for key in keys}


def _record_epoch(history, epoch_cost, learning_rate, parameters, dev):
    """Append the epoch's training cost, learning rate and, with a dev set, its dev scores."""
    history["cost"].append(float(epoch_cost))
    history["learning_rate"].append(float(learning_rate))
    if dev is not None:
        X_dev, Y_dev, dev_labels = dev
        probabilities = nn.predict_proba(X_dev, parameters, check_input=False)
        history["dev_cost"].append(nn.compute_cost(probabilities, Y_dev, check_input=False))
        correct = nn.probabilities_to_labels(probabilities) == dev_labels
        history["dev_accuracy"].append(float(np.mean(correct)))


class _EarlyStopping:
    """Stop after ``patience`` epochs without a lower dev cost; keep the best parameters."""

    def __init__(self, patience):
        self.patience = patience
        self.best_cost, self.best_parameters, self.epochs_without_improvement = math.inf, None, 0

    def should_stop(self, history, parameters):
        if self.patience is None:
            return False
        if history["dev_cost"][-1] < self.best_cost:
            self.best_cost, self.epochs_without_improvement = history["dev_cost"][-1], 0
            # The optimiser updates the arrays in place: keep a copy of the best.
            self.best_parameters = {key: value.copy() for key, value in parameters.items()}
        else:
            self.epochs_without_improvement += 1
        return self.epochs_without_improvement >= self.patience

    def parameters(self, parameters):
        """The parameters to return: the best epoch's, or the last ones without patience."""
        return parameters if self.patience is None else self.best_parameters


class _Progress:
    """What ``model()`` shows while it trains: the cost every ``print_every`` epochs (by default
    about ten lines), and a tqdm progress bar (``tqdm.auto``: a widget in Jupyter, a text bar in
    a terminal; by default shown when the cost is printed and the bar can redraw itself in
    place: in a log file or a pipe its redraws would pile up between the printed costs)."""

    def __init__(self, settings):
        self.num_epochs, self.print_cost = settings["num_epochs"], settings["print_cost"]
        self.print_every = settings["print_every"] or max(1, self.num_epochs // 10)
        self.show_bar = settings["progress"]
        if self.show_bar is None:
            in_place = tqdm.__module__ == "tqdm.notebook" or _is_terminal(sys.stderr)
            self.show_bar = self.print_cost and in_place
        self.bar = None

    def __enter__(self):
        self.bar = tqdm(total=self.num_epochs, unit="epoch", disable=not self.show_bar)
        return self

    def __exit__(self, *exc_info):
        self.bar.close()

    def epoch_done(self, epoch, history):
        last = epoch == self.num_epochs - 1
        if self.print_cost and (epoch % self.print_every == 0 or last):
            message = f"Cost after epoch {epoch}: {history['cost'][-1]:.6f}"
            if "dev_cost" in history:
                message += (
                    f", dev cost {history['dev_cost'][-1]:.6f}, "
                    f"dev accuracy {history['dev_accuracy'][-1]:.3f}"
                )
            self.bar.write(message)
        if self.show_bar:
            self.bar.set_postfix(cost=f"{history['cost'][-1]:.4f}", refresh=False)
            self.bar.update()

    def early_stop(self, epoch, best_cost):
        if self.print_cost:
            self.bar.write(f"Early stopping after epoch {epoch}: best dev cost {best_cost:.6f}")


def _is_terminal(stream):
    """Whether ``stream`` is an interactive terminal (False for None, files and pipes)."""
    return bool(getattr(stream, "isatty", None) and stream.isatty())


def _schedule(settings, decay, decay_rate, decay_every):
    """The learning rate of each epoch: ``alpha_0`` (the optimiser's default if None), decayed."""
    alpha_0 = settings["learning_rate"] or DEFAULT_LEARNING_RATES[settings["optimizer"]]
    return learning_rate_schedule(alpha_0, decay, decay_rate, decay_every)


def _moments(settings):
    """The optimiser's averaging settings: ``beta``, ``beta1``, ``beta2`` and ``epsilon``."""
    return {key: settings[key] for key in ("beta", "beta1", "beta2", "epsilon")}


def _seed_sequences(seed):
    """The two independent seeds ``model()`` draws from ``seed`` (an int, or a Generator that
    gives one): one for the initial weights, one for shuffling and dropout."""
    if isinstance(seed, np.random.Generator):
        seed = int(seed.integers(2**63))
    seed = validation.check_number(seed, "seed", 0, integer=True)
    return np.random.SeedSequence(seed).spawn(2)


def initial_parameters(layers_dims, seed=0, batch_norm=False, dtype=np.float64, *,
                       initialization="he"):  # fmt: skip
    """The network that ``model(..., seed=seed, initialization=...)`` starts from.

    ``trained["W1"] - initial_parameters(...)["W1"]`` is what training changed.
    """
    initialization = _MODEL_CONSTRAINTS["initialization"](initialization, "initialization")
    init_seed, _ = _seed_sequences(seed)
    return nn.initialize_parameters(
        layers_dims, initialization, np.random.default_rng(init_seed), batch_norm, dtype
    )


def _initial_state(layers_dims, seed, batch_norm, dtype, initialization):
    """The initial parameters and the generator for shuffling and dropout, both from ``seed``."""
    _, train_seed = _seed_sequences(seed)
    parameters = initial_parameters(
        layers_dims, seed, batch_norm, dtype, initialization=initialization
    )
    return parameters, np.random.default_rng(train_seed)


@validation.guide_course_calls
def model(X, Y, layers_dims, *, optimizer="adam", learning_rate=None, num_epochs=100,
          mini_batch_size=64, lambd=0.0, keep_prob=1.0, batch_norm=False, beta=0.9, beta1=0.9,
          beta2=0.999, epsilon=1e-8, decay=None, decay_rate=None, decay_every=None, X_dev=None,
          Y_dev=None, early_stopping=None, standardize=None, seed=0, print_cost=False,
          print_every=None, progress=None, dtype=None, bn_momentum=nn.BN_MOMENTUM,
          bn_epsilon=nn.BN_EPSILON, initialization="he"):  # fmt: skip
    """Train an L-layer network ``[LINEAR -> (BN) -> RELU -> (DROPOUT)] * (L-1) -> OUTPUT``.

    Args:
        X: ``(n_x, m)`` training inputs; layers_dims: ``[n_x, ..., n_L]``. ``n_L = 1``: a sigmoid
            output and ``Y`` ``(1, m)`` 0/1 labels; ``n_L = K >= 2``: a softmax over K classes
            and ``Y`` ``(1, m)`` labels ``0..K-1`` or one-hot ``(K, m)``.
        optimizer: ``"gd"``, ``"momentum"`` (``beta``), ``"rmsprop"`` (``beta2``, ``epsilon``)
            or ``"adam"`` (``beta1``, ``beta2``, ``epsilon``); learning_rate: ``alpha_0``, None
            for ``DEFAULT_LEARNING_RATES[optimizer]``.
        num_epochs, mini_batch_size: passes over the data, and examples per update (None: all).
        lambd: L2 strength of the cost ``J`` on the whole set (a mini-batch of ``m_b`` examples
            uses ``lambd * m_b / m``); keep_prob: dropout's keep probability (1: none).
        batch_norm: batch-normalise the hidden layers (``bn_momentum``, ``bn_epsilon``).
        decay: None; a rate ``r``: ``alpha_0 / (1 + r * epoch)`` (``decay_every=k``: ``r *
            floor(epoch / k)``); or a function called the Coursera way, ``decay(alpha_0, epoch,
            decay_rate)``, such as ``update_lr`` (``decay_rate`` defaults to 1).
        X_dev, Y_dev: a dev set scored after every epoch; early_stopping: stop after this many
            epochs without a lower dev cost and return the best epoch's parameters.
        standardize: None, ``"feature"`` or ``"channel"`` (fit ``nn.fit_standardizer`` on ``X``),
            or a fitted standardizer: the returned network holds it and takes raw inputs.
        seed: an int or Generator: the same seed gives a bit-for-bit identical run.
        initialization: ``"he"``, ``"random"`` (the course's ``N(0, 1) * 10``) or ``"zeros"``.
        print_cost: print the cost every ``print_every`` epochs (default: about 10 lines);
            progress: a tqdm bar (default: when ``print_cost``); dtype: float64 or float32 (None:
            ``X``'s, float64 for integers), kept end to end.

    Returns:
        ``(parameters, history)``: the trained network (running statistics included), and
        per-epoch lists of floats: ``"cost"`` (the training cost with its L2 term and dropout,
        the batch costs' mean weighted by size), ``"learning_rate"``, and with a dev set
        ``"dev_cost"`` (no L2, no dropout) and ``"dev_accuracy"``. No timings: time the call.
        Raises FloatingPointError when the cost becomes NaN or infinite (alpha too large).
    """
    layers_dims = validation.check_layers_dims(layers_dims)
    settings = validation.check_arguments(_MODEL_CONSTRAINTS, locals())
    schedule = _schedule(settings, decay, decay_rate, decay_every)
    validation.check_dev_set(X_dev, Y_dev, early_stopping)
    X, Y, dev, standardizer = _prepare_inputs(X, Y, X_dev, Y_dev, layers_dims, dtype, standardize)
    batch_size = validation.check_batch_size(settings["mini_batch_size"], X.shape[1], batch_norm)
    parameters, rng = _initial_state(layers_dims, seed, batch_norm, X.dtype, initialization)
    update = _speed_path.InPlaceOptimizer(optimizer, parameters, **_moments(settings))
    history, stopping = _new_history(dev is not None), _EarlyStopping(early_stopping)
    with _Progress(settings) as progress_bar, np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(num_epochs):
            alpha = schedule(epoch)
            batches = _epoch_batches(X.shape[1], batch_size, rng, batch_norm)
            cost = _train_epoch(X, Y, batches, parameters, update, alpha, settings, rng)
            validation.check_training_finite(cost, parameters, epoch, alpha)  # inf/NaN: stop
            _record_epoch(history, cost, alpha, parameters, dev)
            progress_bar.epoch_done(epoch, history)
            if stopping.should_stop(history, parameters):
                progress_bar.early_stop(epoch, stopping.best_cost)
                break
    return _trained_network(stopping.parameters(parameters), standardizer), history


# The keyword arguments of model() and their defaults: what a configuration of model_selection
# may set, and what train_seeds assumes for the options it is not given.
_MODEL_DEFAULTS = {
    name: p.default
    for name, p in inspect.signature(model).parameters.items()
    if p.kind is p.KEYWORD_ONLY
}
MODEL_OPTIONS = tuple(_MODEL_DEFAULTS)


def train_seeds(X, Y, layers_dims, seeds=range(5), **options):
    """``[model(X, Y, layers_dims, seed=s, **options) for s in seeds]``: one network per seed.

    Seeds of a full-batch run (``mini_batch_size=None``) without batch norm, dropout, a dev
    set or printing all multiply the same ``X`` at every step: they are then trained together,
    their first layers stacked into one product per step (``_speed_path.train_together``;
    plain gradient descent without L2 works in the span of the examples, which for the cat
    images' 12288 pixels is much faster). The results equal separate training to rounding.

    Returns:
        a list of ``(parameters, history)``, one per seed, in the order of ``seeds``.
    """
    seeds = validation.check_seeds(seeds)
    if not _trainable_together(options):
        return [model(X, Y, layers_dims, seed=seed, **options) for seed in seeds]
    layers_dims = validation.check_layers_dims(layers_dims)
    settings = validation.check_arguments(_MODEL_CONSTRAINTS, {**_MODEL_DEFAULTS, **options})
    schedule = _schedule(settings, *(options.get(key) for key in _DECAY_KEYS))
    X, Y, _, standardizer = _prepare_inputs(
        X, Y, None, None, layers_dims, options.get("dtype"), options.get("standardize")
    )
    networks = [
        initial_parameters(
            layers_dims, seed, False, X.dtype, initialization=settings["initialization"]
        )
        for seed in seeds
    ]
    rates = [schedule(epoch) for epoch in range(settings["num_epochs"])]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is reported below
        costs = _speed_path.train_together(
            X, Y, networks, settings["optimizer"], rates, settings["lambd"], **_moments(settings)
        )
    return [
        (
            _trained_network(_finite_run(p, c, rates), standardizer),
            {"cost": c, "learning_rate": rates},
        )
        for p, c in zip(networks, costs, strict=True)
    ]


_DECAY_KEYS = ("decay", "decay_rate", "decay_every")


def _trainable_together(options):
    """Whether seeds of ``model(**options)`` see the same batch at every step and nothing that
    differs between seeds but the initial weights: full batch, no batch norm, no dropout."""
    unknown = [key for key in options if key not in MODEL_OPTIONS or key == "seed"]
    if unknown:
        raise TypeError(f"train_seeds got options that model() does not take: {unknown}")
    return (
        "mini_batch_size" in options
        and options["mini_batch_size"] is None
        and not options.get("batch_norm")
        and options.get("keep_prob", 1.0) == 1.0
        and options.get("X_dev") is None
        and options.get("early_stopping") is None
        and not options.get("print_cost")
        and not options.get("progress")
    )


def _finite_run(parameters, costs, learning_rates):
    """``parameters`` after checking that no epoch's cost became NaN or inf."""
    for epoch, (cost, rate) in enumerate(zip(costs, learning_rates, strict=True)):
        validation.check_training_finite(cost, parameters, epoch, rate)
    return parameters


def __getattr__(name):
    """``nno.update_parameters`` and the course's other names: an error that names ours; and
    ``nno.predict``, a name of the network's math: an error that says where it is."""
    raise validation.course_name_error(__name__, name, neighbour=nn)
