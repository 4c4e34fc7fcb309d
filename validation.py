"""Input validation: every check of the library, in one room.

Each ``check_*`` function takes an argument as a user gave it and returns it in the form the
math expects, or raises a ``TypeError`` or ``ValueError`` that names the argument, says what was
expected and, where there is one, the way out. The math modules call these at their public
edges (a line or two at the top of a function) and then do the math; ``model()`` checks
everything once before training and calls the math with ``check_input=False`` inside its loop.

One rule, one message, one place: a rule that two modules need (a dtype, "feature" or
"channel", a parameters dict) is written here once. Messages give an array's type, dtype and
shape, never its contents.

Every check is called as ``validation.check_X``: this module is the room's door. The checks
themselves stand on three shelves in the private package ``_validation``, each importing only
the ones before it:

* ``_validation/values.py``: single values (numbers, flags, dtypes, names, dicts, paths),
  declared constraints, and ``describe``, how a message shows what it refuses;
* ``_validation/network.py``: what the network's math takes (``X``, ``Y``, probabilities,
  ``parameters``, caches, the arguments of the passes, the cost and the gradient check);
* ``_validation/training.py``: how it is trained and chosen (optimiser states, decay,
  ``model()``'s settings, batch sizes, divergence, a search's trials).
"""

from _validation.network import (  # noqa: F401  (the door: re-exported for validation.check_*)
    BATCHNORM_KEYS,
    MIN_KEEP_PROB,
    RUNNING,
    STANDARDIZE_PER,
    STANDARDIZER_KEYS,
    TRAINABLE,
    check_backward_inputs,
    check_caches,
    check_class_labels,
    check_cost_inputs,
    check_forward_inputs,
    check_gradient_check_inputs,
    check_gradient_check_settings,
    check_gradients_finite,
    check_initialization,
    check_keep_prob,
    check_lambd,
    check_layers_dims,
    check_network,
    check_num_classes,
    check_output_finite,
    check_parameter_arrays,
    check_parameters,
    check_parameters_dict,
    check_probabilities,
    check_scores_to_label,
    check_standardizer_fit,
    check_threshold,
    check_tta,
    check_unsaturated,
    check_X,
    check_Y,
    has_standardizer,
    network_depth,
    trainable_keys,
    uses_batchnorm,
)
from _validation.training import (  # noqa: F401  (the door: re-exported for validation.check_*)
    FULL_BATCH_NOTE,
    check_batch_size,
    check_decay,
    check_decay_arguments,
    check_decayed_learning_rate,
    check_dev_set,
    check_mini_batch_size,
    check_seeds,
    check_standardizer,
    check_state_dict,
    check_trained_finite,
    check_training_finite,
    check_trials,
    check_update_finite,
    check_update_inputs,
)
from _validation.values import (  # noqa: F401  (the door: re-exported for validation.check_*)
    as_generator,
    check_arguments,
    check_average_weight,
    check_choice,
    check_dict,
    check_dtype,
    check_epsilon,
    check_flag,
    check_keys,
    check_number,
    check_part,
    check_path,
    check_positive,
    check_real_array,
    check_scalar,
    describe,
    flag,
    number,
    one_of,
)
from course_names import course_name_error, guide_course_calls  # noqa: F401
