"""Specification of cat_data: loading, checking and preparing the cat vs non-cat images.

Tests on the real files are skipped when the files cannot be found. Everything else runs on
small HDF5 files and arrays that the tests make themselves.
"""

import h5py
import numpy as np
import pytest

import cat_data
from cat_data import (
    DATA_DIR_ENV,
    SHA256,
    augment_with_flips,
    class_balance,
    find_data_dir,
    flatten_and_scale,
    load_cat_data,
    stratified_k_folds,
    train_dev_split,
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


def labels_with(n_neg, n_pos):
    """(1, n_neg + n_pos) labels: n_neg zeros then n_pos ones."""
    return np.array([[0] * n_neg + [1] * n_pos])


def indexed_examples(Y, n_x=3):
    """(n_x, m) examples whose every entry in column j is j, so columns can be traced."""
    return np.tile(np.arange(Y.shape[1]), (n_x, 1))


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
    assert SHA256[TEST_FILE] in message


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
# train_dev_split
# ---------------------------------------------------------------------------------------------


def test_train_dev_split_sizes_follow_dev_fraction_per_class():
    Y = labels_with(137, 72)  # the real training set's balance
    X_train, Y_train, X_dev, Y_dev = train_dev_split(indexed_examples(Y), Y, dev_fraction=0.2)
    assert X_dev.shape == (3, 41) and Y_dev.shape == (1, 41)  # round(27.4) + round(14.4)
    assert X_train.shape == (3, 168) and Y_train.shape == (1, 168)


@pytest.mark.parametrize("dev_fraction", [0.1, 0.2, 0.25, 0.5])
def test_train_dev_split_is_stratified_within_one_example_per_class(dev_fraction):
    Y = labels_with(137, 72)
    _, _, _, Y_dev = train_dev_split(indexed_examples(Y), Y, dev_fraction=dev_fraction)
    for label, class_size in [(0, 137), (1, 72)]:
        assert abs(np.sum(Y_dev == label) - dev_fraction * class_size) <= 1


def test_train_dev_split_puts_every_class_with_two_examples_into_dev():
    Y = labels_with(20, 2)
    _, _, _, Y_dev = train_dev_split(indexed_examples(Y), Y, dev_fraction=0.1)
    assert set(Y_dev[0].tolist()) == {0, 1}


def test_train_dev_split_is_reproducible_with_the_same_seed():
    Y = labels_with(30, 20)
    X = indexed_examples(Y)
    first, second = train_dev_split(X, Y, seed=7), train_dev_split(X, Y, seed=7)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


def test_train_dev_split_differs_between_seeds():
    Y = labels_with(30, 20)
    X = indexed_examples(Y)
    assert not np.array_equal(train_dev_split(X, Y, seed=0)[2], train_dev_split(X, Y, seed=1)[2])


def test_train_and_dev_are_disjoint_and_together_a_permutation_of_the_columns():
    Y = labels_with(30, 20)
    X = indexed_examples(Y)
    X_train, Y_train, X_dev, Y_dev = train_dev_split(X, Y)
    train_cols, dev_cols = X_train[0], X_dev[0]
    assert not set(train_cols) & set(dev_cols)
    assert sorted(np.concatenate([train_cols, dev_cols])) == list(range(50))
    # Each column still carries its own label.
    np.testing.assert_array_equal(Y_train, Y[:, train_cols])
    np.testing.assert_array_equal(Y_dev, Y[:, dev_cols])


def test_train_dev_split_returns_contiguous_copies_and_leaves_inputs_alone():
    Y = labels_with(10, 10)
    X = indexed_examples(Y).astype(np.float64)
    X_before, Y_before = X.copy(), Y.copy()
    for part in train_dev_split(X, Y):
        assert part.flags["C_CONTIGUOUS"]
        assert not np.shares_memory(part, X) and not np.shares_memory(part, Y)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(Y, Y_before)


@pytest.mark.parametrize("dev_fraction", [0, 1, -0.2, 1.5, float("nan")])
def test_train_dev_split_rejects_dev_fraction_outside_0_1(dev_fraction):
    Y = labels_with(5, 5)
    with pytest.raises(ValueError, match="dev_fraction"):
        train_dev_split(indexed_examples(Y), Y, dev_fraction=dev_fraction)


def test_train_dev_split_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="X and Y"):
        train_dev_split(np.zeros((3, 10)), labels_with(5, 4))
    with pytest.raises(ValueError, match=r"Y should have shape \(1, m\)"):
        train_dev_split(np.zeros((3, 10)), np.zeros(10))


# ---------------------------------------------------------------------------------------------
# stratified_k_folds
# ---------------------------------------------------------------------------------------------


def test_k_folds_dev_parts_partition_all_examples():
    folds = stratified_k_folds(labels_with(137, 72), k=5)
    assert len(folds) == 5
    all_dev = np.concatenate([dev for _, dev in folds])
    assert sorted(all_dev) == list(range(209))


def test_k_folds_train_is_the_complement_of_dev():
    for train_idx, dev_idx in stratified_k_folds(labels_with(13, 8), k=4):
        assert not set(train_idx) & set(dev_idx)
        assert sorted(np.concatenate([train_idx, dev_idx])) == list(range(21))


