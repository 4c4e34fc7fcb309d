"""Specification of cat_cli, the command line: it trains the chosen cat classifier on all the
training images and reports its test accuracy, and it refuses bad flags at parse time.

The training runs are short (one epoch, no shifted copies) and skipped when the cat images
cannot be found; the flag checks need no data.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cat_cli
import cat_data
import cat_experiment
import model_selection as ms
import neural_net_optimized as nno

ROOT = Path(__file__).resolve().parent.parent


def _cat_data_missing():
    try:
        cat_data.find_data_dir()
    except FileNotFoundError:
        return True
    return False


needs_cat_data = pytest.mark.skipif(
    _cat_data_missing(),
    reason="the cat images (train_catvnoncat.h5, test_catvnoncat.h5) were not found: "
    "cat_data.find_data_dir() raised FileNotFoundError (see README, 'Getting the data')",
)
SHORT = ["--num-epochs", "1", "--shift-copies", "0", "--no-print-cost"]


def test_help_lists_the_flags_and_says_how_the_defaults_were_chosen(capsys):
    with pytest.raises(SystemExit) as exit_status:
        cat_cli.main(["--help"])
    assert exit_status.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for flag in ("--optimizer", "--learning-rate", "--num-epochs", "--mini-batch-size", "--lambd",
                 "--keep-prob", "--batch-norm", "--standardize", "--augment", "--ensemble",
                 "--seed", "--output-dir"):  # fmt: skip
        assert flag in text
    assert "cross-validation on the training images alone" in text
    assert "dev split" not in text


def test_every_flag_says_what_it_is_and_shows_its_default():
    for action in cat_cli.build_parser()._actions:
        if action.dest != "help":
            assert action.help, action.option_strings


def test_the_defaults_are_the_chosen_configuration_matched_for_all_training_images():
    args = cat_cli.build_parser(cat_experiment.final_configuration()).parse_args([])
    chosen = cat_experiment.final_configuration()
    config = cat_cli._configuration(args)
    for key, value in chosen.items():
        assert config[key] == value, key


@pytest.mark.parametrize(
    ("flags", "flag"),
    [
        (["--hidden", "a,b"], "--hidden"),
        (["--hidden", "16,0"], "--hidden"),
        (["--learning-rate", "-1"], "--learning-rate"),
        (["--learning-rate", "inf"], "--learning-rate"),
        (["--keep-prob", "2"], "--keep-prob"),
        (["--keep-prob", "0"], "--keep-prob"),
        (["--num-epochs", "0"], "--num-epochs"),
        (["--num-epochs", "2.5"], "--num-epochs"),
        (["--mini-batch-size", "-1"], "--mini-batch-size"),
        (["--dev-fraction", "1.5"], "--dev-fraction"),
        (["--lambd", "nan"], "--lambd"),
        (["--beta1", "1"], "--beta1"),
        (["--augment", "flip"], "--augment"),
        (["--standardize", "pixel"], "--standardize"),
        (["--ensemble", "0"], "--ensemble"),
        (["--seed", "-3"], "--seed"),
        (["--optimizer", "sgd"], "--optimizer"),
        (["--num-epochs", "1" + "0" * 400], "--num-epochs"),
        (["--max-shift", "64"], "--max-shift"),
        (["--keep-prob", "1e-310"], "--keep-prob"),
        (["--hidden", "1000000000000"], "--hidden"),
        (["--ensemble", "1" + "0" * 400], "--ensemble"),
    ],
)
def test_a_bad_flag_is_a_one_line_argparse_error_naming_it_with_exit_status_2(flags, flag, capsys):
    with pytest.raises(SystemExit) as exit_status:
        cat_cli.main(flags)
    assert exit_status.value.code == 2
    error_lines = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    assert len(error_lines) == 1 and f"argument {flag}" in error_lines[0], error_lines


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--early-stopping", "3"], "--dev-fraction"),
        (["--decay-every", "5"], "--decay"),
        (["--batch-norm", "--mini-batch-size", "1"], "--batch-norm"),
        (["--data-dir", "/no/such/directory"], "cannot load the cat images"),
    ],
)
def test_flags_that_cannot_go_together_are_refused_at_parse_time(flags, says, capsys):
    with pytest.raises(SystemExit) as exit_status:
        cat_cli.main(flags)
    assert exit_status.value.code == 2
    assert says in capsys.readouterr().err


def test_missing_data_is_one_error_without_the_usage_block_or_digests(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_status:
        cat_cli.main(["--data-dir", str(tmp_path)])
    assert exit_status.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m cat_cli: error: cannot load the cat images: Could not find")
    assert "usage:" not in err and "sha256" not in err and "Getting the data" in err


def test_an_output_dir_that_is_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    with pytest.raises(SystemExit) as exit_status:
        cat_cli.main(["--output-dir", str(tmp_path / "file")])
    assert exit_status.value.code == 2 and "--output-dir" in capsys.readouterr().err


@needs_cat_data
def test_a_diverging_run_ends_with_a_one_line_error_and_exit_status_1(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_status:
        cat_cli.main([*SHORT, "--learning-rate", "1e300", "--optimizer", "gd", "--lambd", "1",
                      "--num-epochs", "3", "--output-dir", str(tmp_path)])  # fmt: skip
    assert exit_status.value.code == 1
    assert capsys.readouterr().err.startswith("error: training diverged")


@needs_cat_data
def test_a_short_run_reports_the_test_accuracy_and_saves_a_model_that_predicts_raw_pixels(
    tmp_path, capsys
):
    results = cat_cli.main([*SHORT, "--output-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert set(results) >= {"train", "test"} and "dev" not in results
    line = next(line for line in out.splitlines() if line.startswith("test accuracy:"))
    assert f"{results['test']['accuracy']:.3f}" in line and "Wilson" in line
    rows = {  # the table's rows: set, m, cats, baseline, accuracy, balanced
        line.split()[0]: line.split()
        for line in out.splitlines()
        if line[:5] in ("train", "test ") and len(line.split()) == 6
    }
    assert rows["train"][1] == "209", "the main job trains on all 209 training images"
    # The baseline column answers the training images' commonest class, non-cat, on every set:
    # on the test set it scores the share of non-cats there, known without the model.
    assert any(line.split()[:4] == ["set", "m", "cats", "always"] for line in out.splitlines())
    X_train, Y_train, X_test, Y_test, _ = cat_experiment.load_data()
    for name, Y in (("train", Y_train), ("test", Y_test)):
        assert rows[name][3] == f"{float(np.mean(Y == 0)):.3f}", name

    parameters, metadata = nno.load_parameters(tmp_path / "cat_model.npz")
    assert metadata["num_epochs"] == 1 and metadata["seed"] == 0
    scores = ms.evaluate(X_test, Y_test, parameters, tta=cat_experiment.mirror_tta)
    assert scores["accuracy"] == results["test"]["accuracy"] == metadata["accuracy"]["test"]
    assert (tmp_path / "cat_model_cost_curve.png").read_bytes()[:4] == b"\x89PNG"


@needs_cat_data
def test_an_ensemble_run_reports_each_member_and_the_ensemble(tmp_path, capsys):
    results = cat_cli.main([*SHORT, "--ensemble", "2", "--seed", "3", "--output-dir",
                            str(tmp_path), "--hidden", "4"])  # fmt: skip
    out = capsys.readouterr().out
    assert [r["test"]["accuracy"] for r in results["members"]] and "ensemble" in results
    assert "Seed 3:" in out and "Seed 4:" in out
    assert any(line.startswith("ensemble of 2 test accuracy:") for line in out.splitlines())
    assert {p.name for p in tmp_path.glob("*.npz")} == {
        "cat_model_seed3.npz",
        "cat_model_seed4.npz",
    }


@needs_cat_data
def test_a_dev_fraction_holds_out_a_dev_set_and_mini_batch_size_0_means_full_batch(tmp_path):
    flags = [
        "--dev-fraction",
        "0.2",
        "--mini-batch-size",
        "0",
        "--hidden",
        "3",
        "--augment",
        "none",
    ]
    results = cat_cli.main([*SHORT, *flags, "--output-dir", str(tmp_path)])
    assert set(results) >= {"train", "dev", "test"}
    _, metadata = nno.load_parameters(tmp_path / "cat_model.npz")
    assert metadata["mini_batch_size"] is None and metadata["layers_dims"] == [12288, 3, 1]


def test_python_m_cat_cli_is_the_command_line_and_the_trainer_module_is_not():
    def run(module):
        return subprocess.run(
            [sys.executable, "-m", module, "--help"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    completed = run("cat_cli")
    assert completed.returncode == 0, completed.stderr
    assert "--ensemble" in completed.stdout
    # The previous release's `python -m neural_net_optimized` forwarding has ended: the
    # trainer is a library module and prints nothing when run.
    assert "--ensemble" not in run("neural_net_optimized").stdout


def test_the_baseline_column_always_answers_the_training_sets_commonest_class(capsys):
    # Training images mostly non-cats, test images mostly cats: the column is what "always
    # non-cat" scores on each, not each set's own commonest class (which needs its labels).
    scores = {"accuracy": 0.8, "balanced_accuracy": 0.75}
    Y_train, Y_test = np.array([[0, 0, 0, 1]]), np.array([[1, 1, 1, 1, 0]])
    cat_cli._print_scores({"train": (Y_train, scores), "test": (Y_test, scores)}, Y_train)
    header, train, test = capsys.readouterr().out.splitlines()
    assert "always non-cat" in header and "majority" not in header
    assert train.split()[3] == "0.750" and test.split()[3] == "0.200"
    cat_cli._print_scores({"test": (Y_test, scores)}, Y_test)  # mostly cats: always cat
    header, test = capsys.readouterr().out.splitlines()
    assert "always cat" in header and test.split()[3] == "0.800"


def test_printed_numbers_are_plain_python_values():
    scores = {"accuracy": np.float64(0.8), "tp": 30, "tn": 10, "balanced_accuracy": 0.75}
    line = cat_cli._test_accuracy_line("test accuracy", scores, 50)
    assert "np." not in line and line.startswith("test accuracy: 0.800 (40 of 50")


def test_the_help_says_mini_batch_size_0_means_full_batch(capsys):
    with pytest.raises(SystemExit):
        cat_cli.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "0 means full batch (model(mini_batch_size=None))" in text


@pytest.mark.parametrize("argv", ["--seed 3", 3, ("--seed", 3), [b"--seed"], np.array(["--seed"])])
def test_argv_must_be_a_list_of_str(argv):
    for command in (cat_cli.main, cat_cli.search_main):
        with pytest.raises(TypeError, match=r"argv(\[\d+\])? must be") as refused:
            command(argv)
        assert "array(" not in str(refused.value)


def test_an_output_dir_with_a_nul_byte_is_refused_at_parse_time(capsys):
    with pytest.raises(SystemExit) as exit_status:
        cat_cli.main(["--output-dir", "out\0put"])
    assert exit_status.value.code == 2 and "--output-dir" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# The search record: a damaged one stops the training command in one line; the search command
# writes only where --output says
# ---------------------------------------------------------------------------------------------


def _committed_record_with(**changes):
    record = json.loads(cat_experiment.SEARCH_FILE.read_text())
    return json.dumps({**record, **changes}).encode()


DAMAGED_RECORDS = {
    "not JSON": b'{"settings": ',
    "an empty list": b"[]",
    "not text": b"\x89PNG\r\n\x1a\n\x00\xff",
    "no chosen configuration": _committed_record_with(chosen=None),
    "a junk trial": _committed_record_with(trials=["junk"]),
    "a junk chosen lambd": _committed_record_with(chosen={"hidden": [16], "lambd": "x"}),
}


@pytest.mark.parametrize("flags", [[], ["--help"], [*SHORT, "--seed", "3"]])
@pytest.mark.parametrize("damage", DAMAGED_RECORDS)
def test_a_damaged_search_record_is_a_one_line_error_with_exit_status_2(
    tmp_path, monkeypatch, capsys, damage, flags
):
    damaged = tmp_path / "cat_search.json"  # a copy: the committed record is never touched
    damaged.write_bytes(DAMAGED_RECORDS[damage])
    monkeypatch.setattr(cat_experiment, "SEARCH_FILE", damaged)
    with pytest.raises(SystemExit) as exit_status:
        cat_cli.main([*flags, "--output-dir", str(tmp_path / "outputs")])
    assert exit_status.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"error: '{damaged}' is ") and "not" in lines[0]
    assert lines[0].endswith("; `make search` rewrites it")
    assert captured.out == "" and not (tmp_path / "outputs").exists()


def test_no_search_record_yet_means_the_built_in_defaults(tmp_path, monkeypatch):
    monkeypatch.setattr(cat_experiment, "SEARCH_FILE", tmp_path / "not yet written.json")
    args = cat_cli.build_parser(cat_cli._default_configuration()).parse_args([])
    assert args.hidden == cat_cli._FALLBACK["hidden"]


def test_the_search_command_needs_an_output_and_says_so(capsys):
    for argv in (["search"], ["search", "--trials", "1"]):
        with pytest.raises(SystemExit) as exit_status:
            cat_cli.main(argv)
        assert exit_status.value.code == 2
        assert "the following arguments are required: --output" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cat_cli.main(["search", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--output OUTPUT where to write the record (required;" in text
    assert "docs/cat_search.json" in text


def test_make_search_passes_the_committed_record_as_the_output():
    makefile = (ROOT / "Makefile").read_text()
    assert "-m cat_cli search --output docs/cat_search.json $(ARGS)" in makefile


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--output", "{tmp}"], "--output"),  # a directory
        (["--output", "{tmp}/no/such/dir/r.json"], "--output"),
        (["--output", "{tmp}/r.json", "--data-dir", "{tmp}/no data"], "cannot load the cat images"),
        (["--output", "{tmp}/r.json", "--trials", "0"], "argument --trials"),
    ],
)
def test_the_search_command_refuses_bad_flags_before_it_searches(
    tmp_path, monkeypatch, capsys, flags, says
):
    monkeypatch.setattr(cat_experiment, "run_search", lambda *a, **k: pytest.fail("it searched"))
    with pytest.raises(SystemExit) as exit_status:
        cat_cli.search_main([flag.format(tmp=tmp_path) for flag in flags])
    assert exit_status.value.code == 2 and says in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@needs_cat_data
def test_the_search_command_replaces_a_damaged_record_at_its_output(tmp_path, monkeypatch, capsys):
    record = cat_experiment.load_search_record()
    search = {"trials": ms.rank_trials(record["trials"], "balanced_accuracy"),
              "best_config": record["chosen"]}  # fmt: skip
    monkeypatch.setattr(cat_experiment, "load_data", lambda *a: (np.zeros((1, 2)), np.eye(1, 2)))
    monkeypatch.setattr(cat_experiment, "run_search", lambda *a, **k: search)  # ten minutes
    monkeypatch.setattr(cat_experiment, "score_baselines", lambda *a: record["baselines"])
    damaged = tmp_path / "cat_search.json"
    damaged.write_bytes(DAMAGED_RECORDS["an empty list"])
    monkeypatch.setattr(cat_experiment, "SEARCH_FILE", damaged)  # not read by the search
    cat_cli.main(["search", "--output", str(damaged)])
    assert f"Wrote {damaged}" in capsys.readouterr().out
    assert cat_experiment.load_search_record(damaged)["chosen"] == record["chosen"]
    assert [p.name for p in tmp_path.iterdir()] == ["cat_search.json"]
