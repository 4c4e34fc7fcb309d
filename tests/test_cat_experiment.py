"""The committed search record (docs/cat_search.json) is what cat_experiment's code produces.

`make search` takes about ten minutes, too long for the test suite, so the record is checked
piece by piece: the configurations are the ones the seeded search draws, the chosen one is the
best by the protocol's rule, the summaries are the means of the fold scores, the refit is the
matched one, and one fold of the chosen trial, trained again, scores what the record says. That
retraining runs BLAS, whose rounding differs between CPUs (the record names its machine), so a
difference of up to two images of that fold is allowed.
"""

import copy
import inspect
import json
import math
import os

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


# ---------------------------------------------------------------------------------------------
# Writing the record: only to a path given by name, only a record, and atomically
# ---------------------------------------------------------------------------------------------


def committed_json():
    """A fresh copy of the committed record as JSON gives it (None for NaN, lists for tuples)."""
    return json.loads(experiment.SEARCH_FILE.read_text())


def test_the_writers_of_records_have_no_default_path():
    for writer in (experiment.write_search_record, experiment.search_and_record):
        assert inspect.signature(writer).parameters["path"].default is inspect.Parameter.empty
    with pytest.raises(TypeError, match="path"):
        experiment.write_search_record(committed_json())
    with pytest.raises(TypeError, match="path"):
        experiment.search_and_record()


def test_the_record_written_back_is_the_committed_file_byte_for_byte(record, tmp_path):
    path = tmp_path / "cat_search.json"
    experiment.write_search_record(record, path)
    assert path.read_bytes() == experiment.SEARCH_FILE.read_bytes()
    experiment.write_search_record(committed_json(), str(path))  # as JSON gives it, to a str
    assert path.read_bytes() == experiment.SEARCH_FILE.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["cat_search.json"]


