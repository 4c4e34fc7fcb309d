"""Specification of model_selection: how a model is chosen on training data alone.

* metrics: confusion counts, accuracy, balanced accuracy, log-loss, on hand-made labels; the
  Wilson interval and the standard error on numbers worked out by hand;
* holding data out: the stratified dev split and (repeated) stratified k-fold folds;
* a configuration: its standardizer fitted and its augmentation applied on the training part
  only, and the refit matched to what cross-validation scored;
* cross-validation and the random search: every trial shown, ranked, rejected when useless.
"""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from problems import (
    assert_same_arrays,
    imbalanced_separable_problem,
    noisy_dev_set,
    separable_problem,
)

import model_selection as ms
import neural_net_optimized as nno
import neural_network as nn
from model_selection import stratified_k_folds, train_dev_split


def labels_with(n_neg, n_pos):
    """(1, n_neg + n_pos) labels: n_neg zeros then n_pos ones."""
    return np.array([[0] * n_neg + [1] * n_pos])


def indexed_examples(Y, n_x=3):
    """(n_x, m) examples whose every entry in column j is j, so columns can be traced."""
    return np.tile(np.arange(Y.shape[1]), (n_x, 1))


@pytest.fixture(scope="module")
def trained_batch_norm_network():
    X, Y, _ = separable_problem(m=120, n_x=5, seed=0)
    parameters, _ = nno.model(X, Y, [5, 6, 3, 1], batch_norm=True, num_epochs=5, seed=0)
    return X, parameters


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


def test_confusion_counts_accuracy_and_balanced_accuracy_on_hand_made_labels():
    Y = np.array([[1, 1, 1, 1, 0, 0, 0, 0, 0, 0]])
    Y_pred = np.array([[1, 1, 1, 0, 1, 0, 0, 0, 0, 0]])
    counts = ms.confusion_counts(Y, Y_pred)
    assert counts == {"tp": 3, "fn": 1, "fp": 1, "tn": 5}
    assert all(type(n) is int for n in counts.values())
    assert ms.accuracy(Y, Y_pred) == pytest.approx(8 / 10)
    # recall of cats 3/4, recall of non-cats 5/6
    assert ms.balanced_accuracy(Y, Y_pred) == pytest.approx((3 / 4 + 5 / 6) / 2)


@pytest.mark.parametrize("answer", [0, 1])
def test_a_single_class_predictor_has_balanced_accuracy_one_half(answer):
    Y = np.array([[0, 0, 0, 0, 0, 0, 0, 1, 1, 1]])
    Y_pred = np.full_like(Y, answer)
    assert ms.balanced_accuracy(Y, Y_pred) == pytest.approx(0.5)
    assert ms.accuracy(Y, Y_pred) == pytest.approx(0.7 if answer == 0 else 0.3)


def test_balanced_accuracy_leaves_out_a_class_absent_from_the_labels():
    Y = np.array([[1, 1, 1, 1]])
    assert ms.balanced_accuracy(Y, np.array([[1, 1, 0, 1]])) == pytest.approx(0.75)


def test_confusion_counts_refuse_predictions_of_another_length():
    with pytest.raises(ValueError, match="Y_pred"):
        ms.confusion_counts(np.array([[1, 0, 1]]), np.array([[1, 0]]))


