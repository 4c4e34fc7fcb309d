"""Saving a trained network to a file, and loading it back, exactly.

A network is its ``parameters`` dict of arrays (an input standardizer included): the file is an
``.npz`` archive of those arrays under their own keys, with a format tag and the caller's
metadata as JSON. No pickle, so loading a file never runs code from it.
"""

import json
import os
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

import validation

_FILE_FORMAT = "neural_network.parameters/1"


def save_parameters(path, parameters, **metadata):
    """Save a network to ``path`` exactly (no suffix added): an ``.npz`` archive, no pickle.

    The arrays are stored under their own keys (an input standardizer too), with a format tag
    and ``metadata`` as JSON, so :func:`load_parameters` (or ``np.load``) reads them back bit for
    bit. The file is written to a temporary name first and then renamed: an interrupted save
    leaves no truncated file behind.

    Returns:
        the path written, a ``pathlib.Path``.
    """
    path = validation.check_path(path)
    validation.check_parameters(parameters)
    try:
        metadata_json = json.dumps(metadata, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(f"metadata must be JSON-serialisable (no NaN, no sets): {error}") from None
    if path.exists() and not path.is_file():
        raise ValueError(f"path '{path}' exists and is not a regular file (a directory?)")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot save to '{path}': the directory does not exist")
    arrays = {f"param:{key}": value for key, value in parameters.items()}
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as f:
            temporary = Path(f.name)
            np.savez(f, __format__=np.array(_FILE_FORMAT), __metadata__=np.array(metadata_json),
                     **arrays)  # fmt: skip
        os.replace(temporary, path)
    except OSError as error:  # a name too long, a full disk, no permission
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise ValueError(f"cannot save to '{path}': {error}") from None
    return path


# What a damaged or foreign file can raise while NumPy reads it.
_UNREADABLE = (OSError, ValueError, EOFError, KeyError, NotImplementedError, RuntimeError,
               zipfile.BadZipFile, zlib.error, UnicodeDecodeError)  # fmt: skip


def _read_archive(path):
    """The arrays of the ``.npz`` file at ``path``, or ValueError saying why they cannot be."""
    with open(path, "rb") as f:  # our own handle, closed even when NumPy gives up half-way
        data = np.load(f, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not a .npz archive")
        with data:
            return {key: data[key] for key in data.files}


def _no_constants(name):
    raise ValueError(f"the metadata holds {name}, which save_parameters never writes")


def load_parameters(path):
    """Load a network saved by :func:`save_parameters`.

    Returns:
        ``(parameters, metadata)``.

    Raises:
        FileNotFoundError: no such file. ValueError: not a readable file of ``save_parameters``
        (another kind of file, a truncated or corrupted one, or one holding no valid network).
    """
    path = validation.check_path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no saved parameters at '{path}' (save them with save_parameters)")
    foreign = f"'{path}' is not a readable parameters file written by save_parameters"
    try:
        contents = _read_archive(path)
        fmt, metadata = contents.get("__format__"), contents.get("__metadata__")
        if fmt is None or str(fmt) != _FILE_FORMAT or metadata is None:
            raise ValueError(f"no '__format__' = '{_FILE_FORMAT}' entry")
        metadata = json.loads(str(metadata), parse_constant=_no_constants)
        if not isinstance(metadata, dict):
            raise ValueError("its metadata is not a JSON object")
    except _UNREADABLE as error:
        raise ValueError(f"{foreign}: {error}") from None
    parameters = {key[6:]: value for key, value in contents.items() if key.startswith("param:")}
    try:
        validation.check_parameters(parameters)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{foreign}: its network is not valid: {error}") from None
    return parameters, metadata
