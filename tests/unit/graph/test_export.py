"""Exports: a CSV never carries a cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from graph.export import write_frame


def test_formula_prefixes_are_neutralised_in_csv_but_not_in_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "source_customer_id": [
                '=HYPERLINK("http://x")',
                "+cmd|' /C calc'!A0",
                "@SUM(1)",
                "-2+3",
                "plain",
                "\tTAB",
            ],
            "amount": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    write_frame(frame, tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ids = [r["source_customer_id"] for r in rows]
    assert all(v.startswith("'") for v in ids if v != "plain")
    assert ids[4] == "plain"
    assert rows[0]["amount"] == "-1.5"  # numbers stay numbers
    write_frame(frame, tmp_path / "out.parquet")
    assert pd.read_parquet(tmp_path / "out.parquet").equals(frame)  # data formats keep values
