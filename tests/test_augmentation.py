"""Specification of augmentation: mirror images, shifted copies and class balancing.

Every function takes images flattened one per column in (H, W, C) order and keeps the labels
of the images it copies. The images here are random pixels made by the tests, some of a small
(H, W, C) so that a moved pixel can be followed by hand.
"""

import numpy as np
import pytest

import augmentation
from augmentation import (
    augment,
    augment_balanced_flips,
    augment_with_flips,
    augment_with_shifts,
    balance_classes,
    mirror_images,
    shift_images,
)
from cat_data import flatten_and_scale

pytestmark = pytest.mark.filterwarnings("error")


def random_images(m, shape=(64, 64, 3), seed=0):
    """(m, *shape) uint8 images of random pixels."""
    return np.random.default_rng(seed).integers(0, 256, size=(m, *shape), dtype=np.uint8)


def as_images(X, shape):
    return X.T.reshape(X.shape[1], *shape)


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


def test_mirror_images_is_the_second_half_of_the_flipped_set_and_its_own_inverse():
    X = flatten_and_scale(random_images(3))
    np.testing.assert_array_equal(
        mirror_images(X), augment_with_flips(X, np.ones((1, 3)))[0][:, 3:]
    )
    np.testing.assert_array_equal(mirror_images(mirror_images(X)), X)


# ---------------------------------------------------------------------------------------------
# Shifts
# ---------------------------------------------------------------------------------------------

SMALL = (6, 7, 3)


@pytest.mark.parametrize(("dy", "dx"), [(2, 0), (0, -3), (-1, 2), (0, 0)])
@pytest.mark.parametrize("mode", ["edge", "reflect"])
def test_a_shifted_image_is_the_original_moved_by_dy_down_and_dx_right(dy, dx, mode):
    images = random_images(2, SMALL)
    X = flatten_and_scale(images)
    moved = as_images(shift_images(X, np.array([[dy, dx], [0, 0]]), SMALL, mode), SMALL)

    H, W = SMALL[:2]
    for y in range(H):
        for x in range(W):
            if 0 <= y - dy < H and 0 <= x - dx < W:  # the pixel came from inside the image
                np.testing.assert_array_equal(moved[0, y, x], images[0, y - dy, x - dx] / 255)
    np.testing.assert_array_equal(moved[1], images[1] / 255)  # a (0, 0) shift changes nothing


def test_the_uncovered_border_repeats_the_edge_or_mirrors_the_image():
    images = random_images(1, SMALL)
    X = flatten_and_scale(images)
    edge = as_images(shift_images(X, np.array([[0, 2]]), SMALL, "edge"), SMALL)[0]
    reflect = as_images(shift_images(X, np.array([[0, 2]]), SMALL, "reflect"), SMALL)[0]
    # Moved 2 to the right: columns 0 and 1 are new. Edge mode repeats column 0 of the image;
    # reflect mode mirrors it about column 0 (columns 2 and 1, in that order).
    for column in (0, 1):
        np.testing.assert_array_equal(edge[:, column], images[0, :, 0] / 255)
    np.testing.assert_array_equal(reflect[:, 0], images[0, :, 2] / 255)
    np.testing.assert_array_equal(reflect[:, 1], images[0, :, 1] / 255)


def test_augment_with_shifts_adds_copies_that_keep_their_labels():
    X = flatten_and_scale(random_images(4))
    Y = np.array([[1, 0, 0, 1]])
    X_aug, Y_aug = augment_with_shifts(X, Y, copies=2, max_shift=3, seed=0)
    assert X_aug.shape == (12288, 12)
    np.testing.assert_array_equal(X_aug[:, :4], X)  # the originals first
    np.testing.assert_array_equal(Y_aug, np.tile(Y, 3))
    assert not np.array_equal(X_aug[:, 4:8], X), "the copies are moved"


def test_shifts_are_at_most_max_shift_and_each_copy_is_a_shift_of_its_original():
    X = flatten_and_scale(random_images(5, SMALL, seed=3))
    X_aug, _ = augment_with_shifts(X, np.zeros((1, 5)), copies=1, max_shift=2, seed=1,
                                   image_shape=SMALL)  # fmt: skip
    for j in range(5):
        candidates = [
            shift_images(X[:, [j]], np.array([[dy, dx]]), SMALL)
            for dy in range(-2, 3)
            for dx in range(-2, 3)
        ]
        assert any(np.array_equal(X_aug[:, [5 + j]], c) for c in candidates)


def test_a_seed_makes_the_shifts_repeatable_and_another_seed_differs():
    X = flatten_and_scale(random_images(6))
    Y = np.zeros((1, 6))
    first = augment_with_shifts(X, Y, copies=1, max_shift=4, seed=7)[0]
    np.testing.assert_array_equal(
        augment_with_shifts(X, Y, copies=1, max_shift=4, seed=7)[0], first
    )
    assert not np.array_equal(augment_with_shifts(X, Y, copies=1, max_shift=4, seed=8)[0], first)


