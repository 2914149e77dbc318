"""The Spark engine reads a file line by line; each partition must see exactly the rows,
line numbers and read errors the in-process reader sees (no Spark needed for this part)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from loaders.mapping import Mapping
from loaders.readers import RawBatch, open_reader
from loaders.rows import RowContext
from loaders.validate import validate_batch
from spark.inputs import MULTILINE, _csv_batch, _jsonl_batch, plan_inputs


def _in_process(path: Path) -> RawBatch:
    with open_reader(path) as reader:
        batches = list(reader.batches(10_000))
    assert len(batches) == 1
    return batches[0]


def _lines(path: Path) -> tuple[list[int], list[str]]:
    """The file's lines as Spark's text reader gives them: decoded with U+FFFD for bad
    bytes, without their line ends, numbered from 1."""
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    return list(range(1, len(lines) + 1)), lines


def _same(a: RawBatch, b: RawBatch) -> None:
    assert a.lines == b.lines
    assert {k: list(v) for k, v in a.columns.items()} == {k: list(v) for k, v in b.columns.items()}
    assert [(e.line, e.error) for e in a.errors] == [(e.line, e.error) for e in b.errors]


def test_csv_lines_read_as_the_file_reader_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source", "source_customer_id", "first_name", "email"])
    writer.writerow(["crm", "1", "Ann", "ann@x.com"])
    writer.writerow(["crm", "2", 'Bo "the" Chan, Jr', "bo@y.com"])  # quotes and a comma
    out.write("\n")  # a blank line
    writer.writerow(["crm", "3", "Cy"])  # a field short
    writer.writerow(["crm", "4", "王伟", "w@x.cn"])
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode() + b"crm,5,D\xff,d@x.com\n")
    lines, texts = _lines(path)
    header = next(csv.reader([texts[0]]))
    _same(_csv_batch(header, lines[1:], texts[1:]), _in_process(path))


def test_a_quoted_field_over_several_lines_is_the_one_stated_difference() -> None:
    batch = _csv_batch(["a", "b"], [2, 3], ['1,"two', 'lines"'])
    assert [(e.line, e.error) for e in batch.errors] == [(2, MULTILINE), (3, MULTILINE)]


def test_jsonl_lines_read_as_the_file_reader_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "referrals.jsonl"
    path.write_bytes(
        b'{"referrer_source": "crm", "referrer_id": "1", "tags": [1, 2]}\n'
        b"\n"
        b"not json\n"
        b"[1, 2]\n"
        b'{"referrer_source": "crm", "referrer_id": "\xff"}\n'
        b'{"referrer_source": "shop", "referred_id": "9"}\n'
    )
    lines, texts = _lines(path)
    _same(_jsonl_batch(lines, texts), _in_process(path))


def test_validation_of_a_batch_gives_the_rows_a_load_gives(tmp_path: Path) -> None:
    path = tmp_path / "channels.csv"
    path.write_text("channel_id,kind,name\nweb,online,Web\n,store,x\nPOS,store,Till\n")
    lines, texts = _lines(path)
    batch = _csv_batch(next(csv.reader([texts[0]])), lines[1:], texts[1:])
    ready, rejects = validate_batch("channels", path.name, batch, Mapping(), RowContext())
    assert [(line, item.row["channelId"]) for line, item in ready] == [(2, "web"), (4, "POS")]
    assert [(r.line, r.column) for r in rejects] == [(3, "channel_id")]


def test_inputs_are_planned_in_load_order(tmp_path: Path) -> None:
    for name in ("social.csv", "channels.jsonl", "customers_b.csv", "customers_a.csv"):
        (tmp_path / name).write_text("x\n")
    names = [f.name for f in plan_inputs([tmp_path])]
    assert names == ["channels.jsonl", "customers_a.csv", "customers_b.csv", "social.csv"]
    with pytest.raises(Exception, match="no such file"):
        plan_inputs([tmp_path / "missing"])
