"""The notebooks run top to bottom on a fresh kernel, and their committed outputs are honest.

Both notebooks, ``cat-vs-non-cat.ipynb`` and ``beyond-cats.ipynb``, are executed the same way:
headless with nbclient on a copy, with the kernel of the Python that runs the tests (the
project's virtual environment), from the repository root so that they import the project's
modules. Their figures go to a temporary directory, not to ``docs/``.

By default they run in their quick mode (``NOTEBOOK_QUICK=1``, and ``CAT_NOTEBOOK_QUICK=1``
for the cat notebook's own switch: a few epochs and two seeds), which checks that every cell
runs, in a few seconds each. ``CAT_NOTEBOOK_FULL=1`` runs them in full, as ``make
notebook-check`` does; CI does that as a step of its own (see ``.ci/run``).

The committed outputs, the ones a reader sees, are checked without running anything: a full
run, no errors, numbers printed as plain Python values, each test set first shown in its
notebook's final section, and docs/results.md's table copied from the cat notebook's.
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
BEYOND = ROOT / "beyond-cats.ipynb"
NOTEBOOKS = [NOTEBOOK, BEYOND]
FULL = os.environ.get("CAT_NOTEBOOK_FULL") == "1"
FINAL_SECTION = "## 9."
BEYOND_SECTIONS = ["## 1.", "## 2.", "## 3.", "## 4.", "## 5.", "## 6."]

# notebook name -> (executed notebook, its temporary directory, seconds), or the error it raised
_executed = {}


def _execute(path, tmp_path_factory):
    """Run a copy of the notebook at ``path`` once per test session, in quick or full mode.

    A notebook that failed is not run again for the next fixture: its error is raised again.
    """
    if isinstance(_executed.get(path.name), Exception):
        raise _executed[path.name]
    if path.name in _executed:
        return _executed[path.name]
    if path == NOTEBOOK:
        try:
            cat_data.find_data_dir()
        except FileNotFoundError as error:
            pytest.skip(f"the cat data is not available, so the notebook cannot run: {error}")
    tmp = tmp_path_factory.mktemp(path.stem)
    copy = tmp / path.name
    shutil.copy(path, copy)
    notebook = nbformat.read(copy, as_version=4)
    # One extra cell, on the copy only, reports which interpreter ran the kernel.
    notebook.cells.append(nbformat.v4.new_code_cell("import sys\nprint(sys.executable)"))
    quick = "0" if FULL else "1"
    monkeypatch = pytest.MonkeyPatch()
    for name in ("NOTEBOOK_FIGURES", "CAT_NOTEBOOK_FIGURES"):
        monkeypatch.setenv(name, str(tmp / "figures"))
    for name in ("NOTEBOOK_QUICK", "CAT_NOTEBOOK_QUICK"):
        monkeypatch.setenv(name, quick)
    monkeypatch.setenv("MPLBACKEND", "Agg")
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
    except Exception as error:
        _executed[path.name] = error
        raise
    finally:
        monkeypatch.undo()
    _executed[path.name] = notebook, tmp, time.perf_counter() - start
    return _executed[path.name]


@pytest.fixture(scope="module")
def executed_notebook(tmp_path_factory):
    """The cat notebook, executed."""
    return _execute(NOTEBOOK, tmp_path_factory)


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=lambda path: path.stem)
def executed(request, tmp_path_factory):
    """Each notebook, executed."""
    return _execute(request.param, tmp_path_factory)


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


def test_notebook_runs_without_errors(executed):
    notebook, _, _ = executed
    errors = [output for output in _outputs(notebook) if output.get("output_type") == "error"]
    assert not errors


def test_notebook_kernel_is_the_interpreter_running_the_tests(executed):
    notebook, _, _ = executed
    printed = notebook.cells[-1].outputs[0]["text"].strip()
    assert Path(printed).resolve() == Path(sys.executable).resolve()


@pytest.mark.skipif(not FULL, reason="the time limit is for the full run (CAT_NOTEBOOK_FULL=1)")
def test_the_full_notebook_runs_in_under_three_minutes(executed):
    assert executed[2] < 180


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


# ---------------------------------------------------------------------------------------------
# The committed outputs
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def committed():
    return nbformat.read(NOTEBOOK, as_version=4)


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=lambda path: path.stem)
def committed_any(request):
    return nbformat.read(request.param, as_version=4)


@pytest.fixture(scope="module")
def committed_beyond():
    return nbformat.read(BEYOND, as_version=4)


def test_the_committed_notebook_is_a_full_run_with_every_output(committed_any):
    code_cells = [cell for cell in committed_any.cells if cell.cell_type == "code"]
    counts = [cell.get("execution_count") for cell in code_cells]
    assert counts == list(range(1, len(code_cells) + 1)), "run it top to bottom: make notebook"
    assert all(cell.get("outputs") is not None for cell in code_cells)


def test_the_committed_outputs_have_no_errors(committed_any):
    errors = [output for output in _outputs(committed_any) if output.get("output_type") == "error"]
    assert not errors, "run it again: make notebook"


def test_the_committed_outputs_print_plain_python_values(committed_any):
    for output in _outputs(committed_any):
        text = _text(output)
        assert not re.search(r"np\.(str_|float\d+|int\d+|bool_)\(", text), text[:200]


def test_the_committed_cat_notebook_is_a_full_run(committed):
    assert "chosen by CV, 5 seeds" in _results_table(committed), "run it with make notebook"


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


def test_the_results_table_of_docs_results_is_the_notebooks(committed):
    results = (ROOT / "docs" / "results.md").read_text()
    assert _results_table(committed) in results, "copy the notebook's table to docs/results.md"


# ---------------------------------------------------------------------------------------------
# beyond-cats.ipynb's committed outputs
# ---------------------------------------------------------------------------------------------


def _section_starts(notebook):
    """The index of the markdown cell that opens each of the six sections."""
    starts = {}
    for index, cell in enumerate(notebook.cells):
        for heading in BEYOND_SECTIONS:
            if cell.cell_type == "markdown" and cell.source.startswith(heading):
                starts.setdefault(heading, index)
    return starts


def test_beyond_cats_has_its_six_sections_in_order(committed_beyond):
    starts = _section_starts(committed_beyond)
    assert list(starts) == BEYOND_SECTIONS, f"missing or out of order: {starts}"
    assert list(starts.values()) == sorted(starts.values())


def test_beyond_cats_is_a_full_run(committed_beyond):
    text = "".join(_text(output) for output in _outputs(committed_beyond))
    assert "over 5 seeds" in text, "the committed outputs are a quick run: make notebook"
    assert "at epoch 2000" in text


def test_beyond_cats_first_touches_the_test_split_in_its_final_section(committed_beyond):
    final = _section_starts(committed_beyond)[BEYOND_SECTIONS[-1]]
    uses = [
        index
        for index, cell in enumerate(committed_beyond.cells)
        if cell.cell_type == "code" and re.search(r"\b[XY]_test\b", cell.source)
    ]
    assert uses and min(uses) > final, "X_test/Y_test before the final section"
    # The choice is made, and the final networks are trained, before the test split is loaded.
    choice = max(
        index
        for index, cell in enumerate(committed_beyond.cells)
        if cell.cell_type == "code" and "matched_refit" in cell.source
    )
    assert min(uses) > choice
    # Nothing printed before the final section speaks of the test split.
    for cell in committed_beyond.cells[:final]:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            assert "test" not in _text(output).lower(), _text(output)[:200]


def test_beyond_cats_stays_small():
    assert BEYOND.stat().st_size < 2_000_000, "lower the figures' dpi or size (notebook_settings)"
