"""Pictures of training and of a search, in one line each, from what the library returns.

* :func:`plot_costs`: the cost curves of several ``model()`` histories on one axis;
* :func:`plot_history`: one history, training and dev cost with the dev accuracy beside them;
* :func:`plot_search`: every trial of ``model_selection.random_search`` with its error bar;
* :func:`plot_decision_boundary`: the class a classifier predicts over the plane, for 2-D inputs,
  with the labelled examples on top;
* :func:`plot_confusion_matrix`: the counts of each (true class, predicted class) pair.

Each draws on ``ax`` (a new figure, laid out by matplotlib's constrained layout, if None) and
returns the axes; none calls ``plt.show()``. matplotlib is imported when a function is called,
so importing this module costs nothing where nothing is drawn.
"""

import math

import numpy as np

import metrics
import neural_network as nn
import validation

# One colour per optimiser, in every figure, so that "Adam" always looks the same.
OPTIMIZER_COLORS = {"gd": "C0", "momentum": "C1", "rmsprop": "C2", "adam": "C3"}


def _axes(ax, figsize=(7, 4)):
    import matplotlib.axes
    import matplotlib.pyplot as plt

    if ax is None:  # constrained: a legend outside the axes stays inside the figure
        return plt.subplots(figsize=figsize, layout="constrained")[1]
    if not isinstance(ax, matplotlib.axes.Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _check_history(history, name="history"):
    """A history of ``model()``: lists of real numbers, one per epoch, of the same length."""
    if not isinstance(history, dict) or not isinstance(history.get("cost"), list):
        raise TypeError(f"{name} must be the history dict model() returns (with a 'cost' list)")
    if ("dev_cost" in history) != ("dev_accuracy" in history):
        raise ValueError(f"{name} must have both 'dev_cost' and 'dev_accuracy', or neither")
    for key, values in history.items():
        if (
            not isinstance(values, list)
            or len(values) != len(history["cost"])
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        ):
            raise ValueError(f"{name}[{key!r}] must be a list of numbers, one per epoch")
    if not history["cost"]:
        raise ValueError(f"{name} has no epochs")
    return history


def plot_costs(histories, labels=None, *, key="cost", colors=None, log=False, ax=None,
               title=None, ylabel=None):  # fmt: skip
    """Draw ``history[key]`` per epoch for each history; return the axes.

    Args:
        histories: a list of ``model()`` histories (or one history).
        labels: a legend label for each; colors: a colour for each (e.g. from
            :data:`OPTIMIZER_COLORS`); by default matplotlib's cycle.
        key: what to draw: ``"cost"``, ``"dev_cost"``, ``"dev_accuracy"``, ``"learning_rate"``.
        log: a logarithmic y axis, so that one curve's spike does not flatten the others.
    """
    if isinstance(histories, dict):
        histories = [histories]
    histories = [_check_history(h, f"histories[{i}]") for i, h in enumerate(histories)]
    labels = labels or [None] * len(histories)
    colors = colors or [None] * len(histories)
    if not len(labels) == len(colors) == len(histories):
        raise ValueError("give one label and one colour per history")
    ax = _axes(ax)
    for history, label, color in zip(histories, labels, colors, strict=True):
        if key not in history:
            raise ValueError(f"a history has no {key!r} (a dev set gives 'dev_cost')")
        ax.plot(np.arange(1, len(history[key]) + 1), history[key], label=label, color=color)
    ax.set(xlabel="epoch", ylabel=ylabel or key.replace("_", " "), title=title)
    if log:
        if min(min(h[key]) for h in histories) <= 0:
            raise ValueError(f"log=True needs positive values of {key!r}")
        ax.set_yscale("log")
    if any(labels):
        ax.legend(fontsize=8)
    return ax


def plot_history(history, *, ax=None, title=None, dev_name="dev", cost_label="training cost"):
    """The training cost and, with a dev set, the dev cost and (right axis) the dev accuracy.

    The training cost is what ``model()`` minimised: with L2 it includes the penalty, and with
    dropout it is measured on thinned networks (say so in ``cost_label``); the dev cost is the
    plain cross-entropy of the network as it predicts. So a gap between them is partly the
    penalty and the noise, not only overfitting. ``dev_name`` labels the held-out set (e.g.
    ``"validation"``). The legend sits under the axes, where it covers no curve; on axes of a
    figure of your own, make that figure with ``layout="constrained"`` (or save it with
    ``bbox_inches="tight"``) to keep the legend inside. Returns the left axes.
    """
    _check_history(history)
    ax = _axes(ax)
    epochs = np.arange(1, len(history["cost"]) + 1)
    lines = ax.plot(epochs, history["cost"], color="C0", label=cost_label)
    if "dev_cost" in history:
        lines += ax.plot(epochs, history["dev_cost"], color="C1",
                         label=f"{dev_name} cost (cross-entropy)")  # fmt: skip
        right = ax.twinx()
        lines += right.plot(epochs, history["dev_accuracy"], color="C2", ls="--",
                            label=f"{dev_name} accuracy (right axis)")  # fmt: skip
        right.set(ylabel=f"{dev_name} accuracy", ylim=(0, 1))
    ax.set(xlabel="epoch", ylabel="cost", title=title)
    _legend_below(ax, lines)
    return ax


def _legend_below(ax, handles):
    """A legend centred under the axes, below the x axis's tick labels and label.

    Inside the axes any place can cover a curve (costs fall from the top left, accuracies rise to
    the top right), so it goes outside. The offset is measured in points from the x axis's drawn
    extent, so it holds whatever the figure's size, dpi or fonts.
    """
    import matplotlib.transforms as mtransforms

    pixels = ax.get_window_extent().y0 - ax.xaxis.get_tightbbox().y0
    offset = pixels * 72 / ax.figure.dpi + 4  # points, and a small gap
    below = mtransforms.offset_copy(ax.transAxes, fig=ax.figure, y=-offset, units="points")
    labels = [handle.get_label() for handle in handles]
    ax.legend(handles, labels, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, 0.0),
              bbox_transform=below, ncols=min(len(handles), 2))  # fmt: skip


