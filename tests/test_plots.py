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


def nearest_centre(centres):
    """A K-class classifier of 2-D points: the label of the nearest of ``centres (2, K)``,
    which records every X it is given."""

    def classify(X):
        classify.calls.append(X)
        distances = ((X[:, None, :] - centres[:, :, None]) ** 2).sum(axis=0)  # (K, n)
        return np.argmin(distances, axis=0)[None, :]

    classify.calls = []
    return classify


THREE_CENTRES = np.array([[0.0, 2.0, 0.0], [0.0, 0.0, 2.0]])


def three_blobs(m_per_class=10, seed=0):
    rng = np.random.default_rng(seed)
    X = np.hstack(
        [c[:, None] + 0.5 * rng.standard_normal((2, m_per_class)) for c in THREE_CENTRES.T]
    )
    return X, np.repeat(np.arange(3), m_per_class)[None, :]


def quad_mesh(ax):
    meshes = [c for c in ax.collections if isinstance(c, matplotlib.collections.QuadMesh)]
    assert len(meshes) == 1
    return meshes[0]


def scatters(ax):
    return [c for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection)]


def test_decision_boundary_of_k_classes_paints_each_grid_point_with_its_predicted_class():
    X, Y = three_blobs()
    classify = nearest_centre(THREE_CENTRES)
    _, given_ax = plt.subplots()
    ax = plots.plot_decision_boundary(classify, X, Y, given_ax, resolution=25, title="blobs")
    assert ax is given_ax and ax.get_title() == "blobs"
    (grid,) = classify.calls
    assert grid.shape == (2, 25 * 25)
    # The grid covers every point, with a margin.
    assert (grid.min(axis=1) < X.min(axis=1)).all() and (grid.max(axis=1) > X.max(axis=1)).all()
    mesh = quad_mesh(ax)
    np.testing.assert_array_equal(np.asarray(mesh.get_array()).ravel(), classify(grid)[0])
    assert set(np.unique(mesh.get_array())) == {0, 1, 2}
    # The points on top: all m of them, one colour per class, the map's colour of that class.
    dots = scatters(ax)
    assert sum(len(dots_k.get_offsets()) for dots_k in dots) == X.shape[1]
    for k, dots_k in enumerate(dots):
        np.testing.assert_array_equal(dots_k.get_offsets(), X[:, Y[0] == k].T)
        map_colour = mesh.cmap(mesh.norm(k))
        np.testing.assert_allclose(dots_k.get_facecolor()[0][:3], map_colour[:3])
        assert matplotlib.colors.same_color(map_colour, f"C{k}")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1", "class 2"]


def test_decision_boundary_of_a_network_is_the_map_of_its_predictions():
    import neural_network as nn

    parameters = nn.initialize_parameters_he([2, 4, 1], seed=0)
    X, Y = three_blobs(m_per_class=6)
    Y = (Y > 0).astype(np.int64)  # binary
    recorder = nearest_centre(THREE_CENTRES)  # only to see the grid it is given

    def network(grid):
        recorder(grid)
        return nn.predict(grid, parameters)

    ax = plots.plot_decision_boundary(parameters, X, Y, resolution=40, class_names=["no", "yes"])
    by_function = plots.plot_decision_boundary(network, X, Y, resolution=40)
    expected = nn.predict(recorder.calls[0], parameters)
    np.testing.assert_array_equal(np.asarray(quad_mesh(ax).get_array()).ravel(), expected[0])
    np.testing.assert_array_equal(quad_mesh(by_function).get_array(), quad_mesh(ax).get_array())
    assert sum(len(dots.get_offsets()) for dots in scatters(ax)) == X.shape[1]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["no", "yes"]


