"""Specification of cat_data: loading, checking and preparing the cat vs non-cat images, and
reading a picture of your own.

Tests on the real files are skipped when the files cannot be found. Everything else runs on
small HDF5 files, pictures and arrays that the tests make themselves. (The dev split and the
folds are specified in test_model_selection.py, the augmentations in test_augmentation.py.)
"""

import h5py
import numpy as np
import pytest

import cat_data
from cat_data import (
    DATA_DIR_ENV,
    SHA256,
    class_balance,
    find_data_dir,
    flatten_and_scale,
    load_cat_data,
)

TRAIN_FILE, TEST_FILE = "train_catvnoncat.h5", "test_catvnoncat.h5"


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def random_images(m, shape=(64, 64, 3), seed=0):
    """(m, *shape) uint8 images of random pixels."""
    return np.random.default_rng(seed).integers(0, 256, size=(m, *shape), dtype=np.uint8)


def write_split(path, prefix, images, labels, *, drop_key=None):
    """Write a file laid out like the course's .h5 files; leave out ``drop_key`` if given."""
    datasets = {
        f"{prefix}_set_x": images,
        f"{prefix}_set_y": np.asarray(labels, dtype=np.int64),
        "list_classes": np.array([b"non-cat", b"cat"]),
    }
    with h5py.File(path, "w") as f:
        for key, value in datasets.items():
            if key != drop_key:
                f.create_dataset(key, data=value)


@pytest.fixture
def fake_dir(tmp_path):
    """A directory holding small, well-formed train (4 images) and test (2 images) files."""
    write_split(tmp_path / TRAIN_FILE, "train", random_images(4, seed=1), [0, 1, 0, 1])
    write_split(tmp_path / TEST_FILE, "test", random_images(2, seed=2), [1, 0])
    return tmp_path


# ---------------------------------------------------------------------------------------------
# The real data (skipped when the files are not available)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_data():
    try:
        data_dir = find_data_dir()
    except FileNotFoundError:
        pytest.skip(
            "cat/non-cat .h5 files not found in datasets/ or $CAT_DATA_DIR "
            "(see README.md, section 'Getting the data')"
        )
    return load_cat_data(data_dir)  # verify_checksum=True by default


def test_real_data_passes_checksum_verification_and_has_the_documented_shapes(real_data):
    train_x, train_y, test_x, test_y, classes = real_data
    assert train_x.shape == (209, 64, 64, 3)
    assert test_x.shape == (50, 64, 64, 3)
    assert train_y.shape == (1, 209)
    assert test_y.shape == (1, 50)


def test_real_data_has_uint8_images_and_int64_labels(real_data):
    train_x, train_y, test_x, test_y, _ = real_data
    assert train_x.dtype == test_x.dtype == np.uint8
    assert train_y.dtype == test_y.dtype == np.int64


def test_real_data_class_names_are_decoded_strings(real_data):
    classes = real_data[4]
    assert classes.tolist() == ["non-cat", "cat"]
    assert all(isinstance(c, str) for c in classes.tolist())


def test_real_training_set_is_about_one_third_cats_and_test_set_about_two_thirds(real_data):
    _, train_y, _, test_y, _ = real_data
    assert int(train_y.sum()) == 72
    assert int(test_y.sum()) == 33
    assert class_balance(train_y) == pytest.approx(72 / 209)
    assert class_balance(test_y) == pytest.approx(33 / 50)


# ---------------------------------------------------------------------------------------------
# Finding the files
# ---------------------------------------------------------------------------------------------


def test_sha256_table_names_both_files():
    assert set(SHA256) == {TRAIN_FILE, TEST_FILE}
    assert all(len(digest) == 64 for digest in SHA256.values())


def test_explicit_data_dir_is_returned_when_it_holds_both_files(fake_dir):
    assert find_data_dir(fake_dir) == fake_dir
    assert find_data_dir(str(fake_dir)) == fake_dir


def test_cat_data_dir_environment_variable_is_honoured(fake_dir, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(fake_dir))
    assert find_data_dir() == fake_dir
    assert load_cat_data(verify_checksum=False)[0].shape == (4, 64, 64, 3)


def test_missing_directory_raises_file_not_found_naming_files_directory_and_readme(tmp_path):
    missing = tmp_path / "no-such-dir"
    with pytest.raises(FileNotFoundError) as info:
        find_data_dir(missing)
    message = str(info.value)
    assert TRAIN_FILE in message and TEST_FILE in message
    assert str(missing) in message
    assert "README" in message


def test_missing_file_raises_file_not_found_naming_that_file(tmp_path):
    write_split(tmp_path / TRAIN_FILE, "train", random_images(2), [0, 1])
    with pytest.raises(FileNotFoundError) as info:
        find_data_dir(tmp_path)
    message = str(info.value)
    assert f"missing {TEST_FILE}" in message
    assert str(tmp_path) in message
    assert "README" in message
    assert SHA256[TEST_FILE] not in message, (
        "the digests are for a file that differs, not one missing"
    )


