"""Progress display and quiet training for the selector and the CLI."""

import sys


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