def test_k_folds_spread_each_class_evenly():
    Y = labels_with(137, 72)
    folds = stratified_k_folds(Y, k=5)
    for label in (0, 1):
        per_fold = [int(np.sum(Y[0, dev] == label)) for _, dev in folds]
        assert max(per_fold) - min(per_fold) <= 1
    sizes = [len(dev) for _, dev in folds]
    assert max(sizes) - min(sizes) <= 1


def test_k_folds_are_reproducible_with_the_same_seed_and_differ_between_seeds():
    Y = labels_with(30, 20)
    for (_, dev_a), (_, dev_b) in zip(
        stratified_k_folds(Y, seed=3), stratified_k_folds(Y, seed=3), strict=True
    ):
        np.testing.assert_array_equal(dev_a, dev_b)
    assert not np.array_equal(
        stratified_k_folds(Y, seed=0)[0][1], stratified_k_folds(Y, seed=1)[0][1]
    )


@pytest.mark.parametrize("k", [1, 11, 2.5])
def test_k_folds_reject_k_outside_2_to_m(k):
    with pytest.raises(ValueError, match="k should be"):
        stratified_k_folds(labels_with(5, 5), k=k)


# ---------------------------------------------------------------------------------------------
# augment_with_flips
# ---------------------------------------------------------------------------------------------


def test_augment_doubles_the_number_of_examples():
    X = flatten_and_scale(random_images(3))
    X_aug, Y_aug = augment_with_flips(X, np.array([[1, 0, 1]]))
    assert X_aug.shape == (12288, 6)
    assert Y_aug.tolist() == [[1, 0, 1, 1, 0, 1]]


def test_augment_keeps_the_originals_first():
    X = flatten_and_scale(random_images(3))
    X_aug, _ = augment_with_flips(X, np.array([[1, 0, 1]]))
    np.testing.assert_array_equal(X_aug[:, :3], X)


@pytest.mark.parametrize("image_shape", [(64, 64, 3), (4, 5, 3)])
def test_augment_second_half_is_the_images_mirrored_left_to_right(image_shape):
    images = random_images(3, shape=image_shape)
    X_aug, _ = augment_with_flips(flatten_and_scale(images), np.array([[1, 0, 1]]), image_shape)
    np.testing.assert_array_equal(X_aug[:, 3:], flatten_and_scale(images[:, :, ::-1, :]))


def test_flipping_twice_gives_back_the_original():
    X = flatten_and_scale(random_images(3))
    Y = np.array([[1, 0, 1]])
    X_aug, _ = augment_with_flips(X, Y)
    X_twice, _ = augment_with_flips(X_aug[:, 3:], Y)
    np.testing.assert_array_equal(X_twice[:, 3:], X)


def test_augment_rejects_x_that_does_not_match_image_shape():
    with pytest.raises(ValueError, match="X.*image_shape"):
        augment_with_flips(np.zeros((100, 2)), np.array([[0, 1]]))


# ---------------------------------------------------------------------------------------------
# class_balance
# ---------------------------------------------------------------------------------------------


def test_class_balance_is_the_fraction_of_cats_as_a_python_float():
    balance = class_balance(np.array([[0, 1, 1, 0]]))
    assert balance == 0.5 and type(balance) is float


# ---------------------------------------------------------------------------------------------
# balance_classes / augment_balanced_flips
# ---------------------------------------------------------------------------------------------


def test_balance_classes_repeats_the_rarer_class_until_both_are_equally_frequent():
    X = np.arange(2 * 7, dtype=float).reshape(2, 7)
    Y = np.array([[0, 1, 0, 0, 1, 0, 0]])

    X_bal, Y_bal = cat_data.balance_classes(X, Y)

    assert Y_bal.shape == (1, 10) and X_bal.shape == (2, 10)
    assert int(Y_bal.sum()) == 5
    np.testing.assert_array_equal(X_bal[:, :7], X)
    # The extra columns cycle through the cats (columns 1 and 4) in order.
    np.testing.assert_array_equal(X_bal[:, 7:], X[:, [1, 4, 1]])
    np.testing.assert_array_equal(Y_bal[:, 7:], [[1, 1, 1]])


def test_balance_classes_leaves_a_balanced_or_single_class_set_as_it_is():
    X = np.ones((3, 4))
    for Y in (np.array([[0, 1, 1, 0]]), np.array([[1, 1, 1, 1]])):
        X_bal, Y_bal = cat_data.balance_classes(X, Y)
        np.testing.assert_array_equal(Y_bal, Y)
        assert X_bal.shape == X.shape


def test_augment_balanced_flips_flips_then_balances():
    rng = np.random.default_rng(0)
    X = rng.random((12, 5))
    Y = np.array([[1, 0, 0, 0, 0]])

    X_aug, Y_aug = cat_data.augment_balanced_flips(X, Y, image_shape=(2, 2, 3))

    X_flip, Y_flip = cat_data.augment_with_flips(X, Y, image_shape=(2, 2, 3))
    np.testing.assert_array_equal(X_aug[:, :10], X_flip)
    assert Y_aug.shape == (1, 16) and int(Y_aug.sum()) == 8