def plot_search(trials, metric="balanced_accuracy", *, baselines=None, chosen=None, ax=None,
                title=None):  # fmt: skip
    """Every trial's cross-validated ``metric`` with an error bar of one standard error.

    Trials are drawn in the order they were run; rejected ones (NaN score) are marked with an
    ``x`` on the bottom edge. ``baselines`` (``{name: score}``, e.g. ``{"majority class": 0.5}``)
    are horizontal lines; ``chosen`` is the trial number to ring.
    """
    if not isinstance(trials, list) or not trials:
        raise TypeError("trials must be the non-empty list of random_search()['trials']")
    if not all(isinstance(t, dict) and "trial" in t and metric in t for t in trials):
        raise ValueError(f"every trial must be a dict with 'trial' and {metric!r}")
    if chosen is not None and chosen not in [t["trial"] for t in trials]:
        raise ValueError(f"chosen must be the number of one of the trials, got {chosen!r}")
    if baselines is not None and not (
        isinstance(baselines, dict)
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in baselines.values())
    ):
        raise TypeError(f"baselines must be a dict {{name: score}}, got {baselines!r}")
    trials = sorted(trials, key=lambda t: t["trial"])
    ax = _axes(ax, figsize=(8, 3.5))
    numbers = [t["trial"] for t in trials]
    means = np.array([t[metric] for t in trials], dtype=float)
    errors = np.nan_to_num([t.get(f"{metric}_se", math.nan) for t in trials])
    ax.errorbar(numbers, means, yerr=errors, fmt="o", color="C0", capsize=3, label="trial")
    rejected = [n for n, mean in zip(numbers, means, strict=True) if math.isnan(mean)]
    if rejected:  # at the bottom edge of the axes: they have no score
        ax.plot(rejected, [0.03] * len(rejected), "x", color="grey", label="rejected (no score)",
                transform=ax.get_xaxis_transform())  # fmt: skip
    if chosen is not None:
        ax.plot([chosen], [means[numbers.index(chosen)]], "o", ms=12, mfc="none", color="C3",
                label="chosen")  # fmt: skip
    for i, (name, value) in enumerate((baselines or {}).items()):
        ax.axhline(value, color=f"C{i + 4}", ls=":", label=f"{name} {value:.3f}")
    ax.set(xlabel="trial", ylabel=f"CV {metric.replace('_', ' ')}", title=title)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


# --------------------------------------------------------------------------------------------
# Classifiers of K classes
# --------------------------------------------------------------------------------------------


def _class_colors(K):
    """K distinct colours: matplotlib's cycle C0..C9 (tab10), then tab20, then viridis."""
    import matplotlib

    if K <= 10:
        return [matplotlib.colormaps["tab10"](k) for k in range(K)]
    if K <= 20:
        return [matplotlib.colormaps["tab20"](k) for k in range(K)]
    return [matplotlib.colormaps["viridis"](k / (K - 1)) for k in range(K)]


def _class_names(class_names, K, prefix=""):
    """A name per class ``0..K-1``, given (extra names kept: classes no label hit) or numbers."""
    if class_names is None:
        return [f"{prefix}{k}" for k in range(K)]
    if not isinstance(class_names, (list, tuple)):
        raise TypeError(
            f"class_names must be a list of names, one per class, got {type(class_names).__name__}"
        )
    if len(class_names) < K:
        raise ValueError(
            f"class_names has {len(class_names)} names but the labels go up to {K - 1}: give "
            "one name per class"
        )
    return [str(name) for name in class_names]


def _predicted_labels(parameters, grid):
    """``(1, n)`` labels of the columns of ``grid (2, n)``: a network's, or a function's."""
    if isinstance(parameters, dict):
        labels = nn.predict(grid, parameters)
    elif callable(parameters):
        labels = parameters(grid)
        if np.shape(labels) != (1, grid.shape[1]):
            raise ValueError(
                f"parameters (a function) must return labels of shape (1, n) for X of shape "
                f"(2, n); for X {grid.shape} it returned shape {np.shape(labels)}"
            )
    else:
        raise TypeError(
            "parameters must be a trained network dict or a function X (2, n) -> labels "
            f"(1, n), got {type(parameters).__name__}"
        )
    return validation.check_class_labels(labels, "the labels parameters(X) returned")


