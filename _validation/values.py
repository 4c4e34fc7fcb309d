"""Checks of single values, and how every message shows what it refuses.

A number in a range, a flag, a dtype, a name among choices, a dict with its keys, a path; the
declared constraints of a function (a table of argument -> allowed values, checked in one
call); and :func:`describe`, which shows a refused value by its type, dtype and shape, never an
array's contents.
"""

import math
import os
from pathlib import Path

import numpy as np

_SHOWN = 60  # characters of a refused number or text that a message quotes


def describe(value):
    """How a message shows a refused value: a short number or text, None or a bool as itself; an
    array by its dtype and shape; a list, tuple, dict or set by its length; anything else (a long
    text or number included) by its type and size."""
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return f"a {type(value).__name__} of length {len(value)}"
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes, np.generic)):
        text = repr(value)
        if len(text) <= _SHOWN:
            return text
        return f"a value of type {type(value).__name__} ({len(text)} characters long)"
    return f"an object of type {type(value).__name__}"


def _typed(value):
    """``describe(value)``, with the type after a value shown as itself: ``'abc' (str)``."""
    shown = describe(value)
    return f"{shown} ({type(value).__name__})" if shown == repr(value) else shown


def _expected_range(low, high, low_open, high_open, integer):
    """The words for a range: ``in (0, 1]``, ``a finite number >= 0``, ``an integer >= 1``."""
    if low is not None and high is not None:
        return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    kind = "an integer" if integer else "a finite number"
    if low is not None:
        return f"{kind} {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"{kind} {'<' if high_open else '<='} {high:g}"
    return kind


def check_number(
    value, name, low=None, high=None, *, low_open=False, high_open=False, integer=False, note=""
):
    """Return ``value`` as a Python ``float`` (``int`` with ``integer=True``), or raise.

    A number is a Python or NumPy real scalar: not a bool, a complex number, a string, an array
    or None (TypeError). It must be finite and lie between ``low`` and ``high``, each bound
    included unless ``low_open``/``high_open`` (ValueError). ``note`` is appended to the message.
    """
    kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, kinds):
        kind = "an integer" if integer else "a real number"
        raise TypeError(f"{name} must be {kind}, got {_typed(value)}")
    try:
        number = int(value) if integer else float(value)
    except OverflowError:  # an int of hundreds of digits has no float
        number = math.inf
    too_low = low is not None and (number < low or (low_open and number == low))
    too_high = high is not None and (number > high or (high_open and number == high))
    if too_low or too_high or (not integer and not math.isfinite(number)):
        expected = _expected_range(low, high, low_open, high_open, integer)
        raise ValueError(f"{name} must be {expected}{note}, got {describe(value)}")
    return number


def check_flag(value, name):
    """Return ``value`` as a Python bool: only True or False (or NumPy's), nothing truthy."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def check_real_array(array, name):
    """``array`` as an ndarray of real numbers (bool, integer or float), or a TypeError."""
    if isinstance(array, (str, bytes, dict)) or array is None:
        raise TypeError(f"{name} must be a numeric array, got {type(array).__name__}")
    try:
        array = np.asarray(array)
    except ValueError as error:  # a ragged nested list
        raise TypeError(f"{name} must be a numeric array, got a ragged sequence: {error}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric array of real numbers, got dtype {array.dtype}")
    return array


def as_generator(rng, name="rng"):
    """Accept a ``numpy.random.Generator``, an integer seed >= 0, or None (fresh entropy)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is not None:
        check_number(rng, name, 0, integer=True)
    return np.random.default_rng(rng)


def check_dtype(dtype, name="dtype"):
    """``dtype`` as ``np.dtype``: float32 or float64 only (the two the library computes in)."""
    try:
        checked = np.dtype(dtype)
    except Exception:  # np.dtype("0:") is a ValueError, np.dtype("01") a SyntaxError
        checked = None
    if dtype is None or checked not in (np.float32, np.float64):
        raise TypeError(f"{name} must be np.float32 or np.float64, got {describe(dtype)}")
    return checked


def check_positive(value, name, integer=False):
    """A number ``> 0`` (an integer with ``integer=True``)."""
    return check_number(value, name, 0, low_open=True, integer=integer)