def test_shift_images_refuses_shifts_of_the_wrong_shape_or_larger_than_the_image():
    X = flatten_and_scale(random_images(2, SMALL))
    with pytest.raises(ValueError, match="shifts"):
        shift_images(X, np.zeros((3, 2), dtype=int), SMALL)
    with pytest.raises(ValueError, match="shifts"):
        shift_images(X, np.array([[6, 0], [0, 0]]), SMALL)
    with pytest.raises(ValueError, match="mode"):
        shift_images(X, np.zeros((2, 2), dtype=int), SMALL, mode="wrap")


# ---------------------------------------------------------------------------------------------
# balance_classes / augment_balanced_flips
# ---------------------------------------------------------------------------------------------


def test_balance_classes_repeats_the_rarer_class_until_both_are_equally_frequent():
    X = np.arange(2 * 7, dtype=float).reshape(2, 7)
    Y = np.array([[0, 1, 0, 0, 1, 0, 0]])

    X_bal, Y_bal = balance_classes(X, Y)

    assert Y_bal.shape == (1, 10) and X_bal.shape == (2, 10)
    assert int(Y_bal.sum()) == 5
    np.testing.assert_array_equal(X_bal[:, :7], X)
    # The extra columns cycle through the cats (columns 1 and 4) in order.
    np.testing.assert_array_equal(X_bal[:, 7:], X[:, [1, 4, 1]])
    np.testing.assert_array_equal(Y_bal[:, 7:], [[1, 1, 1]])


def test_balance_classes_leaves_a_balanced_or_single_class_set_as_it_is():
    X = np.ones((3, 4))
    for Y in (np.array([[0, 1, 1, 0]]), np.array([[1, 1, 1, 1]])):
        X_bal, Y_bal = balance_classes(X, Y)
        np.testing.assert_array_equal(Y_bal, Y)
        assert X_bal.shape == X.shape


def test_augment_balanced_flips_flips_then_balances():
    rng = np.random.default_rng(0)
    X = rng.random((12, 5))
    Y = np.array([[1, 0, 0, 0, 0]])

    X_aug, Y_aug = augment_balanced_flips(X, Y, image_shape=(2, 2, 3))

    X_flip, Y_flip = augment_with_flips(X, Y, image_shape=(2, 2, 3))
    np.testing.assert_array_equal(X_aug[:, :10], X_flip)
    assert Y_aug.shape == (1, 16) and int(Y_aug.sum()) == 8


def test_balance_classes_keeps_the_label_dtype_and_refuses_labels_other_than_0_and_1():
    X = np.ones((2, 3))
    _, Y_bal = balance_classes(X, np.array([[0, 0, 1]], dtype=np.int64))
    assert Y_bal.dtype == np.int64
    with pytest.raises(ValueError, match="0 and 1"):
        balance_classes(X, np.array([[0, 2, 1]]))


# ---------------------------------------------------------------------------------------------
# Named augmentations
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "steps"),
    [
        ("none", ()),
        ("flips", ("flips",)),
        ("balanced-flips", ("flips", "balance")),
        ("balance+flips", ("flips", "balance")),  # applied in the fixed order whatever the text
        ("flips+shifts+balance", ("flips", "shifts", "balance")),
    ],
)
def test_a_named_augmentation_is_its_steps_in_order(spec, steps):
    assert augmentation.augmentation_steps(spec) == steps


@pytest.mark.parametrize("spec", ["flip", "flips+flips", "", "flips+", "rotations"])
def test_an_unknown_or_repeated_step_is_refused_naming_the_choices(spec):
    with pytest.raises(ValueError, match="augment must be"):
        augmentation.augmentation_steps(spec)


def test_augment_by_name_equals_the_functions_it_names():
    X = flatten_and_scale(random_images(5))
    Y = np.array([[1, 0, 0, 0, 1]])
    X_named, Y_named = augment(X, Y, "flips+shifts+balance", seed=3, shift_copies=2, max_shift=5)
    X_by_hand, Y_by_hand = balance_classes(
        *augment_with_shifts(*augment_with_flips(X, Y), copies=2, max_shift=5, seed=3)
    )
    np.testing.assert_array_equal(X_named, X_by_hand)
    np.testing.assert_array_equal(Y_named, Y_by_hand)
    np.testing.assert_array_equal(
        augment(X, Y, "balanced-flips")[0], augment_balanced_flips(X, Y)[0]
    )


def test_augment_none_returns_copies_and_no_function_modifies_its_input():
    X = flatten_and_scale(random_images(3))
    Y = np.array([[1, 0, 1]])
    X_before, Y_before = X.copy(), Y.copy()
    X_none, Y_none = augment(X, Y, "none")
    assert X_none is not X and np.array_equal(X_none, X)
    augment(X, Y, "flips+shifts+balance", shift_copies=1)
    mirror_images(X)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(Y, Y_before)
