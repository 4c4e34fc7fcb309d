"""Loading and preparing the cat vs non-cat images.

The data
--------
Two HDF5 files from the week 4 assignment of the deeplearning.ai course "Neural Networks and
Deep Learning":

- ``train_catvnoncat.h5``: 209 RGB images of 64x64 pixels (72 of them cats), with 0/1 labels.
- ``test_catvnoncat.h5``: 50 images in the same format (33 of them cats).

Each file also stores the class names, ``[b'non-cat', b'cat']``, so label 1 means "cat".

Where the files are looked for
------------------------------
The files are not part of the repository. :func:`find_data_dir` looks for them in

1. the directory passed as ``data_dir`` (and nowhere else, if one is passed), or else
2. the directory named by the environment variable ``CAT_DATA_DIR``, if it is set, then
3. ``datasets/`` next to this file (git-ignored; ``make`` copies the files there).

The downloaded files are checked against the SHA-256 digests in :data:`SHA256`, so that a
truncated download or a different version of the data fails loudly instead of quietly
changing every result downstream.

Layout convention
-----------------
Images come off the disk as ``(m, 64, 64, 3)`` uint8 arrays: one example per row, in
(height, width, channel) order. The network, however, works with one example per *column*:
``X`` has shape ``(n_x, m)`` with ``n_x = 64 * 64 * 3 = 12288`` and labels ``Y`` have shape
``(1, m)``. :func:`flatten_and_scale` converts from the first layout to the second, and every
other function in this module takes and returns data in the column layout.
"""

import hashlib
import os
from pathlib import Path

import h5py
import numpy as np

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "datasets"
DATA_DIR_ENV = "CAT_DATA_DIR"
SHA256 = {
    "train_catvnoncat.h5": "fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242",
    "test_catvnoncat.h5": "6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951",
}

IMAGE_SHAPE = (64, 64, 3)
_FILE_FOR_SPLIT = {"train": "train_catvnoncat.h5", "test": "test_catvnoncat.h5"}


# ---------------------------------------------------------------------------------------------
# Step 1: finding the files
# ---------------------------------------------------------------------------------------------


def _how_to_get_the_files():
    """Return the paragraph, shared by every error message, that says how to get the data."""
    digests = "\n".join(f"  {name}  {digest}" for name, digest in SHA256.items())
    return (
        "The files are train_catvnoncat.h5 and test_catvnoncat.h5 from the week 4 assignment "
        'of the deeplearning.ai course "Neural Networks and Deep Learning". '
        f"Put them in {DEFAULT_DATA_DIR}, or point the environment variable {DATA_DIR_ENV} "
        "(or the data_dir argument) at the directory that holds them. "
        "See README.md, section 'Getting the data'.\n"
        f"Expected sha256:\n{digests}"
    )


def find_data_dir(data_dir=None):
    """Return the directory that holds both data files.

    Args:
        data_dir: a directory (str or path) to use. If given, it is the only place looked in.

    Returns:
        pathlib.Path of the first candidate directory holding both ``train_catvnoncat.h5`` and
        ``test_catvnoncat.h5``. The candidates are ``data_dir`` if given; otherwise
        ``$CAT_DATA_DIR`` (if set) followed by :data:`DEFAULT_DATA_DIR`.

    Raises:
        FileNotFoundError: no candidate holds both files. The message lists every directory
            looked in, what was missing from each, and how to get the files.
    """
    if data_dir is not None:
        # An explicit request should not be silently answered from somewhere else.
        candidates = [Path(data_dir).expanduser()]
    else:
        candidates = []
        from_env = os.environ.get(DATA_DIR_ENV)
        if from_env:
            candidates.append(Path(from_env).expanduser())
        candidates.append(DEFAULT_DATA_DIR)

    report = []
    for directory in candidates:
        missing = [name for name in SHA256 if not (directory / name).is_file()]
        if not missing:
            return directory
        where = str(directory) if directory.is_dir() else f"{directory} (does not exist)"
        report.append(f"  - {where}: missing {', '.join(missing)}")

    raise FileNotFoundError(
        f"Could not find {' and '.join(SHA256)} together in one directory. Looked in:\n"
        + "\n".join(report)
        + "\n"
        + _how_to_get_the_files()
    )


# ---------------------------------------------------------------------------------------------
# Step 2: reading and checking the files
# ---------------------------------------------------------------------------------------------


