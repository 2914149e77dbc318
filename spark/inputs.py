"""The six input kinds straight from files, validated in Spark by the loaders' own rules.

Each file is read as lines (CSV, JSONL, gzipped or not) or records (Parquet) with their
line or record number; every partition runs :func:`loaders.validate.validate_batch`, the
function an in-process load runs, so a row is accepted, normalised or rejected for the
same reason with the same file, line and column. References are then checked as a join:
a row naming a record that no customers file has is rejected, and an unknown channel is
dropped from an order line or rejects a touchpoint, as in a load. Where a file repeats a
key (a record, a referral, a link), the last row wins, as an upsert does.

One difference, stated: a CSV record whose quoted field runs over several lines cannot be
read line by line, so that record is rejected with that reason (an in-process load reads
it). Exports rarely hold one; a file that does can be loaded in process.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import InputError
from loaders.kinds import KINDS, LOAD_ORDER, detect_kind
from loaders.load import plan_files
from loaders.mapping import Mapping
from loaders.readers import MAX_LINE_CHARS, RawBatch, RawRow, file_format
from loaders.report import FIELD_DROPPED, ROW_REJECTED, LoadReport
from loaders.rows import RowContext
from loaders.validate import UNKNOWN_CHANNEL, validate_batch
from spark.session import places

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import Column, DataFrame, Row, SparkSession

__all__ = ["MULTILINE", "InputFile", "Inputs", "plan_inputs", "read_inputs"]

#: Why a CSV line with an unbalanced quote is rejected by the Spark engine.
MULTILINE = (
    "holds a quoted field that runs over several lines, which the spark engine cannot read "
    "line by line; load this file in process (custgraph load)"
)
UNKNOWN_RECORD = "refers to a record that no loaded customers file has"
BAD_UTF8 = "is not valid UTF-8 (re-export the file as UTF-8)"

#: A ready row as JSON text (one encoder for every row: ``json.dumps`` with options makes
#: one per call)
_to_json = json.JSONEncoder(default=str, ensure_ascii=False).encode

#: What validation gives per row: where, whether it loads, why not, the row as JSON.
VALIDATED_SCHEMA = (
    "ord int, line long, ok boolean, column string, reason string, action string, "
    "row string, refs array<string>, channel string"
)


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input file: its path or URL, its kind and its place in the load order."""

    path: str
    kind: str
    ord: int

    @property
    def name(self) -> str:
        """The file's name, as rejects name it."""
        return self.path.rstrip("/").rsplit("/", 1)[-1]


def plan_inputs(paths: Sequence[str | Path]) -> list[InputFile]:
    """The input files of ``paths`` (files, or folders of them), in the order a load applies
    them: by kind (:data:`loaders.kinds.LOAD_ORDER`), then by name.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("referrals.csv", "customers.csv", "notes.txt"):
    ...     _ = (folder / name).write_text("x\\n")
    >>> [(f.name, f.kind, f.ord) for f in plan_inputs([folder])]
    [('customers.csv', 'customers', 0), ('referrals.csv', 'referrals', 1)]
    """
    urls = [str(p) for p in paths if "://" in str(p)]
    local = [p for p in paths if "://" not in str(p)]
    found = [(str(p.path), p.kind) for p in plan_files(local, None, LoadReport())] if local else []
    for url in urls:
        file_format(Path(url))
        found.append((url, detect_kind(url)))
    if not found:
        raise InputError("no input files found; pass files such as customers.csv or a folder")
    found.sort(key=lambda f: (LOAD_ORDER.index(f[1]), f[0]))  # as a load orders them
    return [InputFile(path, kind, k) for k, (path, kind) in enumerate(found)]


@dataclass(slots=True)
class Inputs:
    """The validated rows of each kind (the row as JSON text, with file order and line) and
    every reject (file, line, column, reason, action)."""

    rows: dict[str, DataFrame]
    rejects: DataFrame
    files: list[InputFile] = field(default_factory=list)
    #: the frames cached for the run (every file's validated rows, per kind, on disk):
    #: the run drops them at its end
    cached: list[DataFrame] = field(default_factory=list)


