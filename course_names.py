"""The names of the Coursera assignments' functions, and what this library calls them.

Accessing one of them on ``neural_network`` or ``neural_net_optimized`` (``nn.L_model_forward``)
raises an AttributeError that says what to call instead (their module ``__getattr__`` asks
:func:`course_name_error`). No aliases: one name for each function.
"""

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
}


def course_name_error(module, name):
    """The AttributeError for ``module.name``: what this library calls a course's function."""
    if name in COURSE_NAMES:
        return AttributeError(
            f"module {module!r} has no attribute {name!r}. The course's {name} is, in this "
            f"library: {COURSE_NAMES[name]} (see README, 'Coming from the course')"
        )
    return AttributeError(f"module {module!r} has no attribute {name!r}")
