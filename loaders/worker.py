"""The child process that reads and validates one file for :func:`loaders.load.load_files`.

Run as ``python -m loaders.worker``: reads one pickled job from stdin, writes pickled
validated batches to stdout (see ``loaders.validate.in_child``). Not a command for people.
"""

from __future__ import annotations

import pickle
import sys

from loaders.validate import gc_paused, validate_to


def main() -> None:
    """Validate the job on stdin; a closed stdout (the parent is gone) ends it quietly."""
    job = pickle.load(sys.stdin.buffer)  # noqa: S301 (written by our parent, a private pipe)
    try:
        with gc_paused():
            validate_to(sys.stdout.buffer, job)
    except BrokenPipeError:
        sys.exit(1)


if __name__ == "__main__":
    main()
