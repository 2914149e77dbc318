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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from graph.errors import InputError

__all__ = ["RawRow", "Reader", "file_format", "open_reader"]

csv.field_size_limit(16 * 1024 * 1024)


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


class Reader:
    """Iterate a file's rows; ``columns`` is the header; ``position()`` is bytes consumed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.format, self.gzipped = file_format(path)
        self._raw: IO[bytes] = path.open("rb")
        self.size = path.stat().st_size
        self.columns: list[str] = []
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
            return gzip.GzipFile(fileobj=self._raw, mode="rb")  # type: ignore[return-value]
        return self._raw

    def _text(self) -> io.TextIOWrapper:
        # surrogateescape keeps undecodable bytes so that row, not the file, is rejected.
        return io.TextIOWrapper(
            self._binary(), encoding="utf-8-sig", errors="surrogateescape", newline=""
        )

    def _csv(self) -> Iterator[RawRow]:
        text = self._text()
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            header = []
        except (csv.Error, gzip.BadGzipFile, EOFError, OSError) as exc:
            raise InputError(f"{self.path.name}: cannot read the header ({exc})") from exc
        self.columns = [h.strip() for h in header]
        return self._csv_rows(reader, len(self.columns))

    def _csv_rows(self, reader: Any, width: int) -> Iterator[RawRow]:
        start = 2
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RawRow(reader.line_num, {}, f"malformed CSV: {exc}")
                start = reader.line_num + 1
                continue
            except (gzip.BadGzipFile, EOFError, OSError) as exc:
                yield RawRow(reader.line_num + 1, {}, f"file is truncated or corrupt: {exc}")
                return
            line = start
            start = reader.line_num + 1
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            if len(fields) != width:
                yield RawRow(line, {}, f"has {len(fields)} fields, the header has {width}")
                continue
            if _undecodable("\x1f".join(fields)):
                yield RawRow(line, {}, "is not valid UTF-8 (re-export the file as UTF-8)")
                continue
            yield RawRow(line, dict(zip(self.columns, fields, strict=True)))

    def _jsonl(self) -> Iterator[RawRow]:
        text = self._text()
        first: list[tuple[int, str]] = []
        lines = enumerate(text, start=1)
        for number, raw in lines:
            if raw.strip():
                first.append((number, raw))
                break
        if first:
            try:
                obj = json.loads(first[0][1])
                if isinstance(obj, dict):
                    self.columns = [str(k) for k in obj]
            except ValueError:
                self.columns = []
        return self._jsonl_rows(first, lines)

    def _jsonl_rows(
        self, first: list[tuple[int, str]], lines: Iterator[tuple[int, str]]
    ) -> Iterator[RawRow]:
        import itertools

        try:
            for number, raw in itertools.chain(first, lines):
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
        return self._parquet_rows(parquet)

    def _parquet_rows(self, parquet: Any) -> Iterator[RawRow]:
        line = 0
        for batch in parquet.iter_batches(batch_size=10_000):
            for record in batch.to_pylist():
                line += 1
                yield RawRow(line, {k: _json_scalar(v) for k, v in record.items()})


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