def _csv_batch(header: list[str], lines: Sequence[int], texts: Sequence[str | None]) -> RawBatch:
    """A batch of CSV lines as the in-process reader gives it (one record per line)."""
    width = len(header)
    kept: list[int] = []
    rows: list[list[str]] = []
    errors: list[RawRow] = []
    for line, value in zip(lines, texts, strict=True):
        text = value or ""
        if len(text) > MAX_LINE_CHARS:
            errors.append(RawRow(line, {}, f"is longer than {MAX_LINE_CHARS:,} characters"))
            continue
        if text.count('"') % 2:
            errors.append(RawRow(line, {}, MULTILINE))
            continue
        try:
            fields = next(csv.reader([text]), [])
        except csv.Error as exc:
            errors.append(RawRow(line, {}, f"malformed CSV: {exc}"))
            continue
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        if len(fields) != width:
            errors.append(RawRow(line, {}, f"has {len(fields)} fields, the header has {width}"))
            continue
        if "\ufffd" in text:
            errors.append(RawRow(line, {}, BAD_UTF8))
            continue
        kept.append(line)
        rows.append(fields)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    return RawBatch(kept, dict(zip(header, columns, strict=True)), errors, len(lines))


def _jsonl_batch(lines: Sequence[int], texts: Sequence[str | None]) -> RawBatch:
    """A batch of JSONL lines as the in-process reader gives it."""
    from loaders.readers import _from_rows, _json_scalar

    out: list[RawRow] = []
    for line, value in zip(lines, texts, strict=True):
        text = value or ""
        if not text.strip():
            continue
        if len(text) > MAX_LINE_CHARS:
            out.append(RawRow(line, {}, f"is longer than {MAX_LINE_CHARS:,} characters"))
            continue
        if "\ufffd" in text:
            out.append(RawRow(line, {}, BAD_UTF8))
            continue
        try:
            obj = json.loads(text)
        except ValueError as exc:
            out.append(RawRow(line, {}, f"is not valid JSON ({exc.__class__.__name__})"))
            continue
        except RecursionError:
            out.append(RawRow(line, {}, "is not valid JSON (nested too deeply)"))
            continue
        if not isinstance(obj, dict):
            out.append(RawRow(line, {}, "is not a JSON object"))
            continue
        out.append(RawRow(line, {str(k): _json_scalar(v) for k, v in obj.items()}))
    return _from_rows(out)


def _validator(
    file: InputFile, mapping: Mapping, ctx: RowContext, header: list[str] | None
) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """The function each partition runs: raw lines or records in, :data:`VALIDATED_SCHEMA`
    rows out (a ready row, a reject, or a dropped field's warning)."""

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        for frame in batches:
            lines = frame["line"].astype("int64").tolist()
            if header is not None:
                batch = _csv_batch(header, lines, frame["text"].tolist())
            elif "text" in frame:
                batch = _jsonl_batch(lines, frame["text"].tolist())
            else:
                values = frame.drop(columns=["line"]).astype(object)
                columns: dict[str, Sequence[Any]] = {
                    str(c): values[c].where(values[c].notna(), None).tolist() for c in values
                }
                batch = RawBatch(lines, columns, [], len(lines))
            ready, rejects = validate_batch(file.kind, file.name, batch, mapping, ctx)
            out: list[tuple[Any, ...]] = [
                (file.ord, r.line, False, r.column, r.reason, ROW_REJECTED, None, None, None)
                for r in rejects
            ]
            for line, item in ready:
                row = _to_json(item.row)
                out.append(
                    (file.ord, line, True, None, None, None, row, list(item.uids), item.channel)
                )
                out.extend(
                    (file.ord, line, False, column, reason, FIELD_DROPPED, None, None, None)
                    for column, reason in item.dropped
                )
            yield pd.DataFrame(
                out,
                columns=[
                    "ord",
                    "line",
                    "ok",
                    "column",
                    "reason",
                    "action",
                    "row",
                    "refs",
                    "channel",
                ],
            )

    return run


