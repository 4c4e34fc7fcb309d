"""Learning-rate decay: how the step size ``alpha`` shrinks as training goes on.

Early on, large steps cover ground; near a minimum they overshoot it, and mini-batch noise keeps
the parameters bouncing around it. Shrinking ``alpha`` over the epochs lets them settle:

* :func:`update_lr`, inverse-time decay every epoch, ``alpha_0 / (1 + r * epoch)``;
* :func:`schedule_lr_decay`, the same applied in steps, every ``time_interval`` epochs.

``model(..., decay=...)`` takes a rate ``r`` or, the Coursera way, a function such as
``update_lr`` with ``decay_rate=r``; :func:`learning_rate_schedule` turns those arguments into
the function ``epoch -> alpha`` the training loop calls.
"""

import inspect

import validation


def update_lr(learning_rate0, epoch_num, decay_rate):
    """Inverse-time decay, every epoch: ``alpha = alpha_0 / (1 + decay_rate * epoch)``."""
    learning_rate0, epoch_num, decay_rate = validation.check_decay_arguments(
        learning_rate0, epoch_num, decay_rate
    )
    return learning_rate0 / (1.0 + decay_rate * epoch_num)


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """Scheduled inverse-time decay, every ``time_interval`` epochs.

    ``alpha = alpha_0 / (1 + decay_rate * floor(epoch / time_interval))``: the rate stays constant
    for ``time_interval`` epochs at a time instead of shrinking a little after each one.
    """
    learning_rate0, epoch_num, decay_rate = validation.check_decay_arguments(
        learning_rate0, epoch_num, decay_rate
    )
    time_interval = validation.check_number(time_interval, "time_interval", 1, integer=True)
    return learning_rate0 / (1.0 + decay_rate * (epoch_num // time_interval))


def _coursera_form(decay):
    """``decay`` as a function called the Coursera way, ``decay(alpha_0, epoch, decay_rate)``;
    a function of the older two-argument form, ``decay(alpha_0, epoch)``, is wrapped."""
    try:
        signature = inspect.signature(decay)
    except ValueError:  # a built-in without a signature: assume the Coursera form
        return decay
    for arguments in ((1.0, 0, 1.0), (1.0, 0)):
        try:
            signature.bind(*arguments)
        except TypeError:
            continue
        if len(arguments) == 3:
            return decay
        return lambda learning_rate0, epoch, decay_rate: decay(learning_rate0, epoch)
    raise TypeError(
        f"decay must take (learning_rate0, epoch_num, decay_rate) or (learning_rate0, epoch), "
        f"got a function with the signature {signature}"
    )


def learning_rate_schedule(learning_rate, decay=None, decay_rate=None, decay_every=None):
    """The function ``epoch -> alpha`` that ``model()``'s decay arguments describe.

    * ``decay=None``: ``alpha_0`` at every epoch;
    * ``decay=r`` (a number): :func:`update_lr` with rate ``r``, or with ``decay_every=k``
      :func:`schedule_lr_decay` with ``time_interval=k``;
    * ``decay=f`` (a function): ``f(alpha_0, epoch, decay_rate)``, ``decay_rate`` 1 if None.

    The arguments are checked here, before training; a function's results as they come.
    """
    learning_rate = validation.check_positive(learning_rate, "learning_rate")
    decay, decay_rate, decay_every = validation.check_decay(decay, decay_rate, decay_every)
    if callable(decay):
        function = _coursera_form(decay)
        return lambda epoch: validation.check_decayed_learning_rate(
            function(learning_rate, epoch, decay_rate), epoch
        )
    if decay is None:
        return lambda epoch: learning_rate
    if decay_every is None:
        return lambda epoch: update_lr(learning_rate, epoch, decay)
    return lambda epoch: schedule_lr_decay(learning_rate, epoch, decay, decay_every)
