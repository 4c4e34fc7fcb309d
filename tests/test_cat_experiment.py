"""The committed search record (docs/cat_search.json) is what cat_experiment's code produces.

`make search` takes about ten minutes, too long for the test suite, so the record is checked
piece by piece: the configurations are the ones the seeded search draws, the chosen one is the
best by the protocol's rule, the summaries are the means of the fold scores, the refit is the
matched one, and one fold of the chosen trial, trained again, scores what the record says. That
retraining runs BLAS, whose rounding differs between CPUs (the record names its machine), so a
difference of up to two images of that fold is allowed.
"""

import math

import numpy as np
import pytest

import cat_experiment as experiment
import model_selection as ms


@pytest.fixture(scope="module")
def record():
    return experiment.load_search_record()


def test_every_trial_is_the_configuration_the_seeded_search_draws(record):
    settings = record["settings"]
    assert settings == experiment.SEARCH_SETTINGS
    rng = np.random.default_rng(settings["seed"])
    trials = record["trials"]
    assert [t["trial"] for t in trials] == list(range(settings["n_trials"]))
    for trial in trials:
        config = ms.check_configuration(ms.sample_configuration(experiment.CAT_SEARCH_SPACE, rng))
        assert {key: trial[key] for key in config} == config, f"trial {trial['trial']}"


def test_each_trial_summarises_its_folds_and_the_chosen_one_is_the_best(record):
    settings = record["settings"]
    n_folds = settings["folds"] * settings["repeats"]
    for trial in record["trials"]:
        if trial["rejected"] is not None:
            assert math.isnan(trial["balanced_accuracy"])
            continue
        scores = [s["balanced_accuracy"] for s in trial["fold_scores"]]
        assert len(scores) == n_folds
        mean, se = ms.mean_and_standard_error(scores)
        assert trial["balanced_accuracy"] == pytest.approx(mean, rel=1e-12)
        assert trial["balanced_accuracy_se"] == pytest.approx(se, rel=1e-12)
    best = ms.rank_trials(record["trials"], settings["metric"])[0]
    assert record["chosen_trial"] == best["trial"]
    assert record["chosen"] == {key: best[key] for key in experiment.CAT_SEARCH_SPACE}


def test_the_baselines_are_recorded_on_the_same_folds(record):
    assert list(record["baselines"]) == ["majority class", *experiment.BASELINES]
    n_folds = record["settings"]["folds"] * record["settings"]["repeats"]
    for name, scores in record["baselines"].items():
        assert len(scores["fold_scores"]) == n_folds, name
    assert record["baselines"]["majority class"]["balanced_accuracy"] == 0.5


def test_the_final_configuration_is_the_chosen_one_matched_for_209_images(record):
    final = experiment.final_configuration(record, m=209)
    assert final == ms.matched_refit(record["chosen"], 209 * 3 / 4, 209)
    assert final["lambd"] == pytest.approx(record["chosen"]["lambd"] * 4 / 3)


def test_one_fold_of_the_chosen_trial_trained_again_scores_what_the_record_says(record):
    try:
        X, Y, *_ = experiment.load_data()
    except FileNotFoundError as error:
        pytest.skip(f"the cat images are not available: {error}")
    settings = record["settings"]
    train_idx, dev_idx = experiment.search_splits(Y, settings)[0]
    result = ms.cross_validate(
        X, Y, record["chosen"], [(train_idx, dev_idx)], seed=settings["seed"],
        tta=experiment.mirror_tta, dtype=np.dtype(settings["dtype"]),
    )  # fmt: skip
    recorded = record["trials"][record["chosen_trial"]]["fold_scores"][0]
    live = result["fold_scores"][0]
    cats = int(Y[0, dev_idx].sum())
    assert live["balanced_accuracy"] == pytest.approx(recorded["balanced_accuracy"], abs=1 / cats)
    assert abs(live["tp"] - recorded["tp"]) + abs(live["tn"] - recorded["tn"]) <= 2