class _FullDisk:
    """A file that takes half of what is written to it, then fails as a full disk does."""

    def __init__(self, file):
        self.file = file

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.file.close()

    def write(self, text):
        self.file.write(text[: len(text) // 2])
        self.file.flush()
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize("failure", ["write", "fsync", "replace"])
def test_a_failed_write_leaves_the_old_record_whole_and_no_temporary_file(
    tmp_path, monkeypatch, failure
):
    path = tmp_path / "cat_search.json"
    path.write_text("the old record\n")

    def fail(*args, **kwargs):
        raise OSError(5, "Input/output error")

    if failure == "write":
        full_disk = lambda *args, **kwargs: _FullDisk(open(*args, **kwargs))  # noqa: E731, SIM115
        monkeypatch.setattr(experiment, "open", full_disk, raising=False)
    else:
        monkeypatch.setattr(os, failure, fail)
    with pytest.raises(OSError):
        experiment.write_search_record(committed_json(), path)
    assert path.read_text() == "the old record\n"
    assert [p.name for p in tmp_path.iterdir()] == ["cat_search.json"]


def _set(record, where, value):
    """``record`` with the entry at the key path ``where`` set to ``value``."""
    *parents, last = where
    target = record
    for key in parents:
        target = target[key]
    target[last] = value
    return record


NOT_RECORDS = {
    "an empty list (a fuzzer wrote this over the committed file once)": lambda r: [],
    "None": lambda r: None,
    "no trials": lambda r: {k: v for k, v in r.items() if k != "trials"},
    "no chosen configuration": lambda r: {k: v for k, v in r.items() if k != "chosen"},
    "no chosen trial": lambda r: {k: v for k, v in r.items() if k != "chosen_trial"},
    "settings without folds": lambda r: {**r, "settings": {**r["settings"], "folds": None}},
    "an unknown metric": lambda r: _set(r, ("settings", "metric"), "f1"),
    "no trials in the list": lambda r: {**r, "trials": []},
    "a trial that is text": lambda r: _set(r, ("trials", 3), "junk"),
    "a trial without 'rejected'": lambda r: {**r, "trials": [
        {k: v for k, v in t.items() if k != "rejected"} for t in r["trials"]]},
    "a score that is text": lambda r: _set(r, ("trials", 5, "log_loss"), "0.5"),
    "a score that is an array": lambda r: _set(r, ("trials", 5, "accuracy"), np.ones((30, 30))),
    "a kept trial without a score": lambda r: _set(r, ("trials", 0, "balanced_accuracy"), None),
    "trials out of order": lambda r: {**r, "trials": r["trials"][::-1]},
    "hidden sizes that are text": lambda r: _set(r, ("trials", 2, "hidden"), "16"),
    "a chosen trial out of range": lambda r: {**r, "chosen_trial": len(r["trials"])},
    "a chosen trial that is a float": lambda r: {**r, "chosen_trial": 7.0},
    "a chosen configuration with a typo": lambda r: _set(r, ("chosen", "lernig_rate"), 0.1),
    "baselines that are a list": lambda r: {**r, "baselines": [1, 2]},
}  # fmt: skip


@pytest.mark.parametrize("damage", NOT_RECORDS)
def test_what_is_not_a_record_is_refused_before_anything_is_written(tmp_path, damage):
    path = tmp_path / "cat_search.json"
    path.write_text("the old record\n")
    bad = NOT_RECORDS[damage](committed_json())
    with pytest.raises((TypeError, ValueError), match=r"\brecord\b") as refused:
        experiment.write_search_record(bad, path)
    message = str(refused.value)
    assert "\n" not in message and len(message) < 500 and "array(" not in message, message
    assert path.read_text() == "the old record\n"
    assert [p.name for p in tmp_path.iterdir()] == ["cat_search.json"]
    if bad is not None:  # None asks final_configuration for the committed record
        with pytest.raises((TypeError, ValueError), match=r"\brecord\b"):
            experiment.final_configuration(bad)


@pytest.mark.parametrize("damage", [d for d in NOT_RECORDS if "array" not in d])
def test_a_damaged_record_file_is_a_value_error_naming_the_file(tmp_path, damage):
    path = tmp_path / "cat_search.json"
    path.write_text(json.dumps(NOT_RECORDS[damage](committed_json())))
    with pytest.raises(ValueError, match="cat_search.json' is not a search record: ") as refused:
        experiment.load_search_record(path)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("content", [b"", b"{oops", b"\x89PNG\r\n\x1a\n\x00", b"NaN", b'"text"'])
def test_a_record_file_that_is_not_json_of_a_record_is_a_value_error(tmp_path, content):
    path = tmp_path / "cat_search.json"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="is not a search record"):
        experiment.load_search_record(path)


def test_a_record_is_written_only_to_a_file_in_a_directory_that_exists(tmp_path):
    record = committed_json()
    for path in (tmp_path, tmp_path / "no such directory" / "r.json"):
        with pytest.raises(ValueError, match="path must name a file in an existing directory"):
            experiment.write_search_record(record, path)
    for path in (None, 3, ["r.json"], b"r.json"):
        with pytest.raises(TypeError, match="path must be a str or a path"):
            experiment.write_search_record(record, path)
    assert list(tmp_path.iterdir()) == []


def test_search_and_record_checks_every_argument_before_the_search_starts(tmp_path, monkeypatch):
    monkeypatch.setattr(experiment, "load_data", lambda *a, **k: pytest.fail("the search ran"))
    path = tmp_path / "record.json"
    cases = [
        ({"path": tmp_path / "missing" / "record.json"}, ValueError, "path"),
        ({"path": None}, TypeError, "path"),
        ({"path": path, "settings": {**experiment.SEARCH_SETTINGS, "folds": 1}}, ValueError,
         r"settings\['folds'\]"),
        ({"path": path, "settings": {}}, ValueError, "settings is missing"),
        ({"path": path, "verbose": "yes"}, TypeError, "verbose"),
        ({"path": path, "data_dir": 3}, TypeError, "data_dir"),
    ]  # fmt: skip
    for kwargs, error, match in cases:
        with pytest.raises(error, match=match):
            experiment.search_and_record(**kwargs)
    assert list(tmp_path.iterdir()) == []


def test_search_and_record_writes_what_the_search_found_to_the_path_given(
    record, tmp_path, monkeypatch
):
    ranked = ms.rank_trials(copy.deepcopy(record["trials"]), record["settings"]["metric"])
    search = {"trials": ranked, "best_config": record["chosen"]}
    Y = np.array([[0, 1, 0, 1]])
    monkeypatch.setattr(experiment, "load_data", lambda data_dir, dtype: (np.zeros((2, 4)), Y))
    monkeypatch.setattr(experiment, "run_search", lambda X, Y, settings, verbose: search)
    monkeypatch.setattr(experiment, "score_baselines", lambda X, Y, s: record["baselines"])
    path = tmp_path / "record.json"
    written = experiment.search_and_record(path=path, verbose=False)
    assert json.loads(path.read_text()) == written
    assert written["trials"] == committed_json()["trials"]
    assert experiment.load_search_record(path)["chosen"] == record["chosen"]