@pytest.mark.parametrize(
    ("change", "error", "name"),
    [
        ({"X": np.zeros((3, 30))}, ValueError, r"\bX\b.*\(2, m\)"),
        ({"X": np.zeros(30)}, ValueError, r"\bX\b"),
        ({"X": "points"}, TypeError, r"\bX\b"),
        ({"Y": np.zeros((1, 29), dtype=int)}, ValueError, r"\bY\b"),
        ({"Y": np.full((1, 30), 0.5)}, ValueError, r"\bY\b"),
        ({"Y": -np.ones((1, 30))}, ValueError, r"\bY\b"),
        ({"parameters": lambda X: np.zeros(X.shape[1], dtype=int)}, ValueError, "shape"),
        ({"parameters": lambda X: np.zeros((1, 7), dtype=int)}, ValueError, "shape"),
        ({"parameters": lambda X: np.full((1, X.shape[1]), 0.5)}, ValueError, "parameters"),
        ({"parameters": [1, 2]}, TypeError, "parameters"),
        ({"parameters": {"W1": np.zeros((1, 3)), "b1": np.zeros((1, 1))}}, ValueError, "X"),
        ({"resolution": 1}, ValueError, "resolution"),
        ({"resolution": 20.5}, TypeError, "resolution"),
        ({"margin": -0.1}, ValueError, "margin"),
        ({"class_names": ["a", "b"]}, ValueError, "class_names"),
        ({"class_names": "abc"}, TypeError, "class_names"),
        ({"ax": "axes"}, TypeError, "ax"),
    ],
)
def test_decision_boundary_refuses_bad_input_naming_it(change, error, name):
    X, Y = three_blobs()
    arguments = {"parameters": nearest_centre(THREE_CENTRES), "X": X, "Y": Y, **change}
    with pytest.raises(error, match=name):
        plots.plot_decision_boundary(**arguments)


def test_confusion_matrix_image_holds_the_counts_each_cell_annotated():
    Y = np.array([[0, 0, 0, 1, 1, 2, 2, 2, 2]])
    Y_pred = np.array([[0, 1, 0, 1, 2, 2, 2, 0, 2]])
    expected = [[2, 1, 0], [0, 1, 1], [1, 0, 3]]
    _, given_ax = plt.subplots()
    ax = plots.plot_confusion_matrix(Y, Y_pred, ["cat", "dog", "bird"], given_ax, title="pets")
    assert ax is given_ax and ax.get_title() == "pets"
    (image,) = ax.images
    np.testing.assert_array_equal(image.get_array(), expected)
    texts = {(int(round(t.get_position()[1])), int(round(t.get_position()[0]))): t.get_text()
             for t in ax.texts}  # fmt: skip
    assert len(ax.texts) == 9
    assert texts == {(i, j): str(expected[i][j]) for i in range(3) for j in range(3)}
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "true"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog", "bird"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "dog", "bird"]


def test_binary_confusion_matrix_is_labelled_0_and_1_and_extra_names_add_empty_classes():
    Y, Y_pred = np.array([[1, 1, 0, 0, 0]]), np.array([[1, 0, 0, 0, 1]])
    ax = plots.plot_confusion_matrix(Y, Y_pred)
    np.testing.assert_array_equal(ax.images[0].get_array(), [[2, 1], [1, 1]])
    assert len(ax.texts) == 4
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1"]
    ax = plots.plot_confusion_matrix(Y, Y_pred, class_names=["a", "b", "c"])
    np.testing.assert_array_equal(ax.images[0].get_array(), [[2, 1, 0], [1, 1, 0], [0, 0, 0]])
    assert len(ax.texts) == 9


@pytest.mark.parametrize(
    ("Y_pred", "class_names", "error", "name"),
    [
        (np.array([[0, 1, 1]]), None, ValueError, "Y_pred"),
        (np.array([[0, 1, 0.5, 1]]), None, ValueError, "Y_pred"),
        (np.array([[0, 1, 2, -1]]), None, ValueError, "Y_pred"),
        (np.array([[0, 1, 2, 1]]), ["a", "b"], ValueError, "class_names"),
        (np.array([[0, 1, 2, 1]]), {"a": 0}, TypeError, "class_names"),
    ],
)
def test_confusion_matrix_plot_refuses_bad_labels_and_names(Y_pred, class_names, error, name):
    with pytest.raises(error, match=name):
        plots.plot_confusion_matrix(np.array([[0, 1, 2, 2]]), Y_pred, class_names)