def test_not_found_message_lists_every_directory_searched(tmp_path, monkeypatch):
    env_dir, default_dir = tmp_path / "from-env", tmp_path / "default"
    env_dir.mkdir()
    monkeypatch.setenv(DATA_DIR_ENV, str(env_dir))
    monkeypatch.setattr(cat_data, "DEFAULT_DATA_DIR", default_dir)
    with pytest.raises(FileNotFoundError) as info:
        find_data_dir()
    assert str(env_dir) in str(info.value)
    assert str(default_dir) in str(info.value)


def test_default_directory_is_used_when_the_environment_variable_points_nowhere(
    fake_dir, tmp_path, monkeypatch
):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "empty"))
    monkeypatch.setattr(cat_data, "DEFAULT_DATA_DIR", fake_dir)
    assert find_data_dir() == fake_dir


# ---------------------------------------------------------------------------------------------
# Reading and checking the files
# ---------------------------------------------------------------------------------------------


def test_well_formed_files_load_with_row_vector_labels(fake_dir):
    train_x, train_y, test_x, test_y, classes = load_cat_data(fake_dir, verify_checksum=False)
    assert train_x.shape == (4, 64, 64, 3) and train_x.dtype == np.uint8
    assert test_x.shape == (2, 64, 64, 3)
    np.testing.assert_array_equal(train_x, random_images(4, seed=1))
    assert train_y.tolist() == [[0, 1, 0, 1]] and train_y.dtype == np.int64
    assert test_y.tolist() == [[1, 0]]
    assert classes.tolist() == ["non-cat", "cat"]


def test_missing_key_raises_value_error_naming_key_file_and_keys_found(fake_dir):
    path = fake_dir / TRAIN_FILE
    write_split(path, "train", random_images(4), [0, 1, 0, 1], drop_key="train_set_y")
    with pytest.raises(ValueError) as info:
        load_cat_data(fake_dir, verify_checksum=False)
    message = str(info.value)
    assert "'train_set_y'" in message
    assert str(path) in message
    assert "train_set_x" in message  # one of the keys that were found
    assert "README" in message


def test_wrong_image_shape_raises_value_error(fake_dir):
    write_split(fake_dir / TEST_FILE, "test", random_images(2, shape=(32, 32, 3)), [1, 0])
    with pytest.raises(ValueError, match=r"test_catvnoncat\.h5.*\(m, 64, 64, 3\)"):
        load_cat_data(fake_dir, verify_checksum=False)


def test_label_count_not_matching_image_count_raises_value_error(fake_dir):
    write_split(fake_dir / TEST_FILE, "test", random_images(2), [1, 0, 1])
    with pytest.raises(ValueError, match="one label per image"):
        load_cat_data(fake_dir, verify_checksum=False)


def test_labels_other_than_0_and_1_raise_value_error(fake_dir):
    write_split(fake_dir / TRAIN_FILE, "train", random_images(4), [0, 1, 2, 1])
    with pytest.raises(ValueError, match="0/1 labels"):
        load_cat_data(fake_dir, verify_checksum=False)


def test_checksum_mismatch_raises_value_error_with_both_digests(fake_dir):
    with pytest.raises(ValueError) as info:
        load_cat_data(fake_dir)  # verify_checksum=True by default
    message = str(info.value)
    assert "sha256" in message
    assert TRAIN_FILE in message and str(fake_dir) in message
    assert SHA256[TRAIN_FILE] in message
    assert cat_data._sha256_of(fake_dir / TRAIN_FILE) in message


# ---------------------------------------------------------------------------------------------
# flatten_and_scale
# ---------------------------------------------------------------------------------------------


def test_flatten_and_scale_gives_one_column_per_image():
    assert flatten_and_scale(random_images(5)).shape == (12288, 5)


def test_flatten_and_scale_maps_0_255_onto_0_1():
    images = random_images(3)
    images[0, 0, 0, 0], images[1, 0, 0, 0] = 0, 255
    X = flatten_and_scale(images)
    assert X.min() == 0.0 and X.max() == 1.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_flatten_and_scale_returns_requested_dtype_in_c_order(dtype):
    X = flatten_and_scale(random_images(3), dtype=dtype)
    assert X.dtype == dtype
    assert X.flags["C_CONTIGUOUS"]


def test_flatten_and_scale_column_j_is_image_j_flattened():
    images = random_images(4, shape=(5, 6, 3))
    X = flatten_and_scale(images)
    for j in range(4):
        np.testing.assert_array_equal(X[:, j], images[j].reshape(-1) / 255)


