"""More training images for free: mirror images, small shifts, and class balancing.

Each function takes images flattened one per column, ``X: (n_x, m)`` with ``n_x = H * W * C``
in (H, W, C) order (as ``cat_data.flatten_and_scale`` makes them), and labels ``Y: (1, m)``.
A mirrored or slightly moved cat is still a cat, so augmented copies keep their labels.

Augment the *training* part only, after the data has been split: a mirrored copy of a dev image
in the training set would let the dev score measure memory instead of generalisation. The
functions are stateless and seeded; none modifies its arguments.

Named augmentations, as the command line and :func:`model_selection.random_search` take them:
steps joined by ``+``, applied in the order flips, shifts, balance. ``"none"`` is no
augmentation, and ``"balanced-flips"`` is the older name of ``"flips+balance"``.
"""

import numpy as np

import validation

IMAGE_SHAPE = (64, 64, 3)
AUGMENTATION_STEPS = ("flips", "shifts", "balance")
ALIASES = {"none": "", "balanced-flips": "flips+balance"}
SHIFT_COPIES = 1  # shifted copies of every image (and mirror image) that "shifts" adds
MAX_SHIFT = 4  # pixels, in each direction
SHIFT_MODES = ("edge", "reflect")


def _check_images(X, Y, image_shape):
    """``X`` as a floating ``(n_x, m)`` array matching ``image_shape``, and ``Y`` as ``(1, m)``."""
    X = validation.check_X(X)
    if Y is not None:
        Y = validation.check_Y(Y, m=X.shape[1], dtype=None)
    if (
        not isinstance(image_shape, tuple)
        or len(image_shape) != 3
        or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_)) and n > 0
            for n in image_shape
        )
    ):
        raise ValueError(f"image_shape must be a tuple (H, W, C) of sizes, got {image_shape!r}")
    n_x = int(np.prod(image_shape))
    if X.shape[0] != n_x:
        raise ValueError(
            f"X has {X.shape[0]} rows but image_shape {tuple(image_shape)} needs {n_x}."
        )
    return X, Y


def _images(X, image_shape):
    """The ``(m, H, W, C)`` view of the columns of ``X``."""
    return X.T.reshape(X.shape[1], *image_shape)


def _columns(images):
    """Back from ``(m, H, W, C)`` to one flattened image per column, ``(n_x, m)``."""
    return images.reshape(images.shape[0], -1).T


def mirror_images(X, image_shape=IMAGE_SHAPE):
    """Each column's image flipped left to right (along its width), ``(n_x, m)``."""
    X, _ = _check_images(X, None, image_shape)
    return np.ascontiguousarray(_columns(_images(X, image_shape)[:, :, ::-1, :]))


def shift_images(X, shifts, image_shape=IMAGE_SHAPE, mode="edge"):
    """Move image ``i`` down by ``shifts[i, 0]`` and right by ``shifts[i, 1]`` pixels.

    ``out[y, x] = image[y - dy, x - dx]`` wherever that pixel exists; the strip uncovered at the
    border is filled by repeating the edge pixels (``mode="edge"``) or by mirroring the image
    at its border (``"reflect"``), so no black bars appear that a network could learn.

    Args:
        X: ``(n_x, m)``; shifts: ``(m, 2)`` integers ``(dy, dx)``, negative for up or left.

    Returns:
        ``(n_x, m)``, a new array.
    """
    X, _ = _check_images(X, None, image_shape)
    shifts = validation.check_real_array(shifts, "shifts")
    if shifts.shape != (X.shape[1], 2) or shifts.dtype.kind not in "iu":
        raise ValueError(f"shifts must be ({X.shape[1]}, 2) integers (dy, dx), got {shifts.shape}")
    _check_mode(mode)
    # In int64, so that the most negative int8 has an absolute value.
    shifts = shifts.astype(np.int64)
    k = int(np.abs(shifts).max(initial=0))
    if k >= min(image_shape[:2]):
        raise ValueError(f"shifts must be smaller than the image, got {k} for {image_shape}")
    images = _images(X, image_shape)
    padded = np.pad(images, ((0, 0), (k, k), (k, k), (0, 0)), mode=mode)
    height, width = image_shape[:2]
    moved = np.empty_like(images)
    for i, (dy, dx) in enumerate(shifts):
        moved[i] = padded[i, k - dy : k - dy + height, k - dx : k - dx + width]
    return np.ascontiguousarray(_columns(moved))


def _check_mode(mode):
    if not isinstance(mode, str) or mode not in SHIFT_MODES:
        raise ValueError(f"mode must be one of {SHIFT_MODES}, got {mode!r}")


def _check_shift_settings(copies, max_shift, seed, mode, image_shape):
    """The settings of :func:`augment_with_shifts`, checked: ``(copies, max_shift, seed)``."""
    copies = validation.check_number(copies, "copies", 0, integer=True)
    max_shift = validation.check_number(max_shift, "max_shift", 0, integer=True)
    if max_shift >= min(image_shape[:2]):
        raise ValueError(
            f"max_shift must be smaller than the image ({image_shape[0]} x {image_shape[1]}), "
            f"got {max_shift}"
        )
    _check_mode(mode)
    return copies, max_shift, validation.check_number(seed, "seed", 0, integer=True)