def _sha256_of(path):
    """Return the hex SHA-256 digest of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        # Reading in chunks keeps memory flat whatever the file size.
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _verify_checksum(path):
    """Raise ValueError unless the file at ``path`` has the digest listed in :data:`SHA256`."""
    path = Path(path)
    expected = SHA256[path.name]
    actual = _sha256_of(path)
    if actual != expected:
        raise ValueError(
            f"{path.name} in {path.parent} does not have the expected content: "
            f"expected sha256 {expected}, got sha256 {actual}. The file may be truncated, "
            "corrupted or a different dataset.\n" + _how_to_get_the_files()
        )


def _decode_class_names(raw):
    """Turn the stored class names (bytes, as h5py returns them) into a numpy array of str."""
    return np.array([c.decode("utf-8") if isinstance(c, bytes) else str(c) for c in raw])


def _load_split(path, prefix):
    """Read and check one split (train or test) from its HDF5 file.

    Args:
        path: the ``.h5`` file.
        prefix: ``"train"`` or ``"test"``; the file's keys are ``{prefix}_set_x``,
            ``{prefix}_set_y`` and ``list_classes``.

    Returns:
        images: (m, 64, 64, 3) uint8 array, as stored.
        labels: (1, m) int64 array of 0/1 labels.
        classes: (2,) array of str class names.

    Raises:
        ValueError: a key is missing, or the arrays do not have the expected shapes or values.
    """
    path = Path(path)
    x_key, y_key = f"{prefix}_set_x", f"{prefix}_set_y"

    with h5py.File(path, "r") as f:
        found = sorted(f.keys())
        for key in (x_key, y_key, "list_classes"):
            if key not in f:
                raise ValueError(
                    f"{path} has no key {key!r} (keys found: {found}); it does not look like "
                    f"the {prefix} file of the cat/non-cat data.\n" + _how_to_get_the_files()
                )
        # Slicing with [()] copies the data out, so nothing refers to the file once it closes.
        images = f[x_key][()]
        labels = f[y_key][()]
        classes = _decode_class_names(f["list_classes"][()])

    if images.ndim != 4 or images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(
            f"{path}: {x_key!r} should hold images of shape (m, 64, 64, 3), "
            f"got shape {images.shape}."
        )
    m = images.shape[0]
    if labels.shape != (m,):
        raise ValueError(
            f"{path}: {y_key!r} should hold one label per image, shape ({m},), "
            f"got shape {labels.shape}."
        )
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(
            f"{path}: {y_key!r} should hold 0/1 labels, got values {np.unique(labels).tolist()}."
        )
    # A row vector, so that labels line up with the columns of X.
    return images, labels.astype(np.int64).reshape(1, m), classes


def load_cat_data(data_dir=None, *, verify_checksum=True):
    """Load the raw training and test images with their labels.

    Args:
        data_dir: where to look for the files; see :func:`find_data_dir`.
        verify_checksum: check each file's SHA-256 against :data:`SHA256` before reading it.

    Returns:
        train_x_orig: (209, 64, 64, 3) uint8 images.
        train_y: (1, 209) int64 labels, 1 = cat.
        test_x_orig: (50, 64, 64, 3) uint8 images.
        test_y: (1, 50) int64 labels.
        classes: array of str, ``['non-cat', 'cat']``; ``classes[label]`` names a label.

    Raises:
        FileNotFoundError: the files cannot be found (see :func:`find_data_dir`).
        ValueError: a file has the wrong checksum, a missing key, or malformed arrays.
    """
    directory = find_data_dir(data_dir)

    splits = {}
    for prefix, name in _FILE_FOR_SPLIT.items():
        path = directory / name
        if verify_checksum:
            _verify_checksum(path)
        splits[prefix] = _load_split(path, prefix)

    train_x_orig, train_y, classes = splits["train"]
    test_x_orig, test_y, _ = splits["test"]
    return train_x_orig, train_y, test_x_orig, test_y, classes


# ---------------------------------------------------------------------------------------------
# Step 3: from images to the matrix the network reads
# ---------------------------------------------------------------------------------------------


def flatten_and_scale(images, dtype=np.float64):
    """Flatten each image into a column and scale pixel values into [0, 1].

    Args:
        images: (m, H, W, C) array of pixel values in 0..255, e.g. (209, 64, 64, 3) uint8.
        dtype: floating-point dtype of the result.

    Returns:
        X: (H * W * C, m) C-contiguous array of ``dtype``; column j is ``images[j]`` flattened
        in (H, W, C) order, divided by 255. The input is not modified.

    Raises:
        ValueError: ``images`` is not 4-D, or ``dtype`` is not a floating-point type.
    """
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"images should be a 4-D array (m, H, W, C), got shape {images.shape}.")
    if not np.issubdtype(dtype, np.floating):
        raise ValueError(f"dtype should be a floating-point type, got {dtype!r}.")

    m = images.shape[0]
    # The transpose is a column-major view; copying it into row-major order gives every caller
    # the same layout. Casting in the same copy means a float32 result never passes through
    # float64, and dividing afterwards makes a new array, so the caller's images stay as they are.
    X = np.ascontiguousarray(images.reshape(m, -1).T, dtype=dtype)
    return X / 255


# ---------------------------------------------------------------------------------------------
# Step 4: holding data out - a dev split and k folds
# ---------------------------------------------------------------------------------------------


def _check_labels(Y, name="Y"):
    """Raise ValueError unless ``Y`` is a (1, m) array with m >= 1; return it as an array."""
    Y = np.asarray(Y)
    if Y.ndim != 2 or Y.shape[0] != 1 or Y.shape[1] == 0:
        raise ValueError(f"{name} should have shape (1, m) with m >= 1, got shape {Y.shape}.")
    return Y


def _check_examples(X, Y):
    """Raise ValueError unless ``X`` is (n_x, m) and ``Y`` is (1, m) with the same m."""
    X = np.asarray(X)
    Y = _check_labels(Y)
    if X.ndim != 2:
        raise ValueError(f"X should have shape (n_x, m), got shape {X.shape}.")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"X and Y should have one column per example, got X {X.shape} and Y {Y.shape}."
        )
    return X, Y


def _shuffled_class_members(Y, seed):
    """Group the example indices by class and shuffle each group.

    This is the one place where the random, class-by-class assignment for both
    :func:`train_dev_split` and :func:`stratified_k_folds` is made, so the two always agree
    on what "stratified" and "seeded" mean.

    Args:
        Y: (1, m) labels.
        seed: seed for ``np.random.default_rng``.

    Returns:
        list with one int array per distinct label (in sorted label order), holding the column
        indices of that class in a random order fixed by ``seed``.
    """
    rng = np.random.default_rng(seed)
    labels = Y[0]
    return [rng.permutation(np.flatnonzero(labels == c)) for c in np.unique(labels)]


def _dev_count(class_size, dev_fraction):
    """How many examples of a class of ``class_size`` go to the dev set.

    ``round(dev_fraction * class_size)`` (halves rounded up), but at least 1 so every class
    with two or more examples is represented in dev, and at most ``class_size - 1`` so every
    class keeps at least one training example. A one-example class stays in training.
    """
    n_dev = int(np.floor(dev_fraction * class_size + 0.5))
    return min(max(n_dev, 1), class_size - 1)


def train_dev_split(X, Y, dev_fraction=0.2, seed=0):
    """Hold out a stratified, random dev set.

    Each class is split in the same proportion, so a dev set cut from data that is one third
    cats is also about one third cats; otherwise a small dev set can easily be lopsided and
    its accuracy misleading.

    Args:
        X: (n_x, m) examples, one per column.
        Y: (1, m) labels.
        dev_fraction: share of each class to hold out, strictly between 0 and 1. The dev count
            of a class is ``round(dev_fraction * class_size)``, adjusted as in
            :func:`_dev_count`.
        seed: seed for ``np.random.default_rng``; the same seed gives the same split.

    Returns:
        X_train: (n_x, m - m_dev), Y_train: (1, m - m_dev),
        X_dev: (n_x, m_dev), Y_dev: (1, m_dev).
        New C-contiguous arrays; the columns keep their original relative order. The inputs
        are not modified.

    Raises:
        ValueError: bad shapes, ``dev_fraction`` not in (0, 1), or a dev set that would be
            empty (every class has a single example).
    """
    X, Y = _check_examples(X, Y)
    if not 0 < dev_fraction < 1:
        raise ValueError(f"dev_fraction should be strictly between 0 and 1, got {dev_fraction}.")

    groups = _shuffled_class_members(Y, seed)
    dev_idx = np.sort(np.concatenate([g[: _dev_count(len(g), dev_fraction)] for g in groups]))
    if dev_idx.size == 0:
        raise ValueError(
            f"Y has {Y.shape[1]} example(s) and no class with two or more, "
            "so there is nothing to hold out for the dev set."
        )
    is_dev = np.zeros(Y.shape[1], dtype=bool)
    is_dev[dev_idx] = True
    train_idx = np.flatnonzero(~is_dev)

    def take(A, idx):
        # Fancy indexing copies; ascontiguousarray guarantees the row-major layout too.
        return np.ascontiguousarray(A[:, idx])

    return take(X, train_idx), take(Y, train_idx), take(X, dev_idx), take(Y, dev_idx)


def stratified_k_folds(Y, k=5, seed=0):
    """Split the examples into ``k`` stratified folds for cross-validation.

    The shuffled examples of each class are dealt out to the folds like cards, one at a time
    and carrying on from where the previous class stopped. So each class is spread as evenly
    as it can be (per-fold counts differ by at most one), and so are the fold sizes. A class
    with fewer than ``k`` examples cannot reach every fold: some dev folds will lack it.

    Args:
        Y: (1, m) labels.
        k: number of folds, ``2 <= k <= m``.
        seed: seed for ``np.random.default_rng``; the same seed gives the same folds.

    Returns:
        list of ``k`` pairs ``(train_idx, dev_idx)`` of sorted int arrays of column indices.
        Every example is in exactly one ``dev_idx``; ``train_idx`` is the rest.

    Raises:
        ValueError: bad shape of ``Y`` or ``k`` outside ``2..m``.
    """
    Y = _check_labels(Y)
    m = Y.shape[1]
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 2 <= k <= m:
        raise ValueError(f"k should be an integer with 2 <= k <= m = {m}, got {k!r}.")

    order = np.concatenate(_shuffled_class_members(Y, seed))
    fold_of = np.empty(m, dtype=np.intp)
    fold_of[order] = np.arange(m) % k
    return [(np.flatnonzero(fold_of != i), np.flatnonzero(fold_of == i)) for i in range(k)]


# ---------------------------------------------------------------------------------------------
# Step 5: more training data for free - mirrored images
# ---------------------------------------------------------------------------------------------


def augment_with_flips(X, Y, image_shape=IMAGE_SHAPE):
    """Double a training set by adding a left-right mirrored copy of every image.

    A cat seen in a mirror is still a cat, so the mirrored copies keep their labels.

    Apply this to the training part only, after the train/dev split: flipping before the
    split would put mirrored copies of dev images into training, and the dev accuracy would
    no longer measure performance on unseen images.

    Args:
        X: (n_x, m) images flattened as by :func:`flatten_and_scale`, n_x = prod(image_shape).
        Y: (1, m) labels.
        image_shape: (H, W, C) of one image.

    Returns:
        X_aug: (n_x, 2m), the m original columns followed by their m mirrored versions
        (the image flipped along its width axis).
        Y_aug: (1, 2m), the labels repeated in the same order.

    Raises:
        ValueError: ``X.shape[0] != prod(image_shape)``, or mismatched ``X`` and ``Y``.
    """
    X, Y = _check_examples(X, Y)
    n_x = int(np.prod(image_shape))
    if X.shape[0] != n_x:
        raise ValueError(
            f"X has {X.shape[0]} rows but image_shape {tuple(image_shape)} needs {n_x}."
        )

    m = X.shape[1]
    # Undo flatten_and_scale's layout to get (m, H, W, C), mirror the W axis, and redo it.
    images = X.T.reshape(m, *image_shape)
    mirrored = images[:, :, ::-1, :].reshape(m, n_x).T
    return np.concatenate([X, mirrored], axis=1), np.concatenate([Y, Y], axis=1)


def balance_classes(X, Y):
    """Repeat examples of the rarer class until both classes are equally frequent.

    About a third of the training images are cats, so a network trained on them learns that
    "non-cat" is the safer guess, a prior that is wrong on the test images, two thirds of which
    are cats. Training on a balanced set makes the network's guesses prior-neutral, which is what
    balanced accuracy measures. The rarer class's columns are cycled through in order, so the
    result is deterministic.

    Args:
        X: (n_x, m); Y: (1, m) 0/1 labels.

    Returns:
        X_bal, Y_bal: the original columns followed by the repeated ones, (n_x, m + extra).
    """
    X, Y = _check_examples(X, Y)
    members = [np.flatnonzero(Y[0] == c) for c in (0, 1)]
    rare, common = sorted(members, key=len)
    if len(rare) == 0:
        return X.copy(), Y.copy()
    extra = np.resize(rare, len(common) - len(rare))
    return np.concatenate([X, X[:, extra]], axis=1), np.concatenate([Y, Y[:, extra]], axis=1)


def augment_balanced_flips(X, Y, image_shape=IMAGE_SHAPE):
    """:func:`augment_with_flips`, then :func:`balance_classes`: the training-set augmentation
    used to choose and train the final model. Training data only, like the flips."""
    return balance_classes(*augment_with_flips(X, Y, image_shape))


def class_balance(Y):
    """Return the fraction of examples labelled 1 (cat) in ``Y`` of shape (1, m), as a float."""
    Y = _check_labels(Y)
    return float(np.mean(Y == 1))
