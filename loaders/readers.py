"""Streaming readers for CSV, JSONL and Parquet (each optionally gzipped).

Every reader yields :class:`RawRow` objects, one per input row, with the line number a
person would look for in the file. Memory stays flat whatever the file's size.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "channels.csv"
>>> _ = p.write_text("channel_id,kind\\nweb,web\\n", encoding="utf-8")
>>> reader = open_reader(p)
>>> reader.columns, [r.values for r in reader]
(['channel_id', 'kind'], [{'channel_id': 'web', 'kind': 'web'}])
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from graph.errors import InputError

__all__ = [
    "MAX_EXPANSION",
    "MAX_LINE_CHARS",
    "MAX_RECORD_LINES",
    "RawBatch",
    "RawRow",
    "Reader",
    "file_format",
    "open_reader",
]

#: The longest physical line read (characters); a longer one is rejected, read in pieces
#: and never held whole, so memory stays flat whatever a file holds.
MAX_LINE_CHARS = 1 << 20
#: The most physical lines one CSV record may span (quoted newlines): more is an
#: unterminated quote swallowing the rest of the file, and the load stops naming the line.
MAX_RECORD_LINES = 100
#: The most a gzip file may expand (decompressed bytes per compressed byte, past 64 MiB):
#: more is a decompression bomb, not an export.
MAX_EXPANSION = 200

csv.field_size_limit(MAX_LINE_CHARS)


class _BoundedLines:
    """The physical lines of a text stream, each at most :data:`MAX_LINE_CHARS` long: an
    over-long line is read in pieces, dropped, and yielded as an empty line so line numbers
    stay right; its number is kept in ``overlong`` for the reader to report."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self._text = text
        self.number = 0
        self.overlong: list[int] = []

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        line = self._text.readline(MAX_LINE_CHARS + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            while True:  # the rest of the line, piece by piece
                piece = self._text.readline(MAX_LINE_CHARS)
                if not piece or piece.endswith("\n"):
                    break
            self.overlong.append(self.number)
            return "\n"
        return line

    def take_overlong(self) -> list[int]:
        found, self.overlong = self.overlong, []
        return found


class _Counted(io.RawIOBase):
    """Decompressed bytes of a gzip file, refused once they outgrow the compressed file by
    more than :data:`MAX_EXPANSION` times (past 64 MiB)."""

    def __init__(self, inner: IO[bytes], raw: IO[bytes], name: str) -> None:
        self._inner, self._raw, self._name = inner, raw, name
        self._out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        self._out += len(data)
        if self._out > 64 << 20 and self._out > MAX_EXPANSION * max(self._raw.tell(), 1):
            raise InputError(
                f"{self._name}: expands more than {MAX_EXPANSION} times when decompressed "
                "(a decompression bomb, not an export); nothing after this point was read"
            )
        buffer[: len(data)] = data
        return len(data)


@dataclass(frozen=True, slots=True)
class RawRow:
    """One input row: its line in the file, its values by column, or why it cannot be read."""

    line: int
    values: dict[str, Any]
    error: str | None = None


def file_format(path: Path) -> tuple[str, bool]:
    """``(format, gzipped)`` from the file name: csv, jsonl or parquet."""
    name = path.name.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    if name.endswith(".csv"):
        return "csv", gz
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl", gz
    if name.endswith((".parquet", ".pq")):
        return "parquet", gz
    raise InputError(f"{path.name}: unknown format; use .csv, .jsonl or .parquet (optionally .gz)")


@dataclass(slots=True)
class RawBatch:
    """Consecutive rows of a file as columns, plus the rows that could not be read.

    ``rows_read`` counts both, so batch boundaries depend on the file only (a resumed load
    finds the same batches).
    """

    lines: list[int]
    columns: dict[str, Sequence[Any]]
    errors: list[RawRow]
    rows_read: int

    def values(self, index: int) -> dict[str, Any]:
        """The readable row at ``index`` as a dict (for the per-row reference path)."""
        return {key: column[index] for key, column in self.columns.items()}


class Reader:
    """Iterate a file's rows; ``columns`` is the header; ``position()`` is bytes consumed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.format, self.gzipped = file_format(path)
        self._raw: IO[bytes] = path.open("rb")
        self.size = path.stat().st_size
        self.columns: list[str] = []
        self._csv_reader: Any = None
        self._parquet_file: Any = None
        self._skipped: set[int] = set()
        self._rows: Iterator[RawRow]
        try:
            if self.format == "csv":
                self._rows = self._csv()
            elif self.format == "jsonl":
                self._rows = self._jsonl()
            else:
                self._rows = self._parquet()
        except Exception:
            self._raw.close()
            raise

    def position(self) -> int:
        """Bytes of the (possibly compressed) file consumed so far."""
        try:
            return self._raw.tell()
        except (ValueError, OSError):
            return self.size

    def __iter__(self) -> Iterator[RawRow]:
        return self._rows

    def close(self) -> None:
        """Close the file."""
        self._raw.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _binary(self) -> IO[bytes]:
        if self.gzipped:
            inner = gzip.GzipFile(fileobj=self._raw, mode="rb")
            counted = _Counted(inner, self._raw, self.path.name)  # type: ignore[arg-type]
            return io.BufferedReader(counted)
        return self._raw

    def _text(self) -> io.TextIOWrapper:
        # surrogateescape keeps undecodable bytes so that row, not the file, is rejected.
        return io.TextIOWrapper(
            self._binary(), encoding="utf-8-sig", errors="surrogateescape", newline=""
        )

    def _csv(self) -> Iterator[RawRow]:
        self._lines = _BoundedLines(self._text())
        reader = csv.reader(self._lines)
        try:
            header = next(reader)
        except StopIteration:
            header = []
        except (csv.Error, gzip.BadGzipFile, EOFError, OSError) as exc:
            raise InputError(f"{self.path.name}: cannot read the header ({exc})") from exc
        self.columns = [h.strip() for h in header]
        self._csv_reader = reader
        return self._csv_rows(reader, len(self.columns))

    def _csv_rows(self, reader: Any, width: int) -> Iterator[RawRow]:
        columns = self.columns
        for line, fields, error in self._csv_fields(reader, width):
            if fields is None:
                yield RawRow(line, {}, error)
            else:
                yield RawRow(line, dict(zip(columns, fields, strict=True)))

    def _csv_fields(
        self, reader: Any, width: int
    ) -> Iterator[tuple[int, list[str] | None, str | None]]:
        start = 2
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                yield from self._overlong()
                return
            except csv.Error as exc:
                yield from self._overlong()
                yield reader.line_num, None, f"malformed CSV: {exc}"
                start = reader.line_num + 1
                continue
            except (gzip.BadGzipFile, EOFError, OSError) as exc:
                yield reader.line_num + 1, None, f"file is truncated or corrupt: {exc}"
                return
            yield from self._overlong()
            line = start
            start = reader.line_num + 1
            if start - line > MAX_RECORD_LINES:
                raise InputError(
                    f"{self.path.name}: line {line}: a quoted field runs over more than "
                    f"{MAX_RECORD_LINES} lines (an unterminated quote?); close the quote and "
                    "load the file again (the rows before it are loaded)"
                )
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            if len(fields) != width:
                yield line, None, f"has {len(fields)} fields, the header has {width}"
                continue
            if line in self._skipped:
                continue  # an over-long line, reported already
            if _undecodable("\x1f".join(fields)):
                yield line, None, "is not valid UTF-8 (re-export the file as UTF-8)"
                continue
            yield line, fields, None

    def _overlong(self) -> Iterator[tuple[int, None, str]]:
        for number in self._lines.take_overlong():
            self._skipped.add(number)
            yield number, None, f"is longer than {MAX_LINE_CHARS:,} characters"

    def batches(self, size: int) -> Iterator[RawBatch]:
        """The file in batches of ``size`` rows read (readable or not), as columns."""
        if self.format == "csv" and self._csv_reader is not None:
            yield from self._csv_batches(size)
        elif self.format == "parquet" and self._parquet_file is not None:
            yield from self._parquet_batches(size)
        else:
            yield from self._row_batches(size)

    def _csv_batches(self, size: int) -> Iterator[RawBatch]:
        lines: list[int] = []
        rows: list[list[str]] = []
        errors: list[RawRow] = []
        for line, fields, error in self._csv_fields(self._csv_reader, len(self.columns)):
            if fields is None:
                errors.append(RawRow(line, {}, error))
            else:
                lines.append(line)
                rows.append(fields)
            if len(rows) + len(errors) >= size:
                yield self._csv_batch(lines, rows, errors)
                lines, rows, errors = [], [], []
        if rows or errors:
            yield self._csv_batch(lines, rows, errors)

    def _csv_batch(self, lines: list[int], rows: list[list[str]], errors: list[RawRow]) -> RawBatch:
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in self.columns]
        return RawBatch(
            lines, dict(zip(self.columns, columns, strict=True)), errors, len(rows) + len(errors)
        )

    def _parquet_batches(self, size: int) -> Iterator[RawBatch]:
        import pyarrow as pa

        line = 0
        for batch in self._parquet_file.iter_batches(batch_size=size):
            columns: dict[str, Sequence[Any]] = {}
            for name, column in zip(batch.schema.names, batch.columns, strict=True):
                values = column.to_pylist()
                if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
                    values = [_json_scalar(v) for v in values]
                columns[name] = values
            n = batch.num_rows
            yield RawBatch(list(range(line + 1, line + n + 1)), columns, [], n)
            line += n

    def _row_batches(self, size: int) -> Iterator[RawBatch]:
        chunk: list[RawRow] = []
        for row in self._rows:
            chunk.append(row)
            if len(chunk) >= size:
                yield _from_rows(chunk)
                chunk = []
        if chunk:
            yield _from_rows(chunk)

    def _jsonl(self) -> Iterator[RawRow]:
        self._lines = _BoundedLines(self._text())
        first: list[tuple[int, str]] = []
        lines = enumerate(self._lines, start=1)
        for number, raw in lines:
            if raw.strip():
                first.append((number, raw))
                break
        if first:
            try:
                obj = json.loads(first[0][1])
                if isinstance(obj, dict):
                    self.columns = [str(k) for k in obj]
            except (ValueError, RecursionError):
                self.columns = []
        return self._jsonl_rows(first, lines)

    def _jsonl_rows(
        self, first: list[tuple[int, str]], lines: Iterator[tuple[int, str]]
    ) -> Iterator[RawRow]:
        import itertools

        try:
            for number, raw in itertools.chain(first, lines):
                for over, _, reason in self._overlong():
                    yield RawRow(over, {}, reason)
                if not raw.strip():
                    continue
                if _undecodable(raw):
                    yield RawRow(number, {}, "is not valid UTF-8 (re-export the file as UTF-8)")
                    continue
                try:
                    obj = json.loads(raw)
                except ValueError as exc:
                    yield RawRow(number, {}, f"is not valid JSON ({exc.__class__.__name__})")
                    continue
                except RecursionError:
                    yield RawRow(number, {}, "is not valid JSON (nested too deeply)")
                    continue
                if not isinstance(obj, dict):
                    yield RawRow(number, {}, "is not a JSON object")
                    continue
                yield RawRow(number, {str(k): _json_scalar(v) for k, v in obj.items()})
        except (gzip.BadGzipFile, EOFError, OSError) as exc:
            yield RawRow(-1, {}, f"file is truncated or corrupt: {exc}")

    def _parquet(self) -> Iterator[RawRow]:
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(self._binary())
        except Exception as exc:
            raise InputError(f"{self.path.name}: not a readable Parquet file ({exc})") from exc
        self.columns = list(parquet.schema_arrow.names)
        self._parquet_file = parquet
        return self._parquet_rows(parquet)

    def _parquet_rows(self, parquet: Any) -> Iterator[RawRow]:
        line = 0
        for batch in parquet.iter_batches(batch_size=10_000):
            for record in batch.to_pylist():
                line += 1
                yield RawRow(line, {k: _json_scalar(v) for k, v in record.items()})


def _from_rows(chunk: list[RawRow]) -> RawBatch:
    readable = [r for r in chunk if r.error is None]
    keys = list(dict.fromkeys(k for r in readable for k in r.values))
    columns: dict[str, Sequence[Any]] = {k: [r.values.get(k) for r in readable] for k in keys}
    errors = [r for r in chunk if r.error is not None]
    return RawBatch([r.line for r in readable], columns, errors, len(chunk))


def _undecodable(text: str) -> bool:
    """True when the text kept bytes that were not UTF-8 (as lone surrogates)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _json_scalar(value: Any) -> Any:
    """Lists become ``;``-joined text (interests), everything else stays as it is."""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value


def open_reader(path: Path) -> Reader:
    """Open a reader for ``path`` (raises :class:`~graph.errors.InputError` if unreadable)."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    return Reader(path)
