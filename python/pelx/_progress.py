"""Progress reporting for long pelx operations (``progress=`` keywords).

A job that reports progress runs as a sequence of parallel waves; between
waves the calling thread (holding the GIL) advances the bar. The bar is
therefore honest: it moves only when work has completed.
"""

__all__ = ["progress_callback"]

#: Waves a reported job is split into: 1% steps, few enough that the extra
#: fork-join per wave costs nothing measurable on a job long enough to want a bar.
WAVES = 100


def _noop():
    pass


def progress_callback(progress, desc):
    """Turn a ``progress=`` argument into ``(callback, close, waves)``.

    Parameters
    ----------
    progress : bool or callable
        False/None: no reporting. True: a ``tqdm.auto`` bar. A callable:
        called as ``progress(done, total)``.
    desc : str
        Label of the bar.

    Returns
    -------
    callback : callable or None
        ``callback(done, total)``, called after each wave; None if no
        reporting.
    close : callable
        Call once the job is over (closes the bar).
    waves : int
        Number of waves to split the job into (1 without reporting).
    """
    if progress is None or progress is False:
        return None, _noop, 1
    if callable(progress):
        return progress, _noop, WAVES
    if progress is not True:
        raise TypeError(f"progress must be a bool or a callable, got {type(progress).__name__}")
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped]
    except ImportError as e:
        raise ImportError("progress=True needs tqdm (pip install tqdm)") from e
    bar = None

    def update(done, total):
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=desc, unit="elem", unit_scale=True)
        bar.update(done - bar.n)

    def close():
        if bar is not None:
            bar.close()

    return update, close, WAVES
