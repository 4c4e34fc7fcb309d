"""The command line: train the chosen cat classifier, or rerun the search that chose it.

``python -m cat_cli`` (``make train``) trains the
configuration chosen by ``make search`` on all 209 training images and reports its test
accuracy; every flag overrides one setting. ``python -m cat_cli search --output FILE`` reruns
the search on the training images and writes its record to FILE (``make search`` passes
``docs/cat_search.json``; there is no default, so nothing rewrites the committed record unasked).

Every flag is checked when it is parsed: a bad value ends in argparse's one-line error naming
the flag, with exit status 2. So does a damaged ``docs/cat_search.json``, which the training
command reads its defaults from.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import augmentation
import cat_data
import cat_experiment as experiment
import model_selection as ms
import neural_net_optimized as nno
import neural_network as nn
import validation

# --------------------------------------------------------------------------------------------
# Flag types: each turns the text of a flag into a value, or says what was expected
# --------------------------------------------------------------------------------------------


class _FlagError(argparse.ArgumentTypeError, ValueError):
    """A flag's text that is not a value of its kind: argparse shows the message after the flag's
    name (``argument --seed: expected ...``); called directly, it is a ValueError."""


def _check_text(text):
    """A flag type reads the text of a flag: a str, as argparse gives it."""
    if not isinstance(text, str):
        raise TypeError(f"text must be the text of a flag (a str), got {validation.describe(text)}")
    return text


def _number(kind, low=None, high=None, **bounds):
    """An argparse type: a ``kind`` (int or float) checked like ``nn.check_number``."""

    def parse(text):
        try:
            value = kind(_check_text(text))
        except ValueError:
            expected = "an integer" if kind is int else "a number"
            raise _FlagError(f"expected {expected}, got {text!r}") from None
        try:
            return nn.check_number(value, "value", low, high, integer=kind is int, **bounds)
        except ValueError as error:
            expected = str(error).removeprefix("value must be ").split(", got")[0]
            raise _FlagError(f"expected {expected}, got {text!r}") from None

    parse.__name__ = kind.__name__
    parse.bounds = (low, high, {"integer": kind is int, **bounds})  # for checking defaults
    return parse


def _hidden(text):
    """``"20,7,5"`` -> ``(20, 7, 5)``; ``""`` or ``"none"`` -> ``()`` (logistic regression)."""
    if _check_text(text).strip().lower() in ("", "none"):
        return ()
    try:
        sizes = tuple(int(n) for n in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1 or max(sizes) > MAX_LAYER_SIZE:
        raise _FlagError(
            f"expected layer sizes from 1 to {MAX_LAYER_SIZE} separated by commas, such as 20,7,5; "
            f"got {text!r}"
        )
    return sizes


def _augmentation(text):
    try:
        augmentation.augmentation_steps(_check_text(text))
    except ValueError as error:
        raise _FlagError(str(error).removeprefix("augment must be ")) from None
    return text


def _standardize(text):
    if _check_text(text) not in ("none", "feature", "channel"):
        raise _FlagError(f"expected none, feature or channel, got {text!r}")
    return None if text == "none" else text


POSITIVE_INT = _number(int, 1)
NON_NEGATIVE_INT = _number(int, 0)
EPOCHS = _number(int, 1, 1_000_000)
KEEP_PROB = _number(float, nn.MIN_KEEP_PROB, 1.0)
POSITIVE = _number(float, 0.0, low_open=True)
NON_NEGATIVE = _number(float, 0.0)
AVERAGE_WEIGHT = _number(float, 0.0, 1.0, high_open=True)  # beta, beta1, beta2
SHIFT_COPIES = _number(int, 0, 50)
MAX_SHIFT = _number(int, 0, 63)  # pixels, less than the 64 of an image
MAX_LAYER_SIZE = 100_000


# --------------------------------------------------------------------------------------------
# Training the chosen model
# --------------------------------------------------------------------------------------------


def _default_configuration():
    """The chosen configuration matched for 209 images, or None if there is no search record.

    A damaged record ends the command with one line naming the file, exit status 2: its
    defaults cannot be trusted, and ``make search`` writes a new one.
    """
    try:
        return experiment.final_configuration()
    except FileNotFoundError:
        return None
    except (TypeError, ValueError) as error:
        _record_error(experiment.SEARCH_FILE, error)


def _record_error(path, error):
    """Say in one line that the search record at ``path`` is unusable, and exit with status 2."""
    reason = " ".join(str(error).split())
    if str(path) not in reason:
        reason = f"'{path}' is not a usable search record: {reason}"
    print(f"error: {reason}; `make search` rewrites it", file=sys.stderr)
    raise SystemExit(2)


def build_parser(defaults=None):
    """The training command's parser, its defaults the chosen configuration (``defaults``, as
    ``cat_experiment.final_configuration()`` returns it; None: the built-in fallback)."""
    d = {**_FALLBACK, **_check_defaults(defaults)}
    parser = argparse.ArgumentParser(
        prog="python -m cat_cli",
        description="Train the L-layer network on all 209 cat training images and report its "
        "test accuracy. The defaults are the configuration chosen by `make search`: a seeded "
        "random search scored by 3 x 4-fold stratified cross-validation on the training images "
        "alone (balanced accuracy; docs/cat_search.json), with lambd and epochs matched for "
        "training on all 209. `make search` (python -m cat_cli search --output "
        "docs/cat_search.json) reruns that search; `python -m cat_cli search --help` says how.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    arg = parser.add_argument
    arg("--hidden", type=_hidden, default=d["hidden"], help="hidden layer sizes, e.g. 20,7,5")
    arg("--optimizer", choices=nno.OPTIMIZERS, default=d["optimizer"], help="update rule")
    arg("--learning-rate", type=POSITIVE, default=d["learning_rate"],
        help="alpha_0 (default: %(default).3g)")  # fmt: skip
    arg("--num-epochs", type=EPOCHS, default=d["num_epochs"], help="passes over the images")
    arg("--mini-batch-size", type=NON_NEGATIVE_INT, default=d["mini_batch_size"] or 0,
        help="examples per update; 0 means full batch (model(mini_batch_size=None))")  # fmt: skip
    arg("--lambd", type=NON_NEGATIVE, default=d["lambd"], help="L2 strength")
    arg("--keep-prob", type=KEEP_PROB, default=d["keep_prob"],
        help="dropout keep probability")  # fmt: skip
    arg("--batch-norm", action=argparse.BooleanOptionalAction, default=d["batch_norm"],
        help="batch-normalise the hidden layers")  # fmt: skip
    arg("--beta", type=AVERAGE_WEIGHT, default=0.9, help="momentum")
    arg("--beta1", type=AVERAGE_WEIGHT, default=0.9, help="Adam's first-moment average")
    arg("--beta2", type=AVERAGE_WEIGHT, default=0.999,
        help="RMSprop's and Adam's second-moment average")  # fmt: skip
    arg("--epsilon", type=POSITIVE, default=1e-8, help="added to sqrt(s) in the update")
    arg("--decay", type=NON_NEGATIVE, default=None, help="inverse-time learning-rate decay rate")
    arg("--decay-every", type=POSITIVE_INT, default=None, help="apply the decay every k epochs")
    arg("--early-stopping", type=POSITIVE_INT, default=None,
        help="patience in epochs (needs --dev-fraction)")  # fmt: skip
    arg("--standardize", type=_standardize, default=d["standardize"] or "none",
        help="fit a standardizer on the training images: none, feature or channel")  # fmt: skip
    arg("--augment", type=_augmentation, default=d["augment"],
        help="training-set augmentation: none, or flips, shifts, balance joined by +")  # fmt: skip
    arg("--shift-copies", type=SHIFT_COPIES, default=d["shift_copies"],
        help="shifted copies of each image (with shifts in --augment)")  # fmt: skip
    arg("--max-shift", type=MAX_SHIFT, default=d["max_shift"],
        help="pixels, less than the 64 of an image")  # fmt: skip
    arg("--tta", action=argparse.BooleanOptionalAction, default=True,
        help="predict with mirror test-time augmentation")  # fmt: skip
    arg("--seed", type=NON_NEGATIVE_INT, default=0, help="the same seed gives the same run")
    arg("--ensemble", type=_number(int, 1, 100), default=1,
        help="train this many seeds (seed, seed + 1, ...) and report their ensemble")  # fmt: skip
    arg("--dtype", choices=("float32", "float64"), default="float32", help="floating point type")
    arg("--dev-fraction", type=_number(float, 0.0, 1.0, high_open=True), default=0.0,
        help="part of the training images to hold out as a dev set (0: train on all)")  # fmt: skip
    arg("--data-dir", default=None,
        help="directory with the .h5 files (None: $CAT_DATA_DIR, then datasets/)")  # fmt: skip
    arg("--output-dir", default="outputs", help="where the network and cost curve go (overwritten)")
    arg("--print-cost", action=argparse.BooleanOptionalAction, default=False,
        help="print the cost while training")  # fmt: skip
    return parser


# Used when there is no search record yet (a fresh `make search` is writing it).
_FALLBACK = {
    "hidden": (16,), "optimizer": "adam", "learning_rate": 1e-4, "num_epochs": 20,
    "mini_batch_size": 64, "lambd": 10.0, "keep_prob": 1.0, "batch_norm": False,
    "standardize": "channel", "augment": "flips+shifts+balance", "shift_copies": 3,
    "max_shift": 8,
}  # fmt: skip

# Each numeric default is checked against the bounds of the flag that shows it in --help.
_DEFAULT_FLAGS = {
    "learning_rate": POSITIVE, "lambd": NON_NEGATIVE, "keep_prob": KEEP_PROB,
    "num_epochs": EPOCHS, "shift_copies": SHIFT_COPIES, "max_shift": MAX_SHIFT,
}  # fmt: skip


def _check_defaults(defaults):
    """``defaults``: None, or a configuration whose keys are among ``_FALLBACK``'s, each entry
    checked as its flag checks it (argparse does not check a default that is not text)."""
    if defaults is None:
        return {}
    what = "a configuration dict, as cat_experiment.final_configuration() returns"
    validation.check_keys(validation.check_dict(defaults, "defaults", what=what), "defaults",
                          tuple(_FALLBACK))  # fmt: skip
    d = {**_FALLBACK, **defaults}
    for key, flag in _DEFAULT_FLAGS.items():
        low, high, options = flag.bounds
        validation.check_number(d[key], f"defaults['{key}']", low, high, **options)
    if not isinstance(d["hidden"], (list, tuple)):
        shown = validation.describe(d["hidden"])
        raise TypeError(f"defaults['hidden'] must be a tuple of layer sizes, got {shown}")
    for i, n in enumerate(d["hidden"]):
        validation.check_number(n, f"defaults['hidden'][{i}]", 1, MAX_LAYER_SIZE, integer=True)
    if d["mini_batch_size"] is not None:
        validation.check_number(d["mini_batch_size"], "defaults['mini_batch_size']", 1,
                                       integer=True)  # fmt: skip
    validation.check_choice(d["optimizer"], "defaults['optimizer']", nno.OPTIMIZERS)
    validation.check_flag(d["batch_norm"], "defaults['batch_norm']")
    validation.check_choice(
        d["standardize"], "defaults['standardize']", (None, *nn.STANDARDIZE_PER)
    )
    validation.check_part(ms.check_configuration, {"augment": d["augment"]}, "defaults")
    return defaults


def _configuration(args):
    """The ``model_selection`` configuration the flags describe."""
    return {
        "hidden": args.hidden, "optimizer": args.optimizer, "learning_rate": args.learning_rate,
        "num_epochs": args.num_epochs, "mini_batch_size": args.mini_batch_size or None,
        "lambd": args.lambd, "keep_prob": args.keep_prob, "batch_norm": args.batch_norm,
        "beta": args.beta, "beta1": args.beta1, "beta2": args.beta2, "epsilon": args.epsilon,
        "decay": args.decay, "decay_every": args.decay_every,
        "early_stopping": args.early_stopping, "standardize": args.standardize,
        "augment": args.augment, "shift_copies": args.shift_copies, "max_shift": args.max_shift,
    }  # fmt: skip


CLASS_NAMES = ("non-cat", "cat")  # the names the cat files give labels 0 and 1


def _print_scores(rows, Y_train):
    """One line per set: its size, share of cats, what always answering the *training* set's
    commonest class scores there (the baseline a model must beat, known before any test label
    is read), accuracy, balanced accuracy."""
    # The one rule of the library, applied to the training set's share of cats (a tie: non-cat).
    majority = int(nn.probabilities_to_labels(np.full((1, 1), np.mean(Y_train)))[0, 0])
    always = f"always {CLASS_NAMES[majority]}"
    print(f"{'set':<6}{'m':>5}{'cats':>7}{always:>16}{'accuracy':>10}{'balanced':>10}")
    for name, (Y, scores) in rows.items():
        cats, always_right = float(np.mean(Y)), float(np.mean(Y[0] == majority))
        print(
            f"{name:<6}{Y.shape[1]:>5}{cats:>7.0%}{always_right:>16.3f}"
            f"{scores['accuracy']:>10.3f}{scores['balanced_accuracy']:>10.3f}"
        )


def _test_accuracy_line(label, scores, m):
    correct = scores["tp"] + scores["tn"]
    low, high = ms.wilson_interval(correct, m)
    return (
        f"{label}: {scores['accuracy']:.3f} ({correct} of {m}; 95% Wilson interval "
        f"{low:.2f} to {high:.2f})"
    )


def _load(args):
    """The training images (less a dev split, if asked for), the dev set or None, the test set."""
    X, Y, X_test, Y_test, _ = experiment.load_data(args.data_dir, np.dtype(args.dtype))
    dev = None
    if args.dev_fraction:
        X, Y, X_dev, Y_dev = ms.train_dev_split(X, Y, args.dev_fraction, seed=args.seed)
        dev = (X_dev, Y_dev)
    return X, Y, dev, (X_test, Y_test)


def _train_and_report(args, config, data, seed, output):
    """Train one seed, print its scores on each set, save it; return it and its scores."""
    X, Y, dev, (X_test, Y_test) = data
    tta = experiment.mirror_tta if args.tta else None
    start = time.perf_counter()
    parameters, history = ms.train_configuration(
        X, Y, config, seed=seed, dtype=np.dtype(args.dtype), print_cost=args.print_cost,
        **({"X_dev": dev[0], "Y_dev": dev[1]} if dev else {}),
    )  # fmt: skip
    seconds = time.perf_counter() - start
    sets = {"train": (X, Y), **({"dev": dev} if dev else {}), "test": (X_test, Y_test)}
    scores = {name: ms.evaluate(*xy, parameters, tta=tta) for name, xy in sets.items()}
    print(f"\nSeed {seed}: trained {len(history['cost'])} epochs in {seconds:.1f} s")
    _print_scores({name: (sets[name][1], s) for name, s in scores.items()}, Y)
    print(_test_accuracy_line("test accuracy", scores["test"], Y_test.shape[1]))
    metadata = {
        "layers_dims": nn.check_parameters(parameters), **experiment.jsonable(config), "seed": seed,
        "dtype": args.dtype, "tta": args.tta, "train_seconds": seconds,
        "accuracy": {name: s["accuracy"] for name, s in scores.items()},
    }  # fmt: skip
    _save(output, parameters, history, metadata, _member_name(seed, args.ensemble))
    return parameters, scores


def _save(output, parameters, history, metadata, name):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import plots

    nno.save_parameters(output / f"{name}.npz", parameters, **metadata)
    ax = plots.plot_history(history, title=f"{metadata['layers_dims']}, seed {metadata['seed']}")
    ax.figure.savefig(output / f"{name}_cost_curve.png", dpi=100, bbox_inches="tight")
    plt.close(ax.figure)


def _check_argv(argv):
    """``argv``: the flags, a list of str; None means the command line's, ``sys.argv[1:]``."""
    if argv is None:
        return sys.argv[1:]
    if not isinstance(argv, (list, tuple)):
        raise TypeError(f"argv must be a list of str (the flags), got {validation.describe(argv)}")
    for i, arg in enumerate(argv):
        if not isinstance(arg, str):
            raise TypeError(f"argv[{i}] must be a str, got {validation.describe(arg)}")
    return list(argv)