def augment_with_flips(X, Y, image_shape=IMAGE_SHAPE):
    """Double a training set: the ``m`` columns followed by their ``m`` mirror images.

    Returns:
        X_aug: ``(n_x, 2m)``; Y_aug: ``(1, 2m)``, the labels repeated in the same order.
    """
    X, Y = _check_images(X, Y, image_shape)
    return np.concatenate([X, mirror_images(X, image_shape)], axis=1), np.concatenate([Y, Y], 1)


def augment_with_shifts(
    X, Y, copies=SHIFT_COPIES, max_shift=MAX_SHIFT, *, seed=0, mode="edge", image_shape=IMAGE_SHAPE
):
    """Add ``copies`` randomly shifted copies of every image.

    Each copy moves each image by ``(dy, dx)`` drawn uniformly from ``-max_shift..max_shift``
    (see :func:`shift_images`): a cat a few pixels to the left is still a cat, and the network
    sees it at more than one place.

    Returns:
        X_aug: ``(n_x, (1 + copies) m)``, the originals first; Y_aug: the labels, in order.
    """
    X, Y = _check_images(X, Y, image_shape)
    copies, max_shift, seed = _check_shift_settings(copies, max_shift, seed, mode, image_shape)
    rng = np.random.default_rng(seed)
    parts = [X]
    for _ in range(copies):
        shifts = rng.integers(-max_shift, max_shift + 1, size=(X.shape[1], 2))
        parts.append(shift_images(X, shifts, image_shape, mode))
    return np.concatenate(parts, axis=1), np.concatenate([Y] * (1 + copies), axis=1)


def balance_classes(X, Y):
    """Repeat examples of the rarer class until both classes are equally frequent.

    About a third of the training images are cats (72 of 209), so a network trained on them
    as they are learns that "non-cat" is the safer guess: answering "non-cat" for everything
    is already right 66% of the time. On the balanced set that prior is gone, and the network
    must tell the classes apart, which is what balanced accuracy (the selection metric) scores.
    The rarer class's columns are cycled through in order, so the result is deterministic.

    Returns:
        X_bal, Y_bal: the original columns followed by the repeated ones, ``(n_x, m + extra)``.
    """
    X = validation.check_X(X)
    Y = validation.check_Y(Y, m=X.shape[1], dtype=None)
    members = [np.flatnonzero(Y[0] == c) for c in (0, 1)]
    rare, common = sorted(members, key=len)
    if len(rare) == 0:
        return X.copy(), Y.copy()
    extra = np.resize(rare, len(common) - len(rare))
    return np.concatenate([X, X[:, extra]], axis=1), np.concatenate([Y, Y[:, extra]], axis=1)


def augment_balanced_flips(X, Y, image_shape=IMAGE_SHAPE):
    """:func:`augment_with_flips`, then :func:`balance_classes` (``"flips+balance"``)."""
    return balance_classes(*augment_with_flips(X, Y, image_shape))


def augmentation_steps(spec):
    """The steps of a named augmentation, in the order they are applied.

    ``"flips+shifts+balance"`` gives ``("flips", "shifts", "balance")``; ``"none"`` gives ``()``.
    Raises ValueError for an unknown step or a repeated one.
    """
    if not isinstance(spec, str):
        raise TypeError(f"augment must be a name such as 'flips+shifts+balance', got {spec!r}")
    steps = ALIASES.get(spec, spec).split("+") if spec != "none" else []
    unknown = [step for step in steps if step not in AUGMENTATION_STEPS]
    if unknown or len(set(steps)) != len(steps):
        raise ValueError(
            f"augment must be 'none' or steps from {AUGMENTATION_STEPS} joined by '+', "
            f"such as 'flips+shifts+balance', or 'balanced-flips'; got {spec!r}"
        )
    return tuple(step for step in AUGMENTATION_STEPS if step in steps)


def augment(
    X, Y, spec, *, seed=0, shift_copies=SHIFT_COPIES, max_shift=MAX_SHIFT, image_shape=IMAGE_SHAPE
):
    """Apply a named augmentation (see the module docstring) to a training set.

    ``"shifts"`` adds ``shift_copies`` copies moved by up to ``max_shift`` pixels (of the mirror
    images too, after ``"flips"``), drawn with ``seed``. Returns ``(X_aug, Y_aug)``; with
    ``"none"``, copies of ``X`` and ``Y``.
    """
    steps = augmentation_steps(spec)
    X, Y = _check_images(X, Y, image_shape)
    for name, value in (("shift_copies", shift_copies), ("max_shift", max_shift), ("seed", seed)):
        validation.check_number(
            value, name, 0, integer=True
        )  # checked even where "shifts" is not asked
    if "flips" in steps:
        X, Y = augment_with_flips(X, Y, image_shape)
    if "shifts" in steps:
        X, Y = augment_with_shifts(
            X, Y, shift_copies, max_shift, seed=seed, image_shape=image_shape
        )
    if "balance" in steps:
        X, Y = balance_classes(X, Y)
    return (X, Y) if steps else (X.copy(), Y.copy())