def test_log_loss_is_the_mean_cross_entropy_the_cost_without_l2():
    Y = np.array([[1, 0, 1]])
    probabilities = np.array([[0.9, 0.2, 0.6]])
    expected = -(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3
    assert ms.log_loss(Y, probabilities) == pytest.approx(expected, rel=1e-12)
    assert ms.log_loss(Y, probabilities) == pytest.approx(
        nn.compute_cost(probabilities, Y), rel=1e-12
    )


def test_evaluate_reports_every_score_of_a_hand_made_network():
    # P(cat | x) = sigmoid(x_0): predicted cat exactly when x_0 > 0.
    parameters = {"W1": np.array([[1.0, 0.0]]), "b1": np.array([[0.0]])}
    X = np.array([[2.0, 1.0, -1.0, -2.0, 3.0, -3.0], [5.0, -5.0, 5.0, -5.0, 0.0, 0.0]])
    Y = np.array([[1, 0, 0, 1, 1, 0]])  # predictions: 1, 1, 0, 0, 1, 0
    scores = ms.evaluate(X, Y, parameters)
    assert set(scores) == {"accuracy", "balanced_accuracy", "log_loss", "tp", "fp", "tn", "fn"}
    assert {k: scores[k] for k in ("tp", "fp", "tn", "fn")} == {"tp": 2, "fp": 1, "tn": 2, "fn": 1}
    assert scores["accuracy"] == pytest.approx(4 / 6)
    assert scores["balanced_accuracy"] == pytest.approx((2 / 3 + 2 / 3) / 2)
    # -log sigmoid(z) = log(1 + e^-z) for a cat, -log(1 - sigmoid(z)) = log(1 + e^z) otherwise
    losses = [
        math.log1p(math.exp(-2)),  # cat, z = 2
        math.log1p(math.exp(1)),  # non-cat, z = 1
        math.log1p(math.exp(-1)),  # non-cat, z = -1
        math.log1p(math.exp(2)),  # cat, z = -2
        math.log1p(math.exp(-3)),  # cat, z = 3
        math.log1p(math.exp(-3)),  # non-cat, z = -3
    ]
    assert scores["log_loss"] == pytest.approx(sum(losses) / 6, rel=1e-12)


def test_evaluate_log_loss_leaves_out_the_l2_term(trained_batch_norm_network):
    X, parameters = trained_batch_norm_network
    Y = (X[:1] > 0).astype(np.int64)
    probabilities = nn.predict_proba(X, parameters)
    log_loss = ms.evaluate(X, Y, parameters)["log_loss"]
    assert log_loss == pytest.approx(nn.compute_cost(probabilities, Y), rel=1e-12)
    assert log_loss < nn.compute_cost(probabilities, Y, parameters, lambd=1.0)


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
    with pytest.raises(ValueError, match=r"Y must have shape \(1, m\)"):
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
# Random hyperparameter search
# ---------------------------------------------------------------------------------------------


def cycling(*values):
    """A search-space entry that ignores the generator and returns ``values`` in turn."""
    it = itertools.cycle(values)
    return lambda rng, config: next(it)


def search_space():
    """Trials in turn: Adam (good), gd with an enormous L2 penalty, RMSprop (good), and momentum
    at a learning rate of 1e6 with L2 (diverges).

    The over-regularised gd run shrinks its weights to ~0 while its bias learns the class prior,
    so on the two-thirds-positive problem it answers "cat" for everything.
    """
    settings = {
        "adam": (0.05, 0.0),
        "gd": (0.002, 1e4),
        "rmsprop": (0.01, 0.0),
        "momentum": (1e6, 10.0),
    }
    return {
        "hidden": [()],
        "optimizer": cycling("adam", "gd", "rmsprop", "momentum"),
        "learning_rate": lambda rng, config: settings[config["optimizer"]][0],
        "lambd": lambda rng, config: settings[config["optimizer"]][1],
        "keep_prob": [1.0],
        "batch_norm": [False],
        "mini_batch_size": [None],
        "num_epochs": [300],
    }


@pytest.fixture(scope="module")
def search_result():
    X, Y, _ = imbalanced_separable_problem()
    return X, Y, ms.random_search(X, Y, n_trials=4, space=search_space(), cv=3, seed=0)


def test_random_search_returns_trials_best_first_with_rejected_ones_last(search_result):
    X, Y, result = search_result
    assert set(result) == {"trials", "best_config", "parameters", "history"}
    trials = result["trials"]
    assert len(trials) == 4
    assert sorted(t["trial"] for t in trials) == [0, 1, 2, 3]
    accepted = [t for t in trials if t["rejected"] is None]
    assert [t["optimizer"] for t in accepted] in (["adam", "rmsprop"], ["rmsprop", "adam"])
    assert trials[: len(accepted)] == accepted, "accepted trials come first"
    losses = [t["log_loss"] for t in accepted]
    assert losses == sorted(losses), "ranked by log_loss, lowest first"
    for t in trials:
        assert {"log_loss", "balanced_accuracy", "accuracy", "rejected", "seconds"} <= set(t)
        assert t["seconds"] >= 0


def test_random_search_rejects_a_single_class_predictor_and_a_diverging_run(search_result):
    _, _, result = search_result
    rejected = {t["optimizer"]: t for t in result["trials"] if t["rejected"] is not None}
    assert set(rejected) == {"gd", "momentum"}
    assert rejected["gd"]["rejected"] == "predicts a single class"
    assert rejected["momentum"]["rejected"] == "diverged"
    for t in rejected.values():
        assert all(math.isnan(t[metric]) for metric in ("log_loss", "balanced_accuracy"))


def test_random_search_refits_the_best_configuration_on_all_the_data(search_result):
    X, Y, result = search_result
    best = result["trials"][0]
    space_keys = search_space().keys()
    assert result["best_config"] == {key: best[key] for key in space_keys}
    assert len(result["history"]["cost"]) == result["best_config"]["num_epochs"]
    assert nn.check_parameters(result["parameters"]) == [X.shape[0], 1]
    assert ms.accuracy(Y, nn.predict(X, result["parameters"])) == 1.0


def test_random_search_can_rank_by_balanced_accuracy_highest_first():
    X, Y, _ = imbalanced_separable_problem()
    result = ms.random_search(
        X, Y, n_trials=4, space=search_space(), cv=3, metric="balanced_accuracy", refit=False
    )
    assert "parameters" not in result and "history" not in result
    scores = [t["balanced_accuracy"] for t in result["trials"] if t["rejected"] is None]
    assert len(scores) == 2 and scores == sorted(scores, reverse=True)
    assert [t["rejected"] is None for t in result["trials"]] == [True, True, False, False]


def test_random_search_is_reproducible_for_a_seed():
    X, Y, _ = imbalanced_separable_problem()

    def search(seed):
        result = ms.random_search(X, Y, n_trials=2, space=search_space(), cv=3, seed=seed)
        trials = [{k: v for k, v in t.items() if k != "seconds"} for t in result["trials"]]
        return trials, result["parameters"]

    trials, parameters = search(seed=3)
    trials_again, parameters_again = search(seed=3)
    assert trials_again == trials
    assert_same_arrays(parameters_again, parameters)
    other_trials, _ = search(seed=4)
    assert [t["log_loss"] for t in other_trials] != [t["log_loss"] for t in trials]


def test_random_search_with_a_dev_set_scores_each_configuration_on_it():
    X, Y, w = imbalanced_separable_problem()
    X_dev, Y_dev = noisy_dev_set(w, m=30, flip=0.0, seed=5)  # the same rule, noise-free
    augmented_sizes = []

    def augment(X_part, Y_part):
        augmented_sizes.append(X_part.shape[1])
        return X_part, Y_part

    space = {**search_space(), "optimizer": ["adam"]}
    result = ms.random_search(
        X, Y, n_trials=2, space=space, X_dev=X_dev, Y_dev=Y_dev, augment=augment, seed=0
    )
    # augment only ever sees the training data, never the dev set.
    assert augmented_sizes == [X.shape[1]] * 3
    # The scores are those of the dev set alone: finite, and since the refit trains on (X, Y)
    # with the same seed as the trial did, exactly the returned model's scores on the dev set.
    best = result["trials"][0]
    assert best["rejected"] is None
    assert math.isfinite(best["log_loss"]), f"log_loss of the best trial is {best['log_loss']}"
    scores = ms.evaluate(X_dev, Y_dev, result["parameters"])
    for metric in ("log_loss", "balanced_accuracy", "accuracy"):
        assert best[metric] == pytest.approx(scores[metric], rel=1e-12), metric


def test_cross_validated_search_augments_only_the_training_folds():
    X, Y, _ = imbalanced_separable_problem()  # 54 examples: 3 folds of 18
    augmented_sizes = []

    def augment(X_part, Y_part):
        augmented_sizes.append(X_part.shape[1])
        return X_part, Y_part

    space = {**search_space(), "optimizer": ["adam"], "num_epochs": [20]}
    ms.random_search(X, Y, n_trials=1, space=space, cv=3, augment=augment)
    assert augmented_sizes == [36, 36, 36, 54]  # three training folds, then the refit


def test_random_search_raises_when_every_configuration_is_rejected():
    X, Y, _ = imbalanced_separable_problem()
    X_dev = np.repeat(X[:, :1], 10, axis=1)  # ten copies of one example: one class predicted
    Y_dev = np.array([[0, 1] * 5])
    space = {**search_space(), "optimizer": ["adam"], "num_epochs": [20]}
    with pytest.raises(RuntimeError, match="rejected"):
        ms.random_search(X, Y, n_trials=2, space=space, X_dev=X_dev, Y_dev=Y_dev)


def test_random_search_refuses_bad_arguments():
    X, Y, _ = imbalanced_separable_problem()
    with pytest.raises(ValueError, match="metric"):
        ms.random_search(X, Y, n_trials=1, metric="f1")
    with pytest.raises(ValueError, match="X_dev.*Y_dev"):
        ms.random_search(X, Y, n_trials=1, X_dev=X[:, :5])
    with pytest.raises(ValueError, match="n_trials"):
        ms.random_search(X, Y, n_trials=0)


@pytest.mark.parametrize(
    ("metric", "error"),
    [
        ("f1", ValueError),
        (None, ValueError),
        (3, ValueError),
        (["accuracy"], TypeError),  # unhashable: `in METRICS` would raise "unhashable type"
        ({"accuracy": 1}, TypeError),
        (np.array(["accuracy", "log_loss"]), TypeError),
        (np.array("accuracy"), TypeError),  # a 0-d array is not a name either
    ],
)
def test_ranking_by_a_metric_that_is_not_a_known_name_is_refused_naming_metric(metric, error):
    trials = [{"trial": 0, "log_loss": 0.5, "accuracy": 0.5, "rejected": None}]
    with pytest.raises(error, match=r"metric must be one of \('log_loss'") as raised:
        ms.rank_trials(trials, metric)
    assert "\n" not in str(raised.value) and "array(" not in str(raised.value)
    X, Y, _ = imbalanced_separable_problem()
    with pytest.raises(error, match="metric"):
        ms.random_search(X, Y, n_trials=1, metric=metric)


def test_ranking_puts_rejected_trials_last_whatever_their_score_says():
    trials = [
        {"trial": 0, "log_loss": None, "rejected": "diverged"},  # None: read back from JSON
        {"trial": 1, "log_loss": 0.7, "rejected": None},
        {"trial": 2, "log_loss": math.nan, "rejected": "predicts a single class"},
        {"trial": 3, "log_loss": 0.4, "rejected": None},
    ]
    assert [t["trial"] for t in ms.rank_trials(trials, "log_loss")] == [3, 1, 0, 2]
    with pytest.raises(ValueError, match=r"trials\[1\]\['log_loss'\] must be finite"):
        ms.rank_trials([trials[3], {**trials[1], "log_loss": math.nan}], "log_loss")


def test_sample_configuration_draws_in_order_with_python_values():
    space = {
        "a": [1, 2, 3],
        "b": lambda rng, config: config["a"] * 10,  # sees the values drawn before it
        "c": np.array([0.25, 0.5]),
        "d": [(8,), (4, 2)],
    }
    configs = [ms.sample_configuration(space, np.random.default_rng(s)) for s in range(30)]
    for config in configs:
        assert list(config) == ["a", "b", "c", "d"]
        assert config["b"] == 10 * config["a"]
        assert type(config["c"]) is float and config["c"] in (0.25, 0.5)
        assert config["d"] in [(8,), (4, 2)]
    assert {config["a"] for config in configs} == {1, 2, 3}
    assert ms.sample_configuration(space, np.random.default_rng(4)) == configs[4]


def test_default_search_space_draws_learning_rates_in_the_range_of_the_drawn_optimiser():
    rng = np.random.default_rng(0)
    ranges = {"momentum": (3e-3, 3e-2), "rmsprop": (5e-5, 2e-3), "adam": (5e-5, 2e-3)}
    for _ in range(60):
        config = ms.sample_configuration(ms.DEFAULT_SEARCH_SPACE, rng)
        low, high = ranges[config["optimizer"]]
        assert low <= config["learning_rate"] <= high


def test_format_trials_renders_a_header_and_one_line_per_trial(search_result):
    _, _, result = search_result
    trials = result["trials"]
    table = ms.format_trials(trials)
    assert isinstance(table, str)
    lines = table.splitlines()
    assert len(lines) == 1 + len(trials)
    for title in ("trial", "optimizer", "lr", "logloss", "rejected"):
        assert title in lines[0]
    assert "predicts a single class" in table and "diverged" in table
    assert len(ms.format_trials(trials, top=1).splitlines()) == 2
    assert len(ms.format_trials(trials, header=False).splitlines()) == len(trials)


def test_format_trials_renders_trials_of_a_space_that_varies_only_some_settings():
    """A space need not name every model() argument (train_configuration defaults hidden to ()
    and model() has defaults), and verbose=True prints each trial with format_trials."""
    X, Y, _ = imbalanced_separable_problem()
    space = {"optimizer": ["adam"], "learning_rate": [0.05], "num_epochs": [20]}
    result = ms.random_search(X, Y, n_trials=1, space=space, cv=3, refit=False)
    assert result["trials"][0]["rejected"] is None
    table = ms.format_trials(result["trials"])
    assert len(table.splitlines()) == 2


# ---------------------------------------------------------------------------------------------
# Uncertainty: the Wilson interval and the standard error
# ---------------------------------------------------------------------------------------------


def test_wilson_interval_of_40_out_of_50_matches_the_hand_computation():
    # p = 0.8, z^2 = 3.8416: centre 0.8 + 3.8416 / 100 = 0.838416, half width
    # 1.96 sqrt(0.0032 + 0.00038416) = 0.117341, both divided by 1 + 3.8416 / 50 = 1.076832.
    low, high = ms.wilson_interval(40, 50)
    assert low == pytest.approx(0.721075 / 1.076832, abs=1e-5)  # 0.6696
    assert high == pytest.approx(0.955757 / 1.076832, abs=1e-5)  # 0.8876
    assert type(low) is float and type(high) is float


def test_wilson_interval_stays_inside_0_1_and_is_not_empty_at_the_ends():
    low, high = ms.wilson_interval(0, 50)
    assert low == pytest.approx(0.0, abs=1e-12) and 0 < high < 0.1
    low, high = ms.wilson_interval(50, 50)
    assert 0.9 < low < 1 and high == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize(
    ("successes", "n", "error"),
    [(51, 50, ValueError), (-1, 50, ValueError), (10, 0, ValueError), (2.5, 10, TypeError)],
)
def test_wilson_interval_refuses_impossible_counts(successes, n, error):
    with pytest.raises(error, match="successes|n"):
        ms.wilson_interval(successes, n)


def test_standard_error_uses_the_sample_standard_deviation():
    mean, se = ms.mean_and_standard_error([1.0, 2.0, 3.0, 4.0])
    # s^2 = ((1.5^2 + 0.5^2) * 2) / 3 = 5 / 3, so se = sqrt(5 / 3) / 2 = 0.6454972
    assert mean == 2.5
    assert se == pytest.approx(math.sqrt(5 / 3) / 2, rel=1e-12)
    assert math.isnan(ms.mean_and_standard_error([0.7])[1])


def test_the_ensemble_probability_is_the_mean_of_the_members_probabilities(
    trained_batch_norm_network,
):
    X, parameters = trained_batch_norm_network
    other = {**parameters, "b3": parameters["b3"] + 1.0}
    expected = (nn.predict_proba(X, parameters) + nn.predict_proba(X, other)) / 2
    np.testing.assert_allclose(ms.ensemble_proba(X, [parameters, other]), expected, rtol=1e-12)
    with pytest.raises(TypeError, match="members"):
        ms.ensemble_proba(X, parameters)


# ---------------------------------------------------------------------------------------------
# Repeated stratified folds
# ---------------------------------------------------------------------------------------------


def test_repeated_folds_are_independent_stratified_k_fold_splits_one_after_the_other():
    Y = labels_with(137, 72)
    splits = ms.repeated_stratified_k_folds(Y, k=4, repeats=3, seed=5)
    assert len(splits) == 12
    for r in range(3):
        expected = stratified_k_folds(Y, k=4, seed=5 + r)
        for (train, dev), (train_r, dev_r) in zip(splits[4 * r : 4 * r + 4], expected, strict=True):
            np.testing.assert_array_equal(dev, dev_r)
            np.testing.assert_array_equal(train, train_r)
        all_dev = np.concatenate([dev for _, dev in splits[4 * r : 4 * r + 4]])
        assert sorted(all_dev) == list(range(209)), "each repeat is a partition"
    assert not np.array_equal(splits[0][1], splits[4][1]), "the repeats shuffle differently"


# ---------------------------------------------------------------------------------------------
# One configuration: preprocessing and augmentation on the training part only
# ---------------------------------------------------------------------------------------------


def image_problem(m=24, seed=0):
    """``m`` random 64x64x3 'images' (12288 rows), a third of them positive."""
    rng = np.random.default_rng(seed)
    X = rng.random((12288, m)).astype(np.float32)
    Y = (np.arange(m) % 3 == 0).astype(np.int64)[None, :]
    X[:20, Y[0] == 1] += 0.5  # a signal in a few pixels
    return X, Y


SMALL_CONFIG = {"hidden": (), "optimizer": "adam", "learning_rate": 0.01, "num_epochs": 3}


def test_the_standardizer_is_fitted_on_the_training_data_and_travels_with_the_network():
    X, Y = image_problem()
    config = {**SMALL_CONFIG, "standardize": "channel", "augment": "flips+balance"}
    parameters, _ = ms.train_configuration(X, Y, config, seed=0)
    stats = nn.fit_standardizer(X, per="channel")  # on X itself, not on the augmented set
    np.testing.assert_array_equal(parameters["input_mean"], stats["input_mean"])
    np.testing.assert_array_equal(parameters["input_scale"], stats["input_scale"])


def test_a_named_augmentation_is_applied_to_the_training_set_with_the_seed(monkeypatch):
    X, Y = image_problem()
    seen = []
    real_model = nno.model

    def spy_model(X_fit, Y_fit, *args, **kwargs):
        seen.append((X_fit.shape[1], int(Y_fit.sum())))
        return real_model(X_fit, Y_fit, *args, **kwargs)

    monkeypatch.setattr(nno, "model", spy_model)
    config = {**SMALL_CONFIG, "augment": "flips+shifts+balance", "shift_copies": 2}
    ms.train_configuration(X, Y, config, seed=0)
    # 24 images, 8 of them positive: flips 48 (16), two shifted copies 144 (48), balanced 192.
    assert seen == [(192, 96)]


def test_matched_refit_keeps_lambd_over_m_and_the_number_of_updates():
    config = {"hidden": (8,), "lambd": 3.0, "num_epochs": 40, "mini_batch_size": 64}
    refit = ms.matched_refit(config, fold_size=150, full_size=200)
    assert refit["lambd"] == pytest.approx(3.0 * 200 / 150)  # lambd / m unchanged
    assert refit["num_epochs"] == 30  # 40 epochs of 150 examples ~ 30 epochs of 200
    full_batch = ms.matched_refit({**config, "mini_batch_size": None}, 150, 200)
    assert full_batch["num_epochs"] == 40  # one update per epoch either way
    assert config["lambd"] == 3.0, "the configuration given is not modified"


@pytest.mark.parametrize(
    ("config", "error", "match"),
    [
        (None, TypeError, "config must be a dict"),
        ({"hiden": (3,)}, ValueError, "unknown keys"),
        ({"hidden": "16"}, TypeError, "hidden"),
        ({"standardize": "pixel"}, ValueError, "standardize"),
        ({"augment": "flip"}, ValueError, "augment"),
    ],
)
def test_a_bad_configuration_is_refused_naming_what_is_wrong(config, error, match):
    X, Y = image_problem(m=6)
    with pytest.raises(error, match=match):
        ms.train_configuration(X, Y, config)


# ---------------------------------------------------------------------------------------------
# Cross-validation
# ---------------------------------------------------------------------------------------------


def test_cross_validation_fits_each_standardizer_on_its_training_fold_only(monkeypatch):
    X, Y = image_problem(m=30)
    splits = stratified_k_folds(Y, k=3, seed=0)
    fitted_on = []
    real_fit = nn.fit_standardizer

    def spy_fit(X_part, **kwargs):
        fitted_on.append(X_part.shape[1])
        return real_fit(X_part, **kwargs)

    monkeypatch.setattr(nn, "fit_standardizer", spy_fit)
    ms.cross_validate(X, Y, {**SMALL_CONFIG, "standardize": "feature"}, splits)
    assert fitted_on == [len(train) for train, _ in splits] == [20, 20, 20]


def test_cross_validation_reports_the_mean_and_standard_error_over_the_folds():
    X, Y, _ = imbalanced_separable_problem()
    splits = ms.repeated_stratified_k_folds(Y, k=3, repeats=2, seed=0)
    config = {"hidden": (), "optimizer": "adam", "learning_rate": 0.05, "num_epochs": 100,
              "mini_batch_size": None}  # fmt: skip
    result = ms.cross_validate(X, Y, config, splits)
    assert result["rejected"] is None and len(result["fold_scores"]) == 6
    values = [s["balanced_accuracy"] for s in result["fold_scores"]]
    assert result["balanced_accuracy"] == pytest.approx(np.mean(values))
    assert result["balanced_accuracy_se"] == pytest.approx(np.std(values, ddof=1) / math.sqrt(6))


def test_the_majority_baseline_scores_one_half_balanced_accuracy_on_every_fold():
    Y = labels_with(40, 20)
    splits = stratified_k_folds(Y, k=4, seed=0)
    result = ms.majority_baseline(Y, splits)
    for (_, dev), scores in zip(splits, result["fold_scores"], strict=True):
        assert scores["balanced_accuracy"] == 0.5
        assert scores["accuracy"] == pytest.approx(np.mean(Y[0, dev] == 0))
    assert result["balanced_accuracy"] == 0.5 and result["balanced_accuracy_se"] == 0.0


def test_random_search_with_repeated_cv_scores_every_trial_on_every_fold():
    X, Y, _ = imbalanced_separable_problem()
    space = {"hidden": [()], "optimizer": ["adam"], "learning_rate": [0.05, 0.02],
             "num_epochs": [50], "mini_batch_size": [None]}  # fmt: skip
    result = ms.random_search(X, Y, n_trials=3, space=space, cv=3, repeats=2,
                              metric="balanced_accuracy", refit=False)  # fmt: skip
    assert len(result["trials"]) == 3
    for trial in result["trials"]:
        assert len(trial["fold_scores"]) == 6
        assert {"balanced_accuracy_se", "accuracy_se", "log_loss_se"} <= set(trial)


def test_random_search_takes_augmentations_by_name_and_shows_them():
    X, Y = image_problem(m=30)
    space = {**{k: [v] for k, v in SMALL_CONFIG.items()}, "augment": ["flips", "none"],
             "standardize": [None, "channel"]}  # fmt: skip
    result = ms.random_search(X, Y, n_trials=2, space=space, cv=3, seed=1, refit=False)
    header = ms.format_trials(result["trials"]).splitlines()[0]
    assert "augment" in header and "std" in header
    space.pop("augment")
    flipped = ms.random_search(X, Y, n_trials=1, space=space, cv=3, augment="flips", refit=False)
    assert flipped["trials"][0]["rejected"] in (None, "predicts a single class")
    with pytest.raises(ValueError, match="augment"):
        ms.random_search(X, Y, n_trials=1, space=space, cv=3, augment="flip")


# ---------------------------------------------------------------------------------------------
# The confusion matrix of K classes
# ---------------------------------------------------------------------------------------------


def test_confusion_matrix_on_hand_made_labels_of_three_classes():
    Y = np.array([[0, 0, 0, 1, 1, 2, 2, 2, 2]])
    Y_pred = np.array([[0, 1, 0, 1, 2, 2, 2, 0, 2]])
    # true 0: predicted 0, 1, 0; true 1: 1, 2; true 2: 2, 2, 0, 2.
    expected = [[2, 1, 0], [0, 1, 1], [1, 0, 3]]
    C = ms.confusion_matrix(Y, Y_pred)
    assert C.dtype == np.int64 and C.shape == (3, 3)
    np.testing.assert_array_equal(C, expected)
    assert np.trace(C) / Y.size == pytest.approx(6 / 9)  # the accuracy


def test_binary_confusion_matrix_holds_the_confusion_counts():
    Y = np.array([[1, 1, 1, 1, 0, 0, 0, 0, 0, 0]])
    Y_pred = np.array([[1, 1, 1, 0, 1, 0, 0, 0, 0, 0]])
    c = ms.confusion_counts(Y, Y_pred)
    np.testing.assert_array_equal(
        ms.confusion_matrix(Y, Y_pred), [[c["tn"], c["fp"]], [c["fn"], c["tp"]]]
    )


def test_confusion_matrix_takes_num_classes_integer_dtypes_bools_and_whole_floats():
    Y = np.array([[0, 2]], dtype=np.uint8)
    C = ms.confusion_matrix(Y, np.array([[0.0, 1.0]]), num_classes=4)
    np.testing.assert_array_equal(C, [[1, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]])
    C = ms.confusion_matrix(np.array([[True, False]]), np.array([[1, 1]], dtype=np.int16))
    np.testing.assert_array_equal(C, [[0, 1], [0, 1]])
    np.testing.assert_array_equal(ms.confusion_matrix([[0]], [[0]]), [[1]])


@pytest.mark.parametrize(
    ("Y", "Y_pred", "num_classes", "error", "name"),
    [
        ([[0, 1]], [[0, 1, 1]], None, ValueError, "Y_pred"),
        ([[0, -1]], [[0, 1]], None, ValueError, r"\bY\b"),
        ([[0, 1]], [[0, 1.5]], None, ValueError, "Y_pred"),
        ([[0, 1]], [[0, np.nan]], None, ValueError, "Y_pred"),
        ([[0, 3]], [[0, 1]], 3, ValueError, r"\bY\b.*0\.\.2 \(K = 3 classes\)"),
        ([[0, 1]], [[0, 5]], 2, ValueError, "Y_pred"),
        ([0, 1], [[0, 1]], None, ValueError, r"\bY\b"),
        ([[]], [[]], None, ValueError, r"\bY\b"),
        ("0 1", [[0, 1]], None, TypeError, r"\bY\b"),
        ([[0, 1]], np.array([[0, 1j]]), None, TypeError, "Y_pred"),
        ([[0, 1]], [[0, 1]], 0, ValueError, "num_classes"),
        ([[0, 1]], [[0, 1]], 2.0, TypeError, "num_classes"),
        ([[0, 10**6]], [[0, 1]], None, ValueError, "at most"),
        ([[0, 1]], [[0, 0]], 1, ValueError, r"\bY\b.*0\.\.0"),
    ],
)
def test_confusion_matrix_refuses_bad_labels_and_num_classes_naming_them(
    Y, Y_pred, num_classes, error, name
):
    with pytest.raises(error, match=name):
        ms.confusion_matrix(Y, Y_pred, num_classes)


@st.composite
def label_pairs(draw):
    """``(Y, Y_pred, num_classes)``: 1 to 40 labels below K, K from 1 to 6 or None."""
    K = draw(st.integers(1, 6))
    m = draw(st.integers(1, 40))
    labels = st.lists(st.integers(0, K - 1), min_size=m, max_size=m)
    dtype = draw(st.sampled_from([np.int64, np.int32, np.uint8, np.float64]))
    Y, Y_pred = (np.array([draw(labels)], dtype=dtype) for _ in range(2))
    return Y, Y_pred, draw(st.sampled_from([K, None]))


@settings(max_examples=50, deadline=None)
@given(label_pairs())
@pytest.mark.filterwarnings("ignore:A single label was found")  # scikit-learn's, for K = 1
def test_confusion_matrix_agrees_with_scikit_learn(pair):
    from sklearn.metrics import confusion_matrix

    Y, Y_pred, num_classes = pair
    C = ms.confusion_matrix(Y, Y_pred, num_classes)
    K = num_classes or int(max(Y.max(), Y_pred.max())) + 1
    assert C.shape == (K, K) and C.dtype == np.int64
    np.testing.assert_array_equal(C, confusion_matrix(Y[0], Y_pred[0], labels=range(K)))
    np.testing.assert_array_equal(C.sum(axis=1), np.bincount(Y[0].astype(int), minlength=K))


# ---------------------------------------------------------------------------------------------
# K classes: the metrics, the folds, cross-validation and the search
# ---------------------------------------------------------------------------------------------


def three_classes(m=60, seed=0):
    """Three well-separated Gaussian blobs in 2-D: labels (1, m) 0, 1, 2 in turn."""
    rng = np.random.default_rng(seed)
    Y = (np.arange(m) % 3)[None, :]
    centres = np.array([[0.0, 3.0, -3.0], [3.0, -2.0, -2.0]])
    return centres[:, Y[0]] + 0.5 * rng.standard_normal((2, m)), Y


def test_k_class_metrics_agree_with_scikit_learn_s_definitions():
    from sklearn import metrics

    rng = np.random.default_rng(1)
    y, y_pred = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
    probabilities = rng.dirichlet(np.ones(4), 50).T
    assert ms.accuracy(y[None], y_pred[None]) == metrics.accuracy_score(y, y_pred)
    assert ms.balanced_accuracy(y[None], y_pred[None]) == pytest.approx(
        metrics.balanced_accuracy_score(y, y_pred), abs=1e-15
    )
    assert ms.log_loss(y[None], probabilities) == pytest.approx(
        metrics.log_loss(y, probabilities.T, labels=range(4)), rel=1e-12
    )
    np.testing.assert_allclose(
        ms.recall_per_class(y[None], y_pred[None]),
        metrics.recall_score(y, y_pred, average=None),
        rtol=1e-15,
    )


def test_hand_worked_k_class_scores_from_probabilities():
    Y = np.array([[0, 1, 2, 2]])
    probabilities = np.array([[0.7, 0.2, 0.1, 0.1], [0.2, 0.5, 0.6, 0.1], [0.1, 0.3, 0.3, 0.8]])
    scores = ms.scores_from_probabilities(Y, probabilities)
    assert scores["confusion_matrix"] == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    assert scores["recall_per_class"] == [1.0, 1.0, 0.5]
    assert scores["accuracy"] == 0.75
    assert scores["balanced_accuracy"] == pytest.approx(2.5 / 3)
    expected = -np.mean(np.log([0.7, 0.5, 0.3, 0.8]))
    assert scores["log_loss"] == pytest.approx(expected, rel=1e-12)
    assert set(scores) == {"accuracy", "balanced_accuracy", "log_loss", "confusion_matrix",
                           "recall_per_class"}  # fmt: skip


def test_binary_scores_keep_their_keys():
    scores = ms.scores_from_probabilities(np.array([[0, 1, 1]]), np.array([[0.2, 0.9, 0.4]]))
    assert set(scores) == {"accuracy", "balanced_accuracy", "log_loss", "tp", "fp", "tn", "fn"}


def test_one_hot_and_integer_labels_give_the_same_scores():
    Y = np.array([[0, 1, 2, 2, 1]])
    probabilities = np.random.default_rng(2).dirichlet(np.ones(3), 5).T
    one_hot = (np.arange(3)[:, None] == Y).astype(float)
    assert ms.scores_from_probabilities(one_hot, probabilities) == ms.scores_from_probabilities(
        Y, probabilities
    )


def test_k_class_splits_and_folds_are_stratified_over_every_class():
    X, Y = three_classes(m=90)
    _, Y_train, _, Y_dev = ms.train_dev_split(X, Y, 0.2, seed=3)
    assert np.bincount(Y_dev[0]).tolist() == [6, 6, 6]
    assert np.bincount(Y_train[0]).tolist() == [24, 24, 24]
    for _, dev_idx in ms.stratified_k_folds(Y, k=5, seed=1):
        assert np.bincount(Y[0, dev_idx], minlength=3).tolist() == [6, 6, 6]
    one_hot = (np.arange(3)[:, None] == Y).astype(float)
    assert [d.tolist() for _, d in ms.stratified_k_folds(one_hot, 5, 1)] == [
        d.tolist() for _, d in ms.stratified_k_folds(Y, 5, 1)
    ]


def test_cross_validation_and_the_majority_baseline_of_k_classes():
    X, Y = three_classes(m=60)
    splits = ms.stratified_k_folds(Y, k=3, seed=0)
    config = {"hidden": (8,), "optimizer": "adam", "learning_rate": 0.05, "num_epochs": 30,
              "mini_batch_size": None}  # fmt: skip
    result = ms.cross_validate(X, Y, config, splits)
    assert result["rejected"] is None and result["accuracy"] > 0.9
    assert len(result["fold_scores"][0]["confusion_matrix"]) == 3
    baseline = ms.majority_baseline(Y, splits)
    assert baseline["balanced_accuracy"] == pytest.approx(1 / 3)


def test_a_fold_missing_the_last_class_still_trains_k_outputs():
    X, Y = three_classes(m=30)
    parameters, _ = ms.train_configuration(X[:, Y[0] < 2], Y[:, Y[0] < 2], {"hidden": (4,)},
                                           num_classes=3, num_epochs=2)  # fmt: skip
    assert parameters["W2"].shape == (3, 4)
    assert ms.output_units(Y) == 3 and ms.output_units(np.array([[0, 1, 1]])) == 1


def test_random_search_over_k_classes_ranks_and_refits():
    X, Y = three_classes(m=45)
    space = {"hidden": [(4,), (8,)], "optimizer": ["adam"], "learning_rate": [0.05],
             "num_epochs": [10], "mini_batch_size": [None]}  # fmt: skip
    result = ms.random_search(X, Y, n_trials=2, space=space, cv=3, metric="balanced_accuracy")
    assert result["parameters"][f"W{2}"].shape[0] == 3
    assert nn.predict(X, result["parameters"]).max() <= 2
