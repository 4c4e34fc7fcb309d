"""Specification of plots: each helper draws what it says from what the library returns."""

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import plots  # noqa: E402

HISTORY = {"cost": [0.7, 0.5, 0.4], "learning_rate": [0.1] * 3}
DEV_HISTORY = {**HISTORY, "dev_cost": [0.7, 0.6, 0.65], "dev_accuracy": [0.5, 0.6, 0.55]}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_plot_costs_draws_one_curve_per_history_from_epoch_1_with_its_label_and_colour():
    ax = plots.plot_costs([HISTORY, DEV_HISTORY], labels=["a", "b"], colors=["C3", "C1"], log=True)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["a", "b"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lines[1].get_ydata(), DEV_HISTORY["cost"])
    assert lines[0].get_color() == "C3" or lines[0].get_color() == matplotlib.colors.to_hex("C3")
    assert ax.get_yscale() == "log"
    ax = plots.plot_costs(DEV_HISTORY, key="dev_accuracy")
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), DEV_HISTORY["dev_accuracy"])


def test_plot_costs_refuses_what_is_not_a_history_or_a_missing_key():
    with pytest.raises(TypeError, match="history"):
        plots.plot_costs([[0.1, 0.2]])
    with pytest.raises(ValueError, match="dev_cost"):
        plots.plot_costs([HISTORY], key="dev_cost")
    with pytest.raises(ValueError, match="label"):
        plots.plot_costs([HISTORY, HISTORY], labels=["only one"])


def test_plot_history_draws_training_and_dev_cost_and_the_dev_accuracy_on_its_own_axis():
    ax = plots.plot_history(DEV_HISTORY, title="run", dev_name="validation",
                            cost_label="training cost (with L2)")  # fmt: skip
    assert [line.get_label() for line in ax.get_lines()] == [
        "training cost (with L2)", "validation cost (cross-entropy)",
    ]  # fmt: skip
    assert [t.get_text() for t in ax.get_legend().get_texts()][
        -1
    ] == "validation accuracy (right axis)"
    right = [a for a in ax.figure.axes if a is not ax][0]
    np.testing.assert_array_equal(right.get_lines()[0].get_ydata(), DEV_HISTORY["dev_accuracy"])
    assert len(plots.plot_history(HISTORY).get_lines()) == 1


def test_plot_search_draws_every_trial_in_order_and_marks_the_chosen_and_rejected_ones():
    trials = [
        {"trial": 1, "balanced_accuracy": 0.6, "balanced_accuracy_se": 0.02},
        {"trial": 0, "balanced_accuracy": 0.7, "balanced_accuracy_se": 0.01},
        {"trial": 2, "balanced_accuracy": math.nan, "balanced_accuracy_se": math.nan},
    ]
    ax = plots.plot_search(trials, baselines={"majority": 0.5}, chosen=0)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "rejected (no score)" in labels and "chosen" in labels and "majority 0.500" in labels
    assert len(ax.containers[0].lines[0].get_xdata()) == 3  # the error bars: every trial
    with pytest.raises(TypeError, match="trials"):
        plots.plot_search([])


def test_every_optimiser_has_its_own_colour():
    assert set(plots.OPTIMIZER_COLORS) == {"gd", "momentum", "rmsprop", "adam"}
    assert len(set(plots.OPTIMIZER_COLORS.values())) == 4


# ---------------------------------------------------------------------------------------------
# plot_history's legend, the decision boundary and the confusion matrix
# ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _never_show(monkeypatch):
    def show(*args, **kwargs):
        raise AssertionError("a plot function called plt.show()")

    monkeypatch.setattr(plt, "show", show)


def overlaps(a, b):
    """Whether two display-space boxes share more than an edge."""
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


@pytest.mark.parametrize("history", [HISTORY, DEV_HISTORY], ids=["training only", "with dev"])
def test_plot_history_puts_its_legend_under_the_axes_clear_of_curves_and_labels(history):
    ax = plots.plot_history(history)
    figure = ax.figure
    figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    for axes in figure.axes:  # the cost axes and, with a dev set, the accuracy's twin
        assert not overlaps(legend, axes.get_window_extent())
    assert not overlaps(legend, ax.xaxis.get_tightbbox())  # the ticks' labels and "epoch"
    assert legend.y1 <= ax.get_window_extent().y0
    # A figure plot_history made itself keeps the legend inside it.
    assert figure.bbox.x0 <= legend.x0 and legend.x1 <= figure.bbox.x1 and legend.y0 >= 0
