"""The README says what the code does: its example runs, and its figures are the record's;
the results it links to, ``docs/results.md``, name the configuration the record chose."""

import re
from pathlib import Path

import pytest

import cat_data
import cat_experiment

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
RESULTS = (ROOT / "docs" / "results.md").read_text()


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
    assert (tmp_path / "cat_model.npz").is_file()


def test_the_chosen_configuration_in_docs_results_is_the_record_s():
    record = cat_experiment.load_search_record()
    trial = record["trials"][record["chosen_trial"]]
    cv = f"{trial['balanced_accuracy']:.3f} +/- {trial['balanced_accuracy_se']:.3f}"
    assert f"(trial {record['chosen_trial']}, CV balanced accuracy {cv};" in RESULTS
    assert f"{record['settings']['n_trials']} seeded random trials" in RESULTS


def test_the_readme_links_the_results():
    assert "(docs/results.md)" in README


def test_every_module_is_in_the_readme_s_table():
    for path in ROOT.glob("*.py"):
        assert f"| `{path.name}` |" in README, path.name
