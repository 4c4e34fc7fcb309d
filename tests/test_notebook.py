"""The notebook runs top to bottom on a fresh kernel, and its committed outputs are honest.

It is executed headless with nbclient on a copy, with the kernel of the Python that runs the
tests (the project's virtual environment), from the repository root so that it imports the
project's modules. Its figures go to a temporary directory, not to ``docs/``.

By default it runs in its quick mode (``CAT_NOTEBOOK_QUICK=1``: a few epochs and two seeds),
which checks that every cell runs in a few seconds. ``CAT_NOTEBOOK_FULL=1`` runs it in full,
as ``make notebook`` does; CI does that as a step of its own (see ``.ci/run``).

The committed outputs, the ones a reader sees, are checked without running anything: a full
run, numbers printed as plain Python values, the test set's class share first shown in the
final section, and the results table of ``docs/results.md`` copied from the notebook's.
"""

import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

import cat_data

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "cat-vs-non-cat.ipynb"
FULL = os.environ.get("CAT_NOTEBOOK_FULL") == "1"
FINAL_SECTION = "## 9."


@pytest.fixture(scope="module")
def executed_notebook(tmp_path_factory):
    try:
        cat_data.find_data_dir()
    except FileNotFoundError as error:
        pytest.skip(f"the cat data is not available, so the notebook cannot run: {error}")
    tmp = tmp_path_factory.mktemp("notebook")
    copy = tmp / NOTEBOOK.name
    shutil.copy(NOTEBOOK, copy)
    notebook = nbformat.read(copy, as_version=4)
    # One extra cell, on the copy only, reports which interpreter ran the kernel.
    notebook.cells.append(nbformat.v4.new_code_cell("import sys\nprint(sys.executable)"))
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("CAT_NOTEBOOK_FIGURES", str(tmp / "figures"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("CAT_NOTEBOOK_QUICK", "0" if FULL else "1")
    start = time.perf_counter()
    try:
        client = nbclient.NotebookClient(
            notebook,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(ROOT)}},
        )
        # nbclient raises CellExecutionError, naming the cell, on any error.
        client.execute()
    finally:
        monkeypatch.undo()
    return notebook, tmp, time.perf_counter() - start


def _outputs(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "code":
            yield from cell.get("outputs", [])


def _text(output):
    if output.get("output_type") == "stream":
        return output.get("text", "")
    return output.get("data", {}).get("text/plain", "") + output.get("data", {}).get(
        "text/markdown", ""
    )


def _results_table(notebook):
    tables = [
        output["data"]["text/markdown"]
        for output in _outputs(notebook)
        if "text/markdown" in output.get("data", {})
    ]
    assert tables, "the notebook displays no Markdown results table"
    return tables[-1]


def test_notebook_runs_without_errors(executed_notebook):
    notebook, _, _ = executed_notebook
    errors = [output for output in _outputs(notebook) if output.get("output_type") == "error"]
    assert not errors


def test_notebook_ends_with_the_results_table(executed_notebook):
    table = _results_table(executed_notebook[0])
    assert table.startswith("| model | train | dev | test | test balanced | epochs | seconds |")
    assert "majority class" in table
    assert "chosen by CV" in table and "ensemble" in table


def test_notebook_reports_the_gradient_check_below_1e_7(executed_notebook):
    notebook, _, _ = executed_notebook
    text = "".join(_text(output) for output in _outputs(notebook))
    line = next(line for line in text.splitlines() if line.startswith("relative error"))
    assert float(line.split(":")[-1]) < 1e-7


def test_notebook_writes_the_cost_curve_figure(executed_notebook):
    _, tmp, _ = executed_notebook
    assert (tmp / "figures" / "cost_curves.png").stat().st_size > 0


def test_notebook_kernel_is_the_interpreter_running_the_tests(executed_notebook):
    notebook, _, _ = executed_notebook
    printed = notebook.cells[-1].outputs[0]["text"].strip()
    assert Path(printed).resolve() == Path(sys.executable).resolve()


@pytest.mark.skipif(not FULL, reason="the time limit is for the full run (CAT_NOTEBOOK_FULL=1)")
def test_the_full_notebook_runs_in_under_three_minutes(executed_notebook):
    assert executed_notebook[2] < 180


# ---------------------------------------------------------------------------------------------
# The committed outputs
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def committed():
    return nbformat.read(NOTEBOOK, as_version=4)


def test_the_committed_notebook_is_a_full_run_with_every_output(committed):
    code_cells = [cell for cell in committed.cells if cell.cell_type == "code"]
    counts = [cell.get("execution_count") for cell in code_cells]
    assert counts == list(range(1, len(code_cells) + 1)), "run it top to bottom: make notebook"
    assert "chosen by CV, 5 seeds" in _results_table(committed), "run it with make notebook"


def test_the_committed_outputs_print_plain_python_values(committed):
    for output in _outputs(committed):
        text = _text(output)
        assert not re.search(r"np\.(str_|float\d+|int\d+|bool_)\(", text), text[:200]


def test_the_test_set_class_share_is_shown_only_in_the_final_section(committed):
    seen_final = False
    for cell in committed.cells:
        if cell.cell_type == "markdown" and cell.source.startswith(FINAL_SECTION):
            seen_final = True
        if cell.cell_type != "code" or seen_final:
            continue
        for output in cell.get("outputs", []):
            for line in _text(output).splitlines():
                assert not ("test" in line and "cats" in line), line


def test_the_results_table_of_docs_results_md_is_the_notebooks(committed):
    results = (ROOT / "docs" / "results.md").read_text()
    assert _results_table(committed) in results, (
        "copy the notebook's results table to docs/results.md"
    )
