"""No public call writes to a tracked file: the property tests leave a fresh copy unchanged.

``tests/test_properties.py`` calls the public functions with generated input, good and bad, and
every public function of cat_experiment, cat_cli and model_selection that needs no argument
with its defaults (``test_every_public_function_called_with_its_defaults_runs_or_refuses_
clearly``). Here that whole module runs once more (a few seconds, so no subset is needed) in a
fresh git repository holding a copy of the tracked files as they are in the working tree, plus
the cat images; then ``git status --porcelain`` there must be empty. A writer whose default path
is a committed file, as the search record's writer's was, would show up as a modified file.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GIT = ["git", "-c", "user.name=tests", "-c", "user.email=tests@example.invalid",
       "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]  # fmt: skip


def _git(*args, cwd):
    completed = subprocess.run(
        [*GIT, *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60
    )
    return completed.stdout


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory):
    """A new repository with one commit: the tracked files of this working tree, and the cat
    images (git-ignored) copied in, so that the property tests that need them run there too."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        tracked = _git("ls-files", "-z", cwd=ROOT).split("\0")
    except subprocess.CalledProcessError as error:
        pytest.skip(f"not a git working tree: {error.stderr.strip()}")
    copy = tmp_path_factory.mktemp("fresh") / "repository"
    for name in filter(None, tracked):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree stays deleted
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    if (ROOT / "datasets").is_dir():
        shutil.copytree(ROOT / "datasets", copy / "datasets")
    _git("init", "-q", cwd=copy)
    _git("add", "-A", cwd=copy)
    _git("commit", "-q", "-m", "a fresh copy", cwd=copy)
    assert _git("status", "--porcelain", "--untracked-files=all", cwd=copy) == ""
    return copy


def test_the_property_tests_leave_every_tracked_file_as_it_was(fresh_copy):
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    completed = subprocess.run(
        [*command, "tests/test_properties.py"],
        cwd=fresh_copy, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-2000:]
    assert " passed" in completed.stdout.splitlines()[-1]
    changed = _git("status", "--porcelain", "--untracked-files=all", cwd=fresh_copy)
    assert changed == "", f"the property tests changed or left files behind:\n{changed}"
