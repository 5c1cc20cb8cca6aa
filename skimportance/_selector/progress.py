"""Progress display and quiet training for the selector and the CLI."""

import contextlib
import sys
import threading


class Progress:
    """A tqdm bar on stderr when ``verbose >= 1`` (plain lines without tqdm)."""

    def __init__(self, verbose, total, desc):
        self.verbose = verbose
        self.bar = None
        if not verbose:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:  # pragma: no cover - tqdm is a dependency
            print(desc, file=sys.stderr)
            return
        self.bar = tqdm(
            total=total,
            desc=desc,
            unit="perm",
            file=sys.stderr,
            leave=True,
            dynamic_ncols=True,
        )

    def update(self, n):
        if self.bar is not None:
            self.bar.update(n)

    def describe(self, text):
        if self.bar is not None:
            self.bar.set_description(text)
        elif self.verbose:
            print(text, file=sys.stderr)

    def close(self):
        if self.bar is not None:
            self.bar.close()


class _ThreadMutedStdout:
    """Stands in for ``sys.stdout``: drops what silenced threads write and
    passes everything else to the stream it replaced."""

    def __init__(self, target):
        self._target = target

    def write(self, text):
        if threading.get_ident() in _muted:
            return len(text)
        return self._target.write(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        if threading.get_ident() not in _muted:
            self._target.flush()

    def __getattr__(self, name):
        return getattr(self._target, name)


_lock = threading.Lock()
_muted = {}  # thread id -> depth of quiet_training blocks it is in
_installed = None  # the proxy while any thread is silenced


def _mute():
    global _installed
    with _lock:
        if _installed is None:
            _installed = _ThreadMutedStdout(sys.stdout)
            sys.stdout = _installed
        tid = threading.get_ident()
        _muted[tid] = _muted.get(tid, 0) + 1


def _unmute():
    global _installed
    with _lock:
        tid = threading.get_ident()
        _muted[tid] -= 1
        if not _muted[tid]:
            del _muted[tid]
        if not _muted and _installed is not None:
            # the last silenced thread leaves: put the stream back, unless
            # someone replaced sys.stdout meanwhile (the proxy then passes
            # everything through to the stream it replaced)
            if sys.stdout is _installed:
                sys.stdout = _installed._target
            _installed = None


@contextlib.contextmanager
def quiet_training(verbose):
    """Below verbose=2, swallow what training prints (Keras' epoch logs).

    Only the calling thread is silenced: ``sys.stdout`` is replaced, while
    any thread is silenced, by a proxy that drops the writes of silenced
    threads and passes the others through. Safe with threads (joblib's
    threading backend): the original stream is restored when the last
    silenced thread leaves, whatever happens inside.
    """
    if verbose >= 2:
        yield
        return
    _mute()
    try:
        yield
    finally:
        _unmute()
