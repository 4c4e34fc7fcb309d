"""The notebook runs top to bottom on a fresh kernel and ends with its results table.

It is executed headless with nbclient on a copy, with the kernel of the Python that runs the
tests (the project's virtual environment), from the repository root so that it imports the
project's modules. Its figures go to a temporary directory, not to ``docs/``.
"""

import shutil
import sys
from pathlib import Path

import pytest

import cat_data

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "cat-vs-non-cat.ipynb"


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
    return notebook, tmp


def _outputs(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "code":
            yield from cell.get("outputs", [])


def test_notebook_runs_without_errors(executed_notebook):
    notebook, _ = executed_notebook
    errors = [output for output in _outputs(notebook) if output.get("output_type") == "error"]
    assert not errors


def test_notebook_ends_with_the_results_table(executed_notebook):
    notebook, _ = executed_notebook
    tables = [
        output["data"]["text/markdown"]
        for output in _outputs(notebook)
        if "text/markdown" in output.get("data", {})
    ]
    assert tables, "the notebook displays no Markdown results table"
    table = tables[-1]
    assert table.startswith("| model | train | dev | test | epochs | seconds |")
    assert "majority class" in table
    assert "chosen by CV" in table


def test_notebook_reports_the_gradient_check_below_1e_7(executed_notebook):
    notebook, _ = executed_notebook
    text = "".join(
        output.get("text", "") for output in _outputs(notebook) if output["output_type"] == "stream"
    )
    line = next(line for line in text.splitlines() if line.startswith("relative error"))
    assert float(line.split(":")[-1]) < 1e-7


def test_notebook_writes_the_cost_curve_figure(executed_notebook):
    _, tmp = executed_notebook
    assert (tmp / "figures" / "cost_curves.png").stat().st_size > 0


def test_notebook_kernel_is_the_interpreter_running_the_tests(executed_notebook):
    notebook, _ = executed_notebook
    printed = notebook.cells[-1].outputs[0]["text"].strip()
    assert Path(printed).resolve() == Path(sys.executable).resolve()
