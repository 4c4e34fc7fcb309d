"""Draw docs/sample_cat.png: a cartoon cat the project owns, for the notebook's "try your own
picture" cell (run: python docs/draw_sample_picture.py).

It is drawn, not photographed, so the network, which learned from photos, may well not call it
a cat: the cell is there to show how to ask, not to promise an answer.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, Ellipse, Polygon  # noqa: E402

OUTPUT = Path(__file__).resolve().parent / "sample_cat.png"


def draw(path=OUTPUT, pixels=128):
    fig = plt.figure(figsize=(1, 1), dpi=pixels)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, 1), ylim=(0, 1), aspect="equal")
    ax.axis("off")
    ax.add_patch(Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], color="#b9c7a3"))  # a green wall
    fur, dark = "#d98c3f", "#6b3d17"
    ax.add_patch(Ellipse((0.5, 0.12), 0.8, 0.45, color=fur))  # shoulders
    for side in (-1, 1):  # ears, with their pink insides
        ax.add_patch(Polygon([(0.5 + side * 0.12, 0.72), (0.5 + side * 0.34, 0.95),
                              (0.5 + side * 0.36, 0.58)], color=fur))  # fmt: skip
        ax.add_patch(Polygon([(0.5 + side * 0.17, 0.72), (0.5 + side * 0.32, 0.88),
                              (0.5 + side * 0.32, 0.64)], color="#e7a7a0"))  # fmt: skip
    ax.add_patch(Ellipse((0.5, 0.5), 0.62, 0.52, color=fur))  # head
    for side in (-1, 1):
        ax.add_patch(Ellipse((0.5 + side * 0.13, 0.56), 0.1, 0.12, color="#9fbf3b"))  # eye
        ax.add_patch(Ellipse((0.5 + side * 0.13, 0.56), 0.025, 0.1, color="black"))  # pupil
        for dy in (-0.02, 0.02):  # whiskers
            ax.plot([0.5 + side * 0.08, 0.5 + side * 0.33], [0.43, 0.43 + dy * 3], color=dark,
                    lw=0.6)  # fmt: skip
    ax.add_patch(Polygon([(0.47, 0.47), (0.53, 0.47), (0.5, 0.43)], color="#c2566b"))  # nose
    ax.add_patch(Circle((0.5, 0.39), 0.035, fill=False, color=dark, lw=0.6))  # mouth
    fig.savefig(path, dpi=pixels)
    plt.close(fig)
    return path


if __name__ == "__main__":
    print(draw())
