"""How the notebooks run: in full or quick, where their figures go, and at what resolution.

A notebook imports its settings from here in one line, so that its own cells are about the data
and the networks. The test suite runs every notebook with ``NOTEBOOK_QUICK=1`` (the older
``CAT_NOTEBOOK_QUICK=1`` also works): few epochs and two seeds, a check that each cell runs,
not of what the numbers are. The committed notebooks are full runs.
"""

import os
from pathlib import Path

QUICK = "1" in (os.environ.get("NOTEBOOK_QUICK"), os.environ.get("CAT_NOTEBOOK_QUICK"))

# Every comparison of the notebooks is over these seeds: five give a sample standard deviation
# worth printing; the quick mode needs two for one to exist at all.
SEEDS = range(2) if QUICK else range(5)

# Where a notebook saves the figures it keeps (the README shows some); the tests point this to
# a temporary directory.
FIGURES = Path(
    os.environ.get("NOTEBOOK_FIGURES") or os.environ.get("CAT_NOTEBOOK_FIGURES") or "docs"
)

# Dots per inch of the figures shown in a notebook: sharp enough to read, small enough to keep
# the committed .ipynb files (which hold every figure as a PNG) a few megabytes at most.
DPI = 75


def one_blas_thread():
    """Let BLAS use one thread for the matrix products, in a notebook of small networks.

    Products of a few dozen units by a few hundred examples gain nothing from a second thread,
    and OpenBLAS's threads wait for each other by spinning: on a two-core machine shared with
    other jobs, they made the overfitting section of ``beyond-cats.ipynb`` several times slower.
    The cat notebook's large first-layer products do gain from threads: a choice per notebook.
    Returns the ``threadpoolctl`` limiter (scikit-learn's dependency), in force until undone.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def epochs(n):
    """``n`` epochs in a full run; in the quick mode a fiftieth of them, and at least 2."""
    return max(2, n // 50) if QUICK else n
