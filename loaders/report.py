"""What a load says about every row: rejected rows and dropped fields (file, line, column,
reason; never a value), the per-file and per-load reports, progress events, and the
rejects file."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

#: What happened to a row a line of a rejects file names.
ROW_REJECTED = "row rejected"

FIELD_DROPPED = "field dropped"


@dataclass(frozen=True, slots=True)
class Reject:
    """One rejected row, or one invalid optional field dropped from a loaded row: where it
    is, why, and which of the two (``action``); never its values."""

    file: str
    line: int
    column: str
    reason: str
    action: str = ROW_REJECTED


@dataclass(slots=True)
class FileReport:
    """What happened to one file: rows read = rows loaded + rows rejected, always.

    ``rows_warned`` counts the loaded rows that lost an invalid optional field.
    """

    path: str
    kind: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_warned: int = 0
    status: str = "loaded"  # loaded | resumed | skipped (already loaded)
    rejects_path: str | None = None
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        """Throughput of this file's load."""
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0


@dataclass(slots=True)
class LoadReport:
    """The report of one load: a :class:`FileReport` per file, and files that were ignored."""

    files: list[FileReport] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Rows read over all files."""
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        """Rows loaded over all files."""
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        """Rows rejected over all files."""
        return sum(f.rows_rejected for f in self.files)

    @property
    def rows_warned(self) -> int:
        """Rows loaded without an invalid optional field, over all files."""
        return sum(f.rows_warned for f in self.files)


@dataclass(frozen=True, slots=True)
class LoadProgress:
    """A progress event: ``bytes_done`` of ``bytes_total`` of ``path``, ``rows`` so far."""

    path: str
    kind: str
    bytes_done: int
    bytes_total: int
    rows: int
    finished: bool = False


ProgressFn = Callable[[LoadProgress], None]


class RejectsFile:
    """``file,line,column,reason,action`` rows (``action``: a row rejected or a field
    dropped), written as they come; the file exists only if any."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def write(self, rejects: Sequence[Reject]) -> None:
        if not rejects:
            return
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(["file", "line", "column", "reason", "action"])
        for r in rejects:
            self._writer.writerow([r.file, r.line, r.column, r.reason, r.action])
        self.count += len(rejects)

    def __enter__(self) -> RejectsFile:
        self.path.unlink(missing_ok=True)  # a re-run rewrites it whole
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()