def main(argv=None):
    """Train and report as the flags of ``--help`` say; return the scores of each set."""
    argv = _check_argv(argv)
    if argv[:1] == ["search"]:
        return search_main(argv[1:])
    parser = build_parser(_default_configuration())
    args = _parse(parser, argv)
    try:
        data = _load(args)
    except (FileNotFoundError, ValueError) as error:  # not a flag's fault: no usage block
        parser.exit(2, f"{parser.prog}: error: cannot load the cat images: {error}\n")
    X, dev, (X_test, Y_test) = data[0], data[2], data[3]
    print(
        f"Training [{X.shape[0]}, {', '.join(map(str, (*args.hidden, 1)))}] on {X.shape[1]} "
        f"training images: augmentation '{args.augment}', standardize '{args.standardize}'"
        + (f", {dev[0].shape[1]} dev images" if dev else "")
    )
    output = Path(args.output_dir)
    output.mkdir(parents=True, exist_ok=True)
    config = _configuration(args)
    try:
        trained = [
            _train_and_report(args, config, data, seed, output)
            for seed in range(args.seed, args.seed + args.ensemble)
        ]
    except FloatingPointError as error:
        print(f"error: training diverged: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    results = {**trained[0][1], "members": [scores for _, scores in trained]}
    if args.ensemble > 1:
        tta = experiment.mirror_tta if args.tta else None
        probabilities = ms.ensemble_proba(X_test, [p for p, _ in trained], tta=tta)
        results["ensemble"] = ms.scores_from_probabilities(Y_test, probabilities)
        label = f"ensemble of {args.ensemble} test accuracy"
        print("\n" + _test_accuracy_line(label, results["ensemble"], Y_test.shape[1]))
    print(f"Saved the network(s) and cost curve(s) in {output}/")
    return results


def _parse(parser, argv):
    """Parse the flags, and check the combinations no single flag can."""
    args = parser.parse_args(argv)
    if args.early_stopping is not None and not args.dev_fraction:
        parser.error("--early-stopping needs a dev set: give --dev-fraction")
    if args.decay_every is not None and args.decay is None:
        parser.error("--decay-every needs a decay rate: give --decay")
    if args.batch_norm and args.mini_batch_size == 1:
        parser.error("--batch-norm needs mini-batches of 2 or more: the variance of one is 0")
    try:
        validation.check_path(args.output_dir, "--output-dir")  # a NUL byte, say
    except (ValueError, FileNotFoundError) as error:
        parser.error(str(error))
    output_dir = Path(args.output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        parser.error(f"--output-dir {args.output_dir} exists and is not a directory")
    return args


def _member_name(seed, ensemble):
    return "cat_model" if ensemble == 1 else f"cat_model_seed{seed}"


# --------------------------------------------------------------------------------------------
# Rerunning the search
# --------------------------------------------------------------------------------------------


def search_main(argv=None):
    """``python -m cat_cli search --output FILE``: rerun the search and write its record to FILE.

    The search does not read the record it replaces, so it runs (and repairs it) whatever state
    the old one is in.
    """
    argv = _check_argv(argv)
    parser = argparse.ArgumentParser(
        prog="python -m cat_cli search",
        description="Rerun the seeded random search of cat_experiment (training images only) "
        "and the baselines, and write every trial and the chosen configuration to the record.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--trials", type=_number(int, 1, 1000), default=experiment.SEARCH_SETTINGS["n_trials"],
        help="configurations to draw",
    )  # fmt: skip
    parser.add_argument(
        "--output", type=Path, required=True, default=argparse.SUPPRESS,
        help="where to write the record (required; `make search` passes docs/cat_search.json, "
        "the record the training command reads)",
    )  # fmt: skip
    parser.add_argument("--data-dir", default=None,
        help="directory with the .h5 files (None: $CAT_DATA_DIR, then datasets/)")  # fmt: skip
    args = parser.parse_args(argv)
    if not args.output.parent.is_dir() or args.output.is_dir():
        parser.error(f"--output {args.output}: not a file in an existing directory")
    settings = {**experiment.SEARCH_SETTINGS, "n_trials": args.trials}
    try:
        cat_data.find_data_dir(args.data_dir)  # a missing file: argparse's one-line error
    except (FileNotFoundError, ValueError, TypeError) as error:
        parser.error(f"cannot load the cat images: {error}")
    record = experiment.search_and_record(args.data_dir, settings, path=args.output)
    chosen = record["trials"][record["chosen_trial"]]
    print(
        f"\nChosen: trial {record['chosen_trial']}, CV balanced accuracy "
        f"{chosen['balanced_accuracy']:.3f} +/- {chosen['balanced_accuracy_se']:.3f}; "
        f"{record['seconds']:.0f} s. Wrote {args.output}"
    )
    return record


if __name__ == "__main__":
    main()