def test_flatten_and_scale_does_not_modify_its_input():
    images = random_images(3)
    before = images.copy()
    flatten_and_scale(images)
    np.testing.assert_array_equal(images, before)
    # A float input with a single image is the case where no cast or transpose forces a copy.
    one = np.full((1, 2, 2, 3), 255.0)
    flatten_and_scale(one)
    assert (one == 255.0).all()


def test_flatten_and_scale_rejects_arrays_that_are_not_4d():
    with pytest.raises(ValueError, match="images"):
        flatten_and_scale(np.zeros((3, 64, 64)))


def test_flatten_and_scale_rejects_integer_dtype():
    with pytest.raises(ValueError, match="dtype"):
        flatten_and_scale(random_images(2), dtype=np.int32)


# ---------------------------------------------------------------------------------------------
# class_balance
# ---------------------------------------------------------------------------------------------


def test_class_balance_is_the_fraction_of_cats_as_a_python_float():
    balance = class_balance(np.array([[0, 1, 1, 0]]))
    assert balance == 0.5 and type(balance) is float


def test_class_balance_refuses_labels_other_than_0_and_1():
    with pytest.raises(ValueError, match="0 and 1"):
        class_balance(np.array([[0, 2]]))


# ---------------------------------------------------------------------------------------------
# Bad input to the loader and to flatten_and_scale
# ---------------------------------------------------------------------------------------------


def test_a_data_dir_of_an_unknown_user_is_file_not_found_not_runtime_error():
    with pytest.raises(FileNotFoundError, match="data_dir"):
        find_data_dir("~no_such_user_here_xyz/data")


def test_a_data_dir_that_is_not_a_path_is_a_type_error():
    with pytest.raises(TypeError, match="data_dir"):
        find_data_dir(42)


@pytest.mark.parametrize(
    ("images", "error", "match"),
    [
        (np.zeros((2, 4, 4, 3), dtype=complex), TypeError, "real pixel values"),
        (np.full((2, 4, 4, 3), 300.0), ValueError, "0..255"),
        (np.full((2, 4, 4, 3), np.nan), ValueError, "0..255"),
        (np.zeros((0, 4, 4, 3)), ValueError, "m >= 1"),
    ],
    ids=["complex", "above_255", "nan", "no_images"],
)
def test_flatten_and_scale_refuses_values_that_are_not_pixels(images, error, match):
    with pytest.raises(error, match=match):
        flatten_and_scale(images)


# ---------------------------------------------------------------------------------------------
# Your own picture
# ---------------------------------------------------------------------------------------------


def test_load_image_resizes_any_png_to_a_64_by_64_rgb_image(tmp_path):
    from PIL import Image

    picture = np.zeros((40, 120, 4), dtype=np.uint8)  # RGBA, not square
    picture[..., 0], picture[..., 3] = 200, 255  # red, opaque
    Image.fromarray(picture).save(tmp_path / "red.png")

    image = cat_data.load_image(tmp_path / "red.png")

    assert image.shape == (64, 64, 3) and image.dtype == np.uint8
    assert (image[..., 0] == 200).all() and (image[..., 1:] == 0).all()
    assert flatten_and_scale(image[None]).shape == (12288, 1)


def test_load_image_reads_a_jpeg(tmp_path):
    from PIL import Image

    Image.fromarray(np.full((10, 10, 3), 128, dtype=np.uint8)).save(tmp_path / "grey.jpg")
    image = cat_data.load_image(str(tmp_path / "grey.jpg"))
    assert image.shape == (64, 64, 3)
    assert abs(int(image.mean()) - 128) <= 2


def test_the_committed_sample_picture_loads():
    image = cat_data.load_image(cat_data.SAMPLE_PICTURE)
    assert image.shape == (64, 64, 3)


def test_load_image_says_what_is_wrong_with_a_missing_or_unreadable_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no picture"):
        cat_data.load_image(tmp_path / "nothing.png")
    (tmp_path / "text.png").write_text("not a picture")
    with pytest.raises(ValueError, match="not a picture"):
        cat_data.load_image(tmp_path / "text.png")


# ---------------------------------------------------------------------------------------------
# Loading the images loads no trainer: the previous release's re-exports have ended
# ---------------------------------------------------------------------------------------------


def test_cat_data_no_longer_re_exports_the_split_folds_and_flips():
    for name in ("train_dev_split", "stratified_k_folds", "augment_with_flips", "balance_classes"):
        assert not hasattr(cat_data, name), name


def test_importing_cat_data_imports_neither_the_trainer_nor_model_selection():
    import subprocess
    import sys

    code = (
        "import sys, cat_data; print(sorted(m for m in sys.modules if m in "
        "('neural_net_optimized', 'model_selection')))"
    )
    root = str(__import__("pathlib").Path(__file__).resolve().parent.parent)
    completed = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                               text=True, timeout=60)  # fmt: skip
    assert completed.stdout.strip() == "[]", completed.stderr
