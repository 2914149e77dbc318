"""Exports: a named query's rows to CSV, Parquet or JSONL, chosen by the file's extension.

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
>>> write_frame(pd.DataFrame({"a": [1]}), out)
1
>>> out.read_text()
'a\\n1\\n'
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graph.errors import InputError

__all__ = ["write_frame"]


def write_frame(frame: pd.DataFrame, out: Path) -> int:
    """Write ``frame`` to ``out`` (.csv, .parquet or .jsonl, optionally .csv.gz); rows written."""
    name = out.name.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if name.endswith((".csv", ".csv.gz")):
        frame.to_csv(out, index=False)
    elif name.endswith((".parquet", ".pq")):
        frame.to_parquet(out, index=False)
    elif name.endswith((".jsonl", ".ndjson")):
        frame.to_json(out, orient="records", lines=True, force_ascii=False)
    else:
        raise InputError(f"{out.name}: export to .csv, .parquet or .jsonl")
    return len(frame)
