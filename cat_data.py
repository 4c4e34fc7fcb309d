"""Loading the cat vs non-cat images, and a picture of your own.

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
``(1, m)``. :func:`flatten_and_scale` converts from the first layout to the second;
:func:`load_image` reads any PNG or JPEG into the first. Splitting the data into a dev set or
folds is the job of ``model_selection``, augmenting it that of ``augmentation``.
"""

import hashlib
import os
from pathlib import Path

import h5py
import numpy as np

import validation
from augmentation import IMAGE_SHAPE

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "datasets"
DATA_DIR_ENV = "CAT_DATA_DIR"
# A picture of a cat drawn by docs/draw_sample_picture.py, for the notebook's "try your own".
SAMPLE_PICTURE = Path(__file__).resolve().parent / "docs" / "sample_cat.png"
SHA256 = {
    "train_catvnoncat.h5": "fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242",
    "test_catvnoncat.h5": "6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951",
}

_FILE_FOR_SPLIT = {"train": "train_catvnoncat.h5", "test": "test_catvnoncat.h5"}


# ---------------------------------------------------------------------------------------------
# Step 1: finding the files
# ---------------------------------------------------------------------------------------------


def _how_to_get_the_files(digests=True):
    """Return the paragraph, shared by every error message, that says how to get the data (and,
    for a file that differs, the SHA-256 digests it should have)."""
    text = (
        "The files are train_catvnoncat.h5 and test_catvnoncat.h5 from the week 2 and 4 "
        'assignments of the deeplearning.ai course "Neural Networks and Deep Learning". '
        f"Put them in {DEFAULT_DATA_DIR}, or point the environment variable {DATA_DIR_ENV} "
        "(or data_dir=, --data-dir on the command line) at the directory that holds them. "
        "See README.md, section 'Getting the data'."
    )
    if not digests:
        return text
    return text + "\nExpected sha256:\n" + "\n".join(f"  {n}  {d}" for n, d in SHA256.items())


def _expanded(directory, name):
    """``directory`` as a Path with ``~`` expanded; FileNotFoundError for an unknown user."""
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or a path, got {type(directory).__name__}")
    try:
        return Path(directory).expanduser()
    except RuntimeError as error:  # "~nobody/data": there is no home directory to expand to
        raise FileNotFoundError(f"{name} '{directory}' cannot be expanded: {error}") from None


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
        candidates = [_expanded(data_dir, "data_dir")]
    else:
        candidates = []
        from_env = os.environ.get(DATA_DIR_ENV)
        if from_env:
            candidates.append(_expanded(from_env, DATA_DIR_ENV))
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
        + _how_to_get_the_files(digests=False)
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


def _decode_class_names(raw, path):
    """Turn the stored class names (bytes, as h5py returns them) into a numpy array of str."""
    try:
        return np.array([c.decode("utf-8") if isinstance(c, bytes) else str(c) for c in raw])
    except (UnicodeDecodeError, TypeError) as error:
        raise ValueError(f"{path}: 'list_classes' is not a list of class names: {error}") from None


