"""The README says what the code does: its example runs, and its figures are the record's."""

import re
from pathlib import Path

import pytest

import cat_data
import cat_experiment

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_the_api_example_runs(tmp_path, monkeypatch):
    try:
        cat_data.find_data_dir()
    except FileNotFoundError as error:
        pytest.skip(f"the cat images are not available: {error}")
    example = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    monkeypatch.chdir(tmp_path)  # it saves cat_model.npz where it runs
    monkeypatch.setattr("matplotlib.pyplot.show", lambda *args, **kwargs: None)
    import matplotlib

    matplotlib.use("Agg")
    exec(compile(example, "README.md", "exec"), {})
    assert (tmp_path / "outputs" / "digits.npz").is_file()  # where it says, not the repository


def test_the_chosen_configuration_in_the_results_is_the_record_s():
    results = (ROOT / "docs" / "results.md").read_text()
    record = cat_experiment.load_search_record()
    trial = record["trials"][record["chosen_trial"]]
    folds = record["settings"]["repeats"] * record["settings"]["folds"]
    # the mean over the folds with its naive standard error, not a spread over seeds
    mean, error = trial["balanced_accuracy"], trial["balanced_accuracy_se"]
    cv = f"{mean:.3f} (naive standard error {error:.3f}"
    se = cv.replace(" (", ", ")
    flat = " ".join(results.split())  # the wording may wrap anywhere
    assert f"(trial {record['chosen_trial']}, CV balanced accuracy {se} over {folds} folds;" in flat
    assert f"{record['settings']['n_trials']} seeded random trials" in results
    assert f"CV balanced accuracy of {cv} over {folds} folds;" in " ".join(README.split())


def test_the_readme_is_short_and_links_the_rest():
    assert len(README.split()) <= 1500
    for link in ("docs/techniques.md", "docs/results.md", "docs/performance.md", "docs/modules.md",
                 "CHANGELOG.md", "cat-vs-non-cat.ipynb", "beyond-cats.ipynb"):  # fmt: skip
        assert link in README, link
        assert (ROOT / link).is_file(), link
    assert "## Limitations" in README and "## Coming from the course" in README


def test_the_course_names_in_the_readme_raise_errors_that_name_ours():
    import neural_network as nn

    for name in ("initialize_parameters_deep", "L_model_forward", "L_model_backward"):
        assert f"`{name}(" in README
        with pytest.raises(AttributeError, match="forward_propagation|backward_propagation|"
                           "initialize_parameters"):  # fmt: skip
            getattr(nn, name)