def _plane_grid(X, resolution, margin):
    """The axes ``xs, ys`` of a grid over the box of the points ``X (2, m)``, widened by
    ``margin`` times its size on each side (by 0.5 where all points share a coordinate), and
    its points ``(2, resolution^2)``, row by row: point ``i * resolution + j`` is ``(xs[j],
    ys[i])``."""
    low, high = X.min(axis=1), X.max(axis=1)
    pad = np.where(high > low, margin * (high - low), 0.5)
    xs, ys = (np.linspace(low[i] - pad[i], high[i] + pad[i], resolution) for i in range(2))
    xx, yy = np.meshgrid(xs, ys)
    return xs, ys, np.vstack([xx.ravel(), yy.ravel()]).astype(X.dtype)


def plot_decision_boundary(parameters, X, Y, ax=None, *, resolution=200, margin=0.1,
                           class_names=None, title=None):  # fmt: skip
    """The class a classifier predicts at each point of the plane, the examples on top.

    A ``resolution x resolution`` grid covers the points with a margin; each grid point is
    painted (pale) in the colour of its predicted class, so the regions meet at the decision
    boundary, and each example is a dot of its true class's colour with a black edge: one on
    the wrong region is misclassified. Class ``k`` has the colour ``Ck`` in both.

    Args:
        parameters: a trained network dict (the grid's labels are then
            ``neural_network.predict(grid, parameters)``), or a function taking ``X (2, n)`` and
            returning ``(1, n)`` integer labels, e.g. ``lambda X: predict(X, parameters, 0.3)``.
        X: ``(2, m)`` the examples, two features (the plot's axes); Y: ``(1, m)`` labels 0..K-1.
        resolution: grid points per axis, 2 to 2000; margin: the border around the points, as a
            fraction of their range (0 to 10).
        class_names: the legend's name of each class (default ``class 0``, ``class 1``, ...).
    """
    X = validation.check_X(X)
    if X.shape[0] != 2:
        raise ValueError(f"X must have shape (2, m): two features, the plot's axes; got {X.shape}")
    Y = validation.check_class_labels(Y, "Y", m=X.shape[1])
    resolution = validation.check_number(resolution, "resolution", 2, 2000, integer=True)
    margin = validation.check_number(margin, "margin", 0.0, 10.0)
    xs, ys, grid = _plane_grid(X, resolution, margin)
    predicted = _predicted_labels(parameters, grid).reshape(resolution, resolution)
    K = max(int(Y.max()), int(predicted.max())) + 1
    names = _class_names(class_names, K, prefix="class ")
    colors = _class_colors(len(names))

    import matplotlib.colors as mcolors

    # Label k falls in the bin (k - 0.5, k + 0.5) and gets colour k, as its dots do.
    cmap = mcolors.ListedColormap(colors)
    norm = mcolors.BoundaryNorm(np.arange(len(names) + 1) - 0.5, len(names))
    ax = _axes(ax, figsize=(6, 5))
    ax.pcolormesh(xs, ys, predicted, cmap=cmap, norm=norm, alpha=0.3, shading="nearest")
    for k in np.unique(Y):
        members = Y[0] == k
        ax.scatter(X[0, members], X[1, members], color=colors[k], edgecolors="black",
                   linewidths=0.5, s=20, label=names[k])  # fmt: skip
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def plot_confusion_matrix(Y, Y_pred, class_names=None, ax=None, *, title=None):
    """The confusion matrix as an image, each cell annotated with its count.

    Cell ``(i, j)`` counts the examples of true class ``i`` (rows) predicted as ``j`` (columns),
    from :func:`metrics.confusion_matrix`: the diagonal holds the hits, and a dark cell
    off it is a pair of classes the classifier mixes up.

    Args:
        Y, Y_pred: ``(1, m)`` labels 0..K-1 (integers, or floats holding whole numbers).
        class_names: the tick label of each class, at least one per label (default 0..K-1);
            with more names than labels, the extra classes get their (empty) rows and columns.
    """
    C = metrics.confusion_matrix(Y, Y_pred)
    names = _class_names(class_names, C.shape[0])
    if len(names) > C.shape[0]:
        C = metrics.confusion_matrix(Y, Y_pred, num_classes=len(names))
    K = len(names)
    ax = _axes(ax, figsize=(min(3 + 0.5 * K, 12), min(2.5 + 0.5 * K, 11)))
    ax.imshow(C, cmap="Blues", vmin=0)
    for (i, j), count in np.ndenumerate(C):
        # White on the dark cells, black on the pale ones, so every count can be read.
        color = "white" if count > C.max() / 2 else "black"
        ax.text(j, i, str(count), ha="center", va="center", color=color, fontsize=8)
    ax.set_xticks(range(K), names)
    ax.set_yticks(range(K), names)
    ax.set(xlabel="predicted", ylabel="true", title=title)
    return ax
