"""Readers of a generated dataset's ``truth/`` folder (tests and benchmarks only: no job
reads it).

>>> import tempfile, pathlib
>>> from synthetic import GenerateParams, generate_dataset
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> _ = generate_dataset(out, GenerateParams(customers=50, seed=1))
>>> persons = record_persons(out)
>>> len(persons), next(iter(persons)).split(":")[0] in {"crm", "shop", "app", "store"}
(50, True)
"""

from __future__ import annotations

import collections
import csv
from collections.abc import Iterable
from pathlib import Path

__all__ = ["planted_communities", "record_persons"]


def record_persons(data: Path) -> dict[str, str]:
    """Each record's true person: record uid (``source:id``) → person id."""
    with (data / "truth" / "records.csv").open(encoding="utf-8") as handle:
        return {
            f"{r['source']}:{r['source_customer_id']}": r["person_id"]
            for r in csv.DictReader(handle)
        }


def planted_communities(data: Path, resolved: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each resolved person's planted community, from a generated dataset's ``truth/``.

    ``resolved`` pairs a record uid (``source:id``) with the person it resolved to; a person
    takes the community of the true person most of its records belong to. For tests and
    benchmarks only: no job reads ``truth/``.
    """
    record = record_persons(data)
    with (data / "truth" / "persons.csv").open(encoding="utf-8") as handle:
        community = {r["person_id"]: r["community_id"] for r in csv.DictReader(handle)}
    votes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for uid, person in resolved:
        votes[person][record[uid]] += 1
    return {p: community[v.most_common(1)[0][0]] for p, v in votes.items()}