def _numbered(frame: DataFrame) -> tuple[DataFrame, Row | None]:
    """One file's rows as read (text lines or Parquet records) with ``line`` first: each
    row's 1-based place in the file, counted in the JVM; and the file's first row (None
    when the file is empty).

    Spark reads a file in blocks, each whole and in order by one task, and
    ``monotonically_increasing_id`` counts up within a task. So the rows of each block are
    counted once (a pass that reads the file but sends nothing to Python), and a row's line
    is the rows of the blocks before its own plus its place in its block. The same pass
    keeps each block's first row: the first block's is the file's (a CSV header).
    """
    from pyspark.sql import functions as F

    columns = [F.col(f"`{c}`") for c in frame.columns]
    marked = frame.select(
        F.col("_metadata.file_block_start").alias("_block"),
        F.monotonically_increasing_id().alias("_at"),
        *columns,
    )
    line, blocks = places(
        marked, F.col("_block"), 1, F.min_by(F.struct(*columns), "_at").alias("head")
    )
    if line is None:  # an empty file
        return marked.select(F.lit(None).cast("long").alias("line"), *columns), None
    return marked.select(line.alias("line"), *columns), blocks[0]["head"]


def _valid_utf8(column: str) -> Column:
    """``column`` with every byte sequence that is not UTF-8 replaced by U+FFFD: Spark keeps
    the file's bytes, and Arrow refuses invalid UTF-8 on its way to the validator, which
    rejects such a line (:data:`BAD_UTF8`) as a load does."""
    from pyspark.sql import functions as F

    return F.make_valid_utf8(column)


def _raw(
    spark: SparkSession, file: InputFile, mapping: Mapping
) -> tuple[DataFrame, list[str] | None]:
    """The file's lines (``line``, ``text``) or Parquet records (``line`` = record number,
    then its columns), and the CSV header under canonical names (None for other formats)."""
    from pyspark.sql import functions as F

    fmt, _ = file_format(Path(file.name))
    if fmt == "parquet":
        records, _ = _numbered(spark.read.parquet(file.path))
        return records.select(
            *(
                _valid_utf8(f"`{f.name}`").alias(f.name)
                if f.dataType.simpleString() == "string"
                else F.col(f"`{f.name}`")
                for f in records.schema.fields
            )
        ), None
    numbered, first = _numbered(spark.read.text(file.path))
    lines = numbered.select("line", _valid_utf8("value").alias("text"))
    if fmt == "jsonl":
        return lines, None
    raw_header = (first["value"] or "").lstrip("\ufeff") if first else ""
    header = [h.strip() for h in next(csv.reader([raw_header]), [])]
    missing = [c for c in KINDS[file.kind].required if c not in mapping.header(header)]
    if missing:
        raise InputError(
            f"{file.name} ({file.kind}) lacks required columns: {', '.join(missing)}; "
            f"expected {', '.join(KINDS[file.kind].required)}; rename them in the file or "
            "with --mapping"
        )
    return lines.filter(F.col("line") > 1), header


