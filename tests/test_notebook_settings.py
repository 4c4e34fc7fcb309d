"""notebook_settings reads how the notebooks run from the environment."""

import importlib

import pytest

import notebook_settings

VARIABLES = ("NOTEBOOK_QUICK", "CAT_NOTEBOOK_QUICK", "NOTEBOOK_FIGURES", "CAT_NOTEBOOK_FIGURES")


@pytest.fixture
def settings(monkeypatch):
    """The module reloaded under a clean environment; reloaded again, as it was, afterwards."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def load(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(notebook_settings)

    yield load
    monkeypatch.undo()
    importlib.reload(notebook_settings)


def test_a_full_run_by_default(settings):
    full = settings()
    assert not full.QUICK
    assert list(full.SEEDS) == [0, 1, 2, 3, 4]
    assert full.epochs(1500) == 1500
    assert str(full.FIGURES) == "docs"


@pytest.mark.parametrize("name", ["NOTEBOOK_QUICK", "CAT_NOTEBOOK_QUICK"])
def test_the_quick_mode_from_either_variable(settings, name):
    quick = settings(**{name: "1"})
    assert quick.QUICK
    assert list(quick.SEEDS) == [0, 1]  # two seeds: a sample standard deviation exists
    assert quick.epochs(1500) == 30 and quick.epochs(20) == 2


def test_quick_is_only_1(settings):
    assert not settings(NOTEBOOK_QUICK="0", CAT_NOTEBOOK_QUICK="0").QUICK


@pytest.mark.parametrize("name", ["NOTEBOOK_FIGURES", "CAT_NOTEBOOK_FIGURES"])
def test_the_figures_directory_from_either_variable(settings, name, tmp_path):
    figures = settings(**{name: str(tmp_path)}).FIGURES
    assert figures == tmp_path


def test_one_blas_thread_limits_blas_until_undone():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import numpy as np

    np.ones((2, 2)) @ np.ones((2, 2))  # loads BLAS
    limiter = notebook_settings.one_blas_thread()
    try:
        blas = [pool for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas"]
        assert blas and all(pool["num_threads"] == 1 for pool in blas)
    finally:
        limiter.restore_original_limits()