def check_average_weight(value, name):
    """An exponential-average weight such as ``beta``: a number in [0, 1)."""
    return check_number(value, name, 0.0, 1.0, high_open=True)


def check_epsilon(epsilon, name="epsilon"):
    return check_number(epsilon, name, 0.0, low_open=True)


# --------------------------------------------------------------------------------------------
# Declared constraints: a table of argument -> allowed values, checked in one call
# --------------------------------------------------------------------------------------------


def number(low=None, high=None, *, optional=False, **bounds):
    """A constraint: a number between ``low`` and ``high`` (see :func:`check_number`), or None
    too with ``optional=True``."""

    def check(value, name):
        if optional and value is None:
            return None
        return check_number(value, name, low, high, **bounds)

    return check


def flag(*, optional=False):
    """A constraint: True or False, or None too with ``optional=True``."""
    return lambda value, name: None if optional and value is None else check_flag(value, name)


def one_of(choices):
    """A constraint: one of ``choices`` (strings)."""

    def check(value, name):
        if not isinstance(value, str) or value not in choices:
            raise ValueError(f"{name} must be one of {tuple(choices)}, got {describe(value)}")
        return value

    return check


def check_arguments(constraints, arguments):
    """``{name: checked value}`` for every name of ``constraints`` (a table name -> constraint,
    as scikit-learn's ``_parameter_constraints``), taking the values from ``arguments`` (a
    function's ``locals()``)."""
    return {name: check(arguments[name], name) for name, check in constraints.items()}


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def check_path(path, name="path"):
    """``path`` as a Path (``~`` expanded), or a TypeError/ValueError/FileNotFoundError."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or a path, got {type(path).__name__}")
    if "\0" in os.fspath(path):
        raise ValueError(f"{name} must not contain a NUL character, got {path!r}")
    try:
        return Path(path).expanduser()
    except RuntimeError as error:  # "~nobody/..." for a user that does not exist
        raise FileNotFoundError(f"cannot expand the {name} '{path}': {error}") from None


# --------------------------------------------------------------------------------------------
# Model selection and the cat experiment
# --------------------------------------------------------------------------------------------


def check_scalar(value, name, expected):
    """Refuse an array or a container where one value is ``expected`` (a TypeError naming
    ``name``), so that a check that quotes the value whole never sees one; return ``value``."""
    if isinstance(value, (np.ndarray, list, tuple, dict, set, frozenset)):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}")
    return value


def check_choice(value, name, choices):
    """``value`` must be one of ``choices`` (names, or None): a ValueError for another name, a
    TypeError for what is not a name at all (a list, an array: nothing ``in`` could test)."""
    if any(value is choice or (isinstance(value, str) and value == choice) for choice in choices):
        return value
    error = ValueError if value is None or isinstance(value, (str, int, float)) else TypeError
    raise error(f"{name} must be one of {tuple(choices)}, got {describe(value)}")


def check_dict(value, name, required=(), what="a dict", note=""):
    """``value`` must be a dict (TypeError) holding every key of ``required`` (ValueError)."""
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be {what}, got {describe(value)}")
    missing = [key for key in required if key not in value]
    if missing:
        raise ValueError(f"{name} is missing {missing}{note}")
    return value


def check_keys(value, name, allowed):
    """Every key of the dict ``value`` must be one of ``allowed``; the message shows up to three
    of the others."""
    unknown = [key for key in value if key not in allowed]
    if unknown:
        shown = ", ".join(describe(key) for key in unknown[:3])
        more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
        raise ValueError(f"{name} has unknown keys [{shown}]{more}; allowed are {tuple(allowed)}")
    return value


def check_part(check, value, name, *args, **kwargs):
    """``check(value, *args, **kwargs)``, a check whose messages name its own argument (``config``,
    ``parameters``), run on a part of a bigger argument: its message is put after ``name``
    (``record['chosen']: config['hidden'][0] must be ...``)."""
    try:
        return check(value, *args, **kwargs)
    except (TypeError, ValueError) as error:
        kind = TypeError if isinstance(error, TypeError) else ValueError
        raise kind(f"{name}: {error}") from None
