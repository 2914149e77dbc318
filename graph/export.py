"""Exports: a named query's rows to CSV, Parquet or JSONL, chosen by the file's extension.

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
>>> write_frame(pd.DataFrame({"a": [1]}), out)
1
>>> out.read_text()
'a\\n1\\n'
>>> csv_safe(pd.DataFrame({"id": ["=HYPERLINK(1)", "ok"], "n": [-1, 2]})).id.tolist()
["'=HYPERLINK(1)", 'ok']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graph.errors import InputError

__all__ = ["csv_safe", "write_frame"]

#: A text cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas: a cell that starts with
    ``= + - @`` or a tab or carriage return gets a leading ``'`` (OWASP's advice). Numbers
    are left as they are."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            values = out[column]
            risky = values.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA))
            out[column] = values.where(~risky.astype(bool), "'" + values.astype(str))
    return out


def write_frame(frame: pd.DataFrame, out: Path) -> int:
    """Write ``frame`` to ``out`` (.csv, .parquet or .jsonl, optionally .csv.gz); rows written."""
    name = out.name.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if name.endswith((".csv", ".csv.gz")):
        csv_safe(frame).to_csv(out, index=False)
    elif name.endswith((".parquet", ".pq")):
        frame.to_parquet(out, index=False)
    elif name.endswith((".jsonl", ".ndjson")):
        frame.to_json(out, orient="records", lines=True, force_ascii=False)
    else:
        raise InputError(f"{out.name}: export to .csv, .parquet or .jsonl")
    return len(frame)
