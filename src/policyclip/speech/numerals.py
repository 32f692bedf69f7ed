"""Reading numerals in Chinese with cn2an, which takes about 0.2 s to load.

A render reads numerals only once its sentences are known, after its own start-up (imports,
the word dictionary, the script), which keeps one core busy. So a render starts a helper
process at once (on Linux, where a fork costs a few milliseconds) that loads cn2an on the
other core meanwhile, asks it to read the sentences it synthesizes, and stops it as soon as
the speech is done. Elsewhere, or when cn2an is already loaded, numerals are read here.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import sys
from collections.abc import Iterator
from multiprocessing.pool import Pool

# A reading takes milliseconds once cn2an is loaded; a helper this late has gone wrong (its
# process died), and the numerals are read here instead.
_HELPER_WAIT_S = 10.0

_helper: Pool | None = None


def read_numerals(text: str) -> str:
    """`text` with its numerals written out in Chinese words (cn2an's `an2cn`): 2023年 ->
    二零二三年, 50% -> 百分之五十; as it stands when cn2an cannot read it."""
    helper = _helper
    if helper is not None:
        try:
            return helper.apply_async(_read, (text,)).get(_HELPER_WAIT_S)
        except (OSError, ValueError, multiprocessing.TimeoutError):
            stop_helper()  # gone or stuck: not asked again
    return _read(text)


def _read(text: str) -> str:
    import cn2an

    # cn2an rejects some odd mixes of numerals and units; then the text is read as it stands.
    try:
        return str(cn2an.transform(text, "an2cn"))
    except (ValueError, KeyError):
        return text


# What stops a render: its handlers (interrupts.py) must not run in the helper, which the
# render stops itself (and Ctrl-C reaches the whole process group).
_STOPPING = {signal.SIGINT, signal.SIGTERM}


def _load() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    import cn2an  # noqa: F401


def start_helper() -> None:
    """Start loading cn2an in a helper process, where that pays (see the module's note)."""
    global _helper
    if _helper is not None or sys.platform != "linux" or "cn2an" in sys.modules:
        return
    # Held back from the fork until the helper has its own handlers (the threads the pool
    # starts here keep them held back too: signals come to the main thread).
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        _helper = multiprocessing.get_context("fork").Pool(1, initializer=_load)
    except OSError:
        pass
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def stop_helper() -> None:
    """Stop the helper, if one runs: numerals are read here from now on."""
    global _helper
    helper, _helper = _helper, None
    if helper is not None:
        helper.terminate()


@contextlib.contextmanager
def helper_loading() -> Iterator[None]:
    """Within the block, a helper loads cn2an and reads numerals (until `stop_helper`)."""
    start_helper()
    try:
        yield
    finally:
        stop_helper()