def _read_split(path, prefix):
    """The raw ``(images, labels, classes)`` of one split's file, or a ValueError naming it."""
    x_key, y_key = f"{prefix}_set_x", f"{prefix}_set_y"
    try:
        with h5py.File(path, "r") as f:
            found = sorted(f.keys())
            for key in (x_key, y_key, "list_classes"):
                if key not in f or not isinstance(f[key], h5py.Dataset):
                    raise ValueError(
                        f"{path} has no dataset {key!r} (keys found: {found}); it does not look "
                        f"like the {prefix} file of the cat/non-cat data.\n"
                        + _how_to_get_the_files()
                    )
            # Slicing with [()] copies the data out, so nothing refers to the file once it closes.
            return f[x_key][()], f[y_key][()], _decode_class_names(f["list_classes"][()], path)
    except OSError as error:  # not an HDF5 file, or a damaged one
        raise ValueError(
            f"{path} is not a readable HDF5 file: {error}\n" + _how_to_get_the_files()
        ) from None


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
    images, labels, classes = _read_split(path, prefix)
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(
            f"{path}: {x_key!r} should hold uint8 images of shape (m, 64, 64, 3), "
            f"got {images.dtype} of shape {images.shape}."
        )
    m = images.shape[0]
    if labels.shape != (m,):
        raise ValueError(
            f"{path}: {y_key!r} should hold one label per image, shape ({m},), "
            f"got shape {labels.shape}."
        )
    if labels.dtype.kind not in "iub" or not np.isin(labels, (0, 1)).all():
        raise ValueError(
            f"{path}: {y_key!r} should hold 0/1 labels (integers), got {labels.dtype} values "
            f"{np.unique(labels).tolist()[:5]}."
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
    if not isinstance(verify_checksum, (bool, np.bool_)):
        raise TypeError(f"verify_checksum must be True or False, got {verify_checksum!r}")
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
        TypeError: ``images`` is not real-valued. ValueError: ``images`` is not 4-D or holds
        values outside 0..255, or ``dtype`` is not float32 or float64.
    """
    try:
        images = np.asarray(images)
    except ValueError:  # a ragged nested list
        raise TypeError("images must be an array (m, H, W, C), got a ragged sequence") from None
    if images.dtype.kind not in "uif":
        raise TypeError(f"images must hold real pixel values 0..255, got dtype {images.dtype}")
    if images.ndim != 4 or 0 in images.shape:
        raise ValueError(
            f"images should be a 4-D array (m, H, W, C), every size >= 1 (m >= 1), got shape "
            f"{images.shape}."
        )
    try:
        floating = np.dtype(dtype) in (np.float32, np.float64)
    except TypeError:
        floating = False
    if not floating:
        raise ValueError(f"dtype should be np.float32 or np.float64, got {dtype!r}.")
    if not (np.isfinite(images).all() and images.min() >= 0 and images.max() <= 255):
        raise ValueError("images must hold pixel values in 0..255 (no NaN or inf)")

    m = images.shape[0]
    # The transpose is a column-major view; copying it into row-major order gives every caller
    # the same layout. Casting in the same copy means a float32 result never passes through
    # float64, and dividing afterwards makes a new array, so the caller's images stay as they are.
    X = np.ascontiguousarray(images.reshape(m, -1).T, dtype=dtype)
    return X / 255


# ---------------------------------------------------------------------------------------------
# Step 4: your own picture
# ---------------------------------------------------------------------------------------------


def load_image(path, size=IMAGE_SHAPE[:2]):
    """Read a PNG or JPEG picture and resize it to the network's ``64 x 64`` RGB images.

    The picture is converted to RGB (an alpha channel or grey levels are dropped or repeated)
    and resized with Pillow's antialiasing filter; its aspect ratio is not kept.

    Returns:
        a ``(64, 64, 3)`` uint8 array, like one of ``load_cat_data``'s images; put it through
        ``flatten_and_scale(image[None])`` for a ``(12288, 1)`` column.

    Raises:
        FileNotFoundError: no such file. ValueError: not a picture Pillow can read.
    """
    from PIL import Image, UnidentifiedImageError  # Pillow comes with matplotlib

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a path, got {type(path).__name__}")
    if not (isinstance(size, (tuple, list)) and len(size) == 2):
        raise TypeError(f"size must be a pair (height, width), got {size!r}")
    height, width = (validation.check_number(n, "size", 1, 4096, integer=True) for n in size)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no picture at '{path}'")
    try:
        with Image.open(path) as picture:
            rgb = picture.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
            return np.asarray(rgb, dtype=np.uint8).copy()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValueError(f"'{path}' is not a picture that can be read: {error}") from None


def class_balance(Y):
    """Return the fraction of examples labelled 1 (cat) in ``Y`` of shape (1, m), as a float."""
    return float(np.mean(validation.check_Y(Y, dtype=None) == 1))


def __getattr__(name):
    """``cat_data.load_data`` (the course's loader) and its kin: an error naming ours."""
    raise validation.course_name_error(__name__, name)