def read_inputs(
    spark: SparkSession,
    paths: Sequence[str | Path],
    mapping: Mapping | None = None,
    ctx: RowContext | None = None,
) -> Inputs:
    """Validate every input file in Spark and check references: the ready rows per kind
    (``ord``, ``line``, ``row`` as JSON) and the rejects, file by file in load order."""
    from functools import reduce

    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    mapping = mapping or Mapping()
    ctx = ctx or RowContext(
        region=mapping.default_region or "US",
        formats=dict(mapping.formats),
        timezone=mapping.timezone,
        decimal_comma=mapping.decimal_comma,
    )
    files = plan_inputs(paths)
    names = spark.createDataFrame([(f.ord, f.name) for f in files], "ord int, file string")
    validated: dict[str, list[DataFrame]] = {}
    for file in files:
        raw, header = _raw(spark, file, mapping)
        out = raw.mapInPandas(_validator(file, mapping, ctx, header), VALIDATED_SCHEMA)
        validated.setdefault(file.kind, []).append(out)
    merged = {k: reduce(lambda a, b: a.unionByName(b), v) for k, v in validated.items()}
    # kept on disk, not in the heap: the validated rows are the size of the input, and
    # caching them in memory competed with the same tasks' aggregations for execution
    # memory (a 2M-record run died of AGGREGATE_OUT_OF_MEMORY while writing the rejects)
    merged = {k: v.persist(StorageLevel.DISK_ONLY) for k, v in merged.items()}
    reject_parts = [v.filter(F.col("action") == ROW_REJECTED) for v in merged.values()]
    warnings = {k: v.filter(F.col("action") == FIELD_DROPPED) for k, v in merged.items()}
    ready = {k: v.filter(F.col("ok")) for k, v in merged.items()}
    customers = (
        ready["customers"].select(F.get_json_object("row", "$.uid").alias("uid")).distinct()
        if "customers" in ready
        else spark.createDataFrame([], "uid string")
    )
    channels = (
        ready["channels"].select(F.get_json_object("row", "$.channelId").alias("channel"))
        if "channels" in ready
        else spark.createDataFrame([], "channel string")
    ).distinct()
    rows: dict[str, DataFrame] = {}
    for kind, frame in ready.items():
        if kind in ("customers", "channels"):
            rows[kind] = frame.select("ord", "line", "row")
            reject_parts.append(warnings[kind])
            continue
        checked, rejected = _check_references(kind, frame, customers, channels)
        rows[kind] = checked
        reject_parts.append(rejected)
        # a dropped field is reported for a row that loads, not for one rejected after
        gone = rejected.filter(F.col("action") == ROW_REJECTED).select("ord", "line")
        reject_parts.append(warnings[kind].join(gone, ["ord", "line"], "left_anti"))
    columns = ("ord", "line", "column", "reason", "action")
    rejects = (
        reduce(lambda a, b: a.unionByName(b), [r.select(*columns) for r in reject_parts])
        .join(names, "ord")
        .select("ord", "file", "line", "column", "reason", "action")
    )
    return Inputs(rows, rejects, files, list(merged.values()))


_REF_COLUMNS = {
    "referrals": ("referrer_id", "referred_id"),
    "social_links": ("from_id", "to_id"),
}


def _check_references(
    kind: str, frame: DataFrame, customers: DataFrame, channels: DataFrame
) -> tuple[DataFrame, DataFrame]:
    """The rows whose records exist (an order line's unknown channel dropped with a
    warning), and a reject per row that names a record no customers file has or (not an
    order line) a channel no channels file has."""
    from pyspark.sql import functions as F

    refs = frame.select("ord", "line", F.posexplode("refs").alias("pos", "uid"))
    unknown = (
        refs.join(customers, "uid", "left_anti")
        .groupBy("ord", "line")
        .agg(F.min("pos").alias("pos"))
    )
    first, second = _REF_COLUMNS.get(kind, ("source_customer_id", "source_customer_id"))
    missing_record = unknown.select(
        "ord",
        "line",
        F.when(F.col("pos") == 0, F.lit(first)).otherwise(F.lit(second)).alias("column"),
        F.lit(UNKNOWN_RECORD).alias("reason"),
        F.lit(ROW_REJECTED).alias("action"),
    )
    known = frame.join(unknown.select("ord", "line"), ["ord", "line"], "left_anti")
    no_channel = known.filter(F.col("channel").isNotNull()).join(channels, "channel", "left_anti")
    bad = no_channel.select("ord", "line")
    if kind == "purchases":
        warned = no_channel.select(
            "ord",
            "line",
            F.lit("channel_id").alias("column"),
            F.lit(f"{UNKNOWN_CHANNEL}; load it first").alias("reason"),
            F.lit(FIELD_DROPPED).alias("action"),
        )
        rows = known.join(bad.withColumn("drop_channel", F.lit(True)), ["ord", "line"], "left")
        rows = rows.select(
            "ord",
            "line",
            F.when(
                F.col("drop_channel"),
                F.regexp_replace("row", r'"channelId": "(?:[^"\\]|\\.)*"', '"channelId": null'),
            )
            .otherwise(F.col("row"))
            .alias("row"),
        )
        return rows, missing_record.unionByName(warned)
    rejected_channel = no_channel.select(
        "ord",
        "line",
        F.lit("channel_id").alias("column"),
        F.lit(UNKNOWN_CHANNEL).alias("reason"),
        F.lit(ROW_REJECTED).alias("action"),
    )
    rows = known.join(bad, ["ord", "line"], "left_anti").select("ord", "line", "row")
    return rows, missing_record.unionByName(rejected_channel)
