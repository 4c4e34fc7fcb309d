"""The names of the Coursera assignments' functions, and what this library calls them.

Accessing one of them on ``neural_network`` or ``neural_net_optimized`` (``nn.L_model_forward``)
raises an AttributeError that says what to call instead (their module ``__getattr__`` asks
:func:`course_name_error`). No aliases: one name for each function. The course's calls of
``model()`` (``num_iterations=``, the optimiser as a fourth positional argument) get the same
kind of guidance from :func:`guide_course_calls`.
"""

import functools
import inspect

COURSE_NAMES = {
    "initialize_parameters_deep": "initialize_parameters(layers_dims) (He initialisation by "
    "default; method='random' or 'zeros' for the initialisation lesson)",
    "L_model_forward": "forward_propagation(X, parameters), which returns (AL, caches) with "
    "caches a dict (caches['layers'] holds one cache per layer)",
    "L_model_backward": "backward_propagation(AL, Y, caches), which returns grads keyed "
    "'dW1', 'db1', ... (no 'dA' entries)",
    "linear_activation_forward": "linear_forward then relu_forward, sigmoid or softmax, or "
    "forward_propagation for the whole network",
    "linear_activation_backward": "relu_backward then linear_backward, or backward_propagation "
    "for the whole network",
    "sigmoid_backward": "backward_propagation, which starts from dZ_L = AL - Y",
    "relu": "relu_forward(Z), which returns (A, cache)",
    "update_parameters": "neural_net_optimized.update_parameters_with_gd(parameters, grads, "
    "learning_rate), which returns new parameters and leaves its arguments alone",
    "L_layer_model": "neural_net_optimized.model(X, Y, layers_dims, optimizer='gd', "
    "learning_rate=0.0075, num_epochs=2500, mini_batch_size=None), which returns "
    "(parameters, history)",
    "compute_cost_with_regularization": "compute_cost(AL, Y, parameters, lambd)",
    "backward_propagation_with_regularization": "backward_propagation(AL, Y, caches, lambd)",
    "forward_propagation_with_dropout": "forward_propagation(X, parameters, keep_prob)",
    "backward_propagation_with_dropout": "backward_propagation(AL, Y, caches, keep_prob=...)",
    "gradient_check_n": "gradient_check(X, Y, parameters)",
    "convert_to_one_hot": "one_hot(Y, num_classes)",
    # The course's training helpers, asked of the math module: they live in the trainer.
    "model": "neural_net_optimized.model(X, Y, layers_dims, ...)",
    "update_lr": "neural_net_optimized.update_lr",
    "schedule_lr_decay": "neural_net_optimized.schedule_lr_decay",
    "random_mini_batches": "neural_net_optimized.random_mini_batches",
    "initialize_adam": "neural_net_optimized.initialize_adam",
    "initialize_velocity": "neural_net_optimized.initialize_velocity",
    "update_parameters_with_adam": "neural_net_optimized.update_parameters_with_adam",
    "update_parameters_with_momentum": "neural_net_optimized.update_parameters_with_momentum",
    # The course's data loader.
    "load_data": "cat_data.load_cat_data() for the raw images and labels, then "
    "cat_data.flatten_and_scale(images) for the (12288, m) matrix",
}


def course_name_error(module, name, neighbour=None):
    """The AttributeError for ``module.name``: what this library calls a course's function, or
    that ``name`` lives in the ``neighbour`` module (``nno.predict``: ``nn.predict``)."""
    if name in COURSE_NAMES:
        return AttributeError(
            f"module {module!r} has no attribute {name!r}. The course's {name} is, in this "
            f"library: {COURSE_NAMES[name]} (see README, 'Coming from the course')"
        )
    if neighbour is not None and not name.startswith("_") and name in vars(neighbour):
        return AttributeError(
            f"module {module!r} has no attribute {name!r}: it is in {neighbour.__name__} "
            f"({neighbour.__name__}.{name})"
        )
    return AttributeError(f"module {module!r} has no attribute {name!r}")


# The course's keyword arguments of its training functions, and ours.
COURSE_KEYWORDS = {
    "num_iterations": "num_epochs here (with mini_batch_size=None, one epoch is one step of "
    "gradient descent, as in the course)",
}


def guide_course_calls(function):
    """Wrap ``function`` so that a call its signature refuses names the likely course habit.

    Only the binding of the arguments is checked here (``inspect.Signature.bind``, before the
    call); a TypeError raised inside the function passes through untouched.
    """
    signature = inspect.signature(function)
    kinds = [(name, p.kind) for name, p in signature.parameters.items()]
    positional = [name for name, kind in kinds if kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    keywords = [name for name, kind in kinds if kind is inspect.Parameter.KEYWORD_ONLY]

    @functools.wraps(function)
    def guided(*args, **kwargs):
        try:
            signature.bind(*args, **kwargs)
        except TypeError as error:
            hint = _course_call_hint(function.__name__, positional, keywords, args, error, kwargs)
            raise TypeError(hint) from None
        return function(*args, **kwargs)

    return guided


def _course_call_hint(name, positional, keywords, args, error, kwargs):
    """The message for a refused call: Python's own, then what the course's habit maps to."""
    course = [key for key in kwargs if key in COURSE_KEYWORDS]
    if course:
        return f"{name}(): {error}. The course's {course[0]} is {COURSE_KEYWORDS[course[0]]}"
    if len(args) > len(positional):
        return (
            f"{name}(): {error}. It takes {', '.join(positional)} by position and the rest by "
            f"keyword, e.g. {name}({', '.join(positional + [k + '=...' for k in keywords[:2]])})"
        )
    return f"{name}(): {error}"
