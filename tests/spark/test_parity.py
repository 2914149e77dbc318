"""The Spark engine against the in-process path, on the same files (issue 20, item 6).

Each dataset is run twice: loaded into a SQLite store and analysed in process, and read
by ``custgraph analyze all --engine spark`` in ``local[2]`` (a real Spark, a real JVM).
Then: the same person for every record (the ids are the same, so the clusters are a
bijection), the same candidate and accepted pairs and the same comparison vectors with the
same counts (the EM input), the same model, PageRank within 1e-4 relative, the same
degrees, referral reach and k-cores, the same communities for the same seed, the same
journeys (paths, every attribution model's credits, transitions, each person's behaviour
and the run's counts), the same profiles (every attribute, numbers within 1e-6), and the
same rejects with the same file, line, column and reason. One dataset is run as of a day
inside its history and with reviewers' decisions (must-link and cannot-link pairs chosen
so that they change the answer), given to both sides the way users give them: ``--as-of``
and ``--overrides``. Another is a second run: a first on part of the customers, then one
on every file with decisions, where persons keep, merge and split the first run's ids
(a store's ids in process, ``--previous`` on Spark): the same ids and the same lineage; a
record the later files no longer hold retires its person on Spark (erased in process).
The command-line run also writes Neo4j import files (``--neo4j-import``): the loaded
graph's are the bulk load's from the in-process store, row for row; the results' hold the
store's counts, records, links and memberships, and the run's own results.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from graph.identity import IdentityParams
from graph.identity.job import load_overrides, read_overrides
from graph.identity.keys import KEY_LAYOUT, raw_keys, record_keys
from graph.identity.resolve import block_records, features_of, resolve_identities
from graph.identity.scoring import LEVEL_NAMES, code_fields, compare
from graph.influence import CommunityParams, InfluenceParams
from graph.journeys.job import JourneyParams
from graph.pipeline import JOBS, JobsParams, run_jobs
from graph.privacy import erase_record
from graph.profiles import ProfileParams
from graph.store import SqliteStore
from loaders import load_files
from loaders.bulk import write_import_files
from synthetic.generator import GenerateParams, generate_dataset

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = pytest.mark.spark

PAIRS = 20_000  # random pairs for u: the in-process tests' setting, on both sides
DEFAULT_PAIRS = IdentityParams().random_pairs  # what the command line uses


@dataclass
class Run:
    """One dataset run both ways."""

    data: Path
    store: SqliteStore
    rejects: pd.DataFrame  # the in-process load's rejects files, together
    out: Path  # the Spark run's results
    bad: bool  # bad rows were appended to the files
    pairs: int  # random pairs for u, on both sides
    as_of: date | None = None  # --as-of, on both sides
    overrides: list[dict[str, str]] = field(default_factory=list)  # --overrides, both sides
    lineage: set[tuple[str, str, str | None]] | None = None  # in process, a second run's
    cached: list[tuple[str, int]] = field(default_factory=list)  # (step, frames) in process

    def decided(self, decision: str) -> list[tuple[str, str]]:
        return [(o["a"], o["b"]) for o in self.overrides if o["decision"] == decision]


def _bad_rows(data: Path) -> None:
    """Append rows every check of a load meets: malformed lines, a missing field, a bad
    date, unknown records, an unknown channel on an order line, a dropped optional field."""
    with (data / "customers.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    width = len(header)
    row = dict.fromkeys(header, "")
    with (data / "customers.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*["x"] * (width - 1)])  # a field short
        writer.writerow([{**row, "source": "crm", "source_customer_id": ""}[c] for c in header])
        writer.writerow(
            [
                {
                    **row,
                    "source": "crm",
                    "source_customer_id": "bad-date",
                    "birth_date": "31/31/99",
                    "email": "not an address",
                }[c]
                for c in header
            ]
        )
    with (data / "customers.csv").open("a", encoding="utf-8", newline="") as handle:
        # the blocking caps at their edges: an e-mail 20 records share (the most that still
        # links) and one 21 share (over-shared: it links nobody)
        writer = csv.writer(handle)
        names = ["Ann", "Bea", "Cas", "Dov", "Eli", "Fay", "Gus", "Hal", "Ida", "Jon", "Kim"]
        for share, count in (("edge", 20), ("over", 21)):
            for k in range(count):
                values = {
                    **row,
                    "source": "crm",
                    "source_customer_id": f"{share}-{k}",
                    "first_name": names[k % len(names)] + "x" * (k // len(names)),
                    "last_name": "Shared",
                    "email": f"{share}@example.com",
                    "birth_date": f"19{50 + k}-01-02",
                }
                writer.writerow([values[c] for c in header])
    with (data / "customers.csv").open("ab") as raw:  # a byte that is not UTF-8
        values = [{"source": b"crm", "source_customer_id": b"bytes"}.get(c, b"") for c in header]
        values[header.index("first_name")] = b"D\xffn"
        raw.write(b",".join(values) + b"\n")
    with (data / "referrals.csv").open(encoding="utf-8") as handle:
        ref_header = next(csv.reader(handle))
    with (data / "referrals.csv").open("a", encoding="utf-8", newline="") as handle:
        values = dict.fromkeys(ref_header, "")
        values.update(
            referrer_source="crm", referrer_id="nobody", referred_source="crm", referred_id="x"
        )
        csv.writer(handle).writerow([values[c] for c in ref_header])
        handle.write('crm,"unclosed\n')
    with (data / "purchases.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        first = next(reader)
        columns = reader.fieldnames or []
    with (data / "purchases.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writerow({**first, "order_id": "O-unknown-channel", "channel_id": "nowhere"})
        writer.writerow({**first, "order_id": "O-unknown-record", "source_customer_id": "ghost"})
        writer.writerow({**first, "order_id": "O-bad-amount", "amount": "lots"})


def _bad_values(data: Path) -> None:
    """Append to Parquet files the rows a load meets that are not about the file's form: a
    record without an id, a record given twice (the last row wins), invalid optional values
    (dropped), rows naming an unknown record or channel."""
    customers = pd.read_parquet(data / "customers.parquet")
    first = customers.iloc[0].to_dict()
    again = {**first, "first_name": "Renamed", "email": None}
    dropped = {**first, "source_customer_id": "bad-values", "birth_date": "31/31/99",
               "email": "not an address", "phone": None, "device_id": None}  # fmt: skip
    nobody = {**first, "source_customer_id": None}
    extra = pd.DataFrame([again, dropped, nobody], columns=customers.columns)
    pd.concat([customers, extra]).to_parquet(data / "customers.parquet", index=False)
    purchases = pd.read_parquet(data / "purchases.parquet")
    line = purchases.iloc[0].to_dict()
    rows = [{**line, "order_id": "O-unknown-record", "source_customer_id": "ghost"},
            {**line, "order_id": "O-unknown-channel", "channel_id": "nowhere"}]  # fmt: skip
    purchases = pd.concat([purchases, pd.DataFrame(rows, columns=purchases.columns)])
    purchases.to_parquet(data / "purchases.parquet", index=False)
    touches = pd.read_parquet(data / "touchpoints.parquet")
    touch = {**touches.iloc[0].to_dict(), "channel_id": "nowhere"}
    touches = pd.concat([touches, pd.DataFrame([touch], columns=touches.columns)])
    touches.to_parquet(data / "touchpoints.parquet", index=False)


def _decisions(store: SqliteStore, path: Path, pairs: int, earlier: set[str] | None = None) -> Path:
    """Write reviewers' decisions that change the answer, chosen from a resolution without
    them: a cannot-link between two records of one person of three or more records (with
    ``earlier``, records a first run resolved: so that the person splits), and must-links
    joining records of other persons."""
    base = resolve_identities(store.frame("identity/records"), IdentityParams(random_pairs=pairs))
    members = pd.Series(base.uids).groupby(base.labels).agg(sorted)
    big = members[members.map(lambda m: len(m) >= 3 and (earlier is None or set(m) <= earlier))]
    apart = big.iloc[0]
    others = members.drop(big.index[0])
    rows = [(apart[0], apart[-1], "cannot-link")]
    rows += [(others.iloc[k][0], others.iloc[k + 1][-1], "must-link") for k in (0, 2)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["record_a", "record_b", "decision"])
        out.writerows(rows)
    return path


def _median_day(data: Path) -> date:
    """A day inside the data's history: the median order's day."""
    (file,) = data.glob("purchases.*")
    frame = pd.read_parquet(file) if file.suffix == ".parquet" else pd.read_csv(file, dtype=str)
    return pd.to_datetime(frame["purchased_at"]).sort_values().iloc[len(frame) // 2].date()


#: A record of the first delivery that the second one no longer holds (its person retires).
GONE = "crm:gone-1"


def _first_part(data: Path, first: Path) -> Path:
    """A first delivery: the first 70 % of the customers file's records, alone, and one
    record (:data:`GONE`, shares nothing) that the later files do not hold."""
    first.mkdir()
    lines = (data / "customers.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    gone = dict.fromkeys(json.loads(lines[0]))
    source, gone_id = GONE.split(":")
    gone.update(source=source, source_customer_id=gone_id, first_name="Zed", last_name="Gone")
    part = [*lines[: len(lines) * 7 // 10], json.dumps(gone) + "\n"]
    (first / "customers.jsonl").write_text("".join(part), "utf-8")
    return first


def _uids(identities: pd.DataFrame | None) -> set[str] | None:
    """The record uids of an ``identity/export`` frame (None: no frame)."""
    if identities is None:
        return None
    return set(identities["source"] + ":" + identities["source_customer_id"])


def _events(store: SqliteStore) -> set[tuple[str, str, str, str | None]]:
    """Every lineage event the store recorded: id, event, person id, other id."""
    with sqlite3.connect(store.path) as db:
        rows = db.execute("SELECT eventId, event, personId, otherId FROM identity_event")
        return {(str(r[0]), str(r[1]), str(r[2]), r[3]) for r in rows}


@dataclass
class Loaded:
    """A dataset loaded in process, before its jobs: what both sides are given."""

    store: SqliteStore
    as_of: date | None  # --as-of
    decisions: Path | None  # --overrides
    before: set[tuple[str, str, str, str | None]]  # lineage events of a first run


def _load(data: Path, work: Path, pairs: int, reviewed: bool, first: Path | None = None) -> Loaded:
    """Load in process, with reviewers' decisions when the dataset has them; with
    ``first``, after a first identity run on it."""
    store = SqliteStore(work / "custgraph.db")
    store.ensure_schema()
    before: set[tuple[str, str, str, str | None]] = set()
    if first is not None:
        load_files(store, [first], rejects_dir=work / "rejects-first")
        run_jobs(store, JobsParams(jobs=("identity",), identity=IdentityParams(random_pairs=pairs)))
        # the store's way of losing a record the files no longer hold
        assert erase_record(store, GONE, by="test").person_removed
        before = _events(store)
    before_load = store.frame("identity/export") if first is not None else None
    load_files(store, [data], rejects_dir=work / "rejects")
    as_of, decisions = None, None
    if reviewed or first is not None:
        decisions = _decisions(store, work / "overrides.csv", pairs, _uids(before_load))
        load_overrides(store, decisions)
    if reviewed:
        as_of = _median_day(data)
    return Loaded(store, as_of, decisions, before)


def _in_process(
    loaded: Loaded, work: Path, pairs: int
) -> tuple[pd.DataFrame, set[tuple[str, str, str | None]]]:
    """Analyse a loaded dataset in process: its load's rejects and (a second run) the
    lineage events of this run."""
    store, as_of = loaded.store, loaded.as_of
    run_jobs(
        store,
        JobsParams(
            jobs=("identity", "influence", "communities", "journeys", "profiles"),
            full_identity=True,
            identity=IdentityParams(random_pairs=pairs),
            journeys=JourneyParams(as_of=as_of),
            influence=InfluenceParams(as_of=as_of),
            communities=CommunityParams(as_of=as_of),
            profiles=ProfileParams(as_of=as_of),
        ),
    )
    files = sorted((work / "rejects").glob("*.csv"))
    rejects = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files])
    lineage = {e[1:] for e in _events(store) - loaded.before}
    return rejects, lineage


#: The module session's own time zone: a run borrows the session and must read in UTC.
SESSION_ZONE = "Pacific/Auckland"


@pytest.fixture(scope="module")
def session() -> Iterator[SparkSession]:
    """One Spark session for the module's in-process runs, which borrow it."""
    from spark.session import spark_session

    conf = {"spark.sql.shuffle.partitions": "2", "spark.sql.session.timeZone": SESSION_ZONE}
    with spark_session(conf=conf) as spark:
        yield spark


def _cached(spark: SparkSession) -> int:
    """How many frames the session holds cached (its cache manager's entries)."""
    manager = spark._jsparkSession.sharedState().cacheManager()
    entries = manager.getClass().getDeclaredField("cachedData")
    entries.setAccessible(True)
    return int(entries.get(manager).size())


def _spark(
    spark: SparkSession,
    data: Path,
    out: Path,
    decisions: Path | None = None,
    first: Path | None = None,
    neo4j_import: bool = False,
) -> list[tuple[str, int]]:
    """``run_spark`` in this process, on the module's session; with ``first``, after an
    identity run on it whose ids the run keeps (``previous``); with ``neo4j_import``, the
    (last) run writes Neo4j import files. Returns the frames the session held cached as each
    step of the (last) run began, and after it."""
    from spark.run import SPARK_JOBS, SparkParams, run_spark

    previous = None
    if first is not None:
        previous = str(out.with_name(out.name + "-first"))
        run_spark(
            SparkParams(
                jobs=("identity",),
                inputs=(str(first),),
                out=previous,
                identity=IdentityParams(random_pairs=PAIRS),
                neo4j_import=True,  # an identity-only run's files: imported by the main stage
            ),
            session=spark,
        )
    cached: list[tuple[str, int]] = []
    run_spark(
        SparkParams(
            jobs=SPARK_JOBS,
            inputs=(str(data),),
            out=str(out),
            identity=IdentityParams(random_pairs=PAIRS),
            overrides=tuple(read_overrides(decisions)) if decisions else (),
            previous=previous,
            neo4j_import=neo4j_import,
        ),
        lambda step: cached.append((step, _cached(spark))),
        session=spark,
    )
    return [*cached, ("after the run", _cached(spark))]


@dataclass
class Command:
    """``custgraph analyze all --engine spark`` running in a process of its own (the way
    users run it), started as soon as its inputs are known: its JVM works while the
    module's other datasets run."""

    process: subprocess.Popen[bytes]
    output: Path  # its stdout and stderr, together

    @classmethod
    def start(cls, data: Path, out: Path, loaded: Loaded) -> Command:
        args = ["analyze", "all", "--engine", "spark", "--input", str(data), "--out", str(out),
                "--spark-conf", "spark.sql.shuffle.partitions=2", "--neo4j-import"]  # fmt: skip
        if loaded.as_of is not None:
            args += ["--as-of", loaded.as_of.isoformat()]
        if loaded.decisions is not None:
            args += ["--overrides", str(loaded.decisions)]
        output = out.with_name(out.name + ".log")
        with output.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "cli", *args], stdout=sink, stderr=subprocess.STDOUT
            )
        return cls(process, output)

    def finish(self, decisions: Path | None) -> None:
        """Wait for the run (10 minutes at most) and check what it told its user."""
        code = self.process.wait(timeout=600)
        said = self.output.read_text(encoding="utf-8", errors="replace")
        assert code == 0, said[-2000:]
        if decisions is not None:
            assert "3 override(s) applied" in said
        assert "records →" in said
        assert " spark: resolving identities…" in said  # a log gets a line per step
        assert "communities" in said
        assert "journeys of" in said
        assert "spark: profiles of" in said
        assert f"custgraph load --import-dir {self.output.with_suffix('')}/neo4j\n" in said


@dataclass
class Prepared:
    """A dataset's files, loaded in process; for the command-line dataset, its run started."""

    work: Path
    first: Path | None
    pairs: int
    loaded: Loaded
    command: Command | None


def _prepare(name: str, work: Path) -> Prepared:
    params, bad, command, reviewed, second = DATASETS[name]
    generate_dataset(work / "data", params)
    if bad:
        _bad_rows(work / "data")
    elif params.fmt == "parquet":
        _bad_values(work / "data")
    first = _first_part(work / "data", work / "first") if second else None
    pairs = DEFAULT_PAIRS if command else PAIRS
    loaded = _load(work / "data", work, pairs, reviewed, first)
    started = Command.start(work / "data", work / "out", loaded) if command else None
    return Prepared(work, first, pairs, loaded, started)


#: name: (what to generate, bad rows appended (a Parquet dataset gets bad values
#: instead: ``_bad_values``), run through the command line, run as of a day with
#: reviewers' decisions, a second run with decisions after a first on part of the
#: customers)
DATASETS = {
    "csv-with-bad-rows": (GenerateParams(customers=2500, seed=7), True, False, False, False),
    "jsonl-second-run": (
        GenerateParams(customers=1500, seed=11, fmt="jsonl"),
        False,
        False,
        False,
        True,
    ),
    "parquet-by-command-as-of-reviewed": (
        GenerateParams(customers=1000, seed=3, fmt="parquet"),
        False,
        True,
        True,
        False,
    ),
}


@pytest.fixture(scope="module")
def commands(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Prepared]]:
    """The datasets run through the command line, prepared and their runs started when the
    module's first dataset is set up (stopped, if still running, when the module ends)."""
    prepared = {
        name: _prepare(name, tmp_path_factory.mktemp(name))
        for name, (*_, command, _reviewed, _second) in DATASETS.items()
        if command
    }
    yield prepared
    for each in prepared.values():
        if each.command is not None and each.command.process.poll() is None:
            each.command.process.kill()
            each.command.process.wait()


@pytest.fixture(scope="module", params=list(DATASETS))
def run(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    commands: dict[str, Prepared],
    session: Any,
) -> Iterator[Run]:
    # (``commands`` first: the command-line run's JVM starts before the module's session
    # does, and the two start side by side)
    _params, bad, command, reviewed, second = DATASETS[request.param]
    if command:
        prepared = commands[request.param]
    else:
        assert not reviewed  # the reviewed dataset goes through the command line
        prepared = _prepare(request.param, tmp_path_factory.mktemp(request.param))
    work, loaded = prepared.work, prepared.loaded
    rejects, lineage = _in_process(loaded, work, prepared.pairs)
    cached: list[tuple[str, int]] = []
    if prepared.command is not None:
        prepared.command.finish(loaded.decisions)
    else:
        cached = _spark(
            session,
            work / "data",
            work / "out",
            loaded.decisions,
            prepared.first,
            neo4j_import=request.param in IMPORTED,
        )
    decided = read_overrides(loaded.decisions) if loaded.decisions else []
    _hand_over(request.param, prepared)
    yield Run(
        work / "data", loaded.store, rejects, work / "out", bad, prepared.pairs, loaded.as_of,
        decided, lineage if second else None, cached,
    )  # fmt: skip
    loaded.store.close()


#: Where the runs that wrote Neo4j import files are handed to the main test stage
#: (``make test`` runs this stage first): tests/integration/test_spark_import.py imports
#: each into a real Neo4j and compares it with an online load analysed in process.
HANDOFF = "CUSTGRAPH_SPARK_HANDOFF"


def _hand_over(name: str, prepared: Prepared) -> None:
    """Copy a dataset's Spark runs that wrote import files, with their input files and what
    the in-process side must be given (jobs, day, decisions, random pairs), into the folder
    :data:`HANDOFF` names (nothing without it)."""
    target = os.environ.get(HANDOFF)
    if not target:
        return
    work, loaded = prepared.work, prepared.loaded
    runs = []
    if prepared.command is not None:  # the command-line run: every job, --neo4j-import
        runs.append((name, work / "data", work / "out", list(JOBS), DEFAULT_PAIRS,
                     loaded.as_of, loaded.decisions))  # fmt: skip
    elif name in IMPORTED:  # a run in the module's session, with import files
        runs.append((name, work / "data", work / "out", list(JOBS), PAIRS, None, None))
    if prepared.first is not None:  # a second run's first: identity alone, import files
        runs.append((f"{name}-first", prepared.first, work / "out-first", ["identity"], PAIRS,
                     None, None))  # fmt: skip
    for label, data, out, jobs, pairs, as_of, decisions in runs:
        assert (out / "neo4j" / "import.json").is_file(), label
        folder = Path(target) / label
        shutil.copytree(data, folder / "data")
        shutil.copytree(out, folder / "out")
        if decisions is not None:
            shutil.copy(decisions, folder / "overrides.csv")
        described = {
            "jobs": jobs,
            "random_pairs": pairs,
            "as_of": as_of.isoformat() if as_of else None,
            "overrides": decisions is not None,
        }
        (folder / "handoff.json").write_text(json.dumps(described), encoding="utf-8")


def _parquet(out: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(out / name)


def test_every_record_has_the_same_person(run: Run) -> None:
    inproc = run.store.frame("identity/export")
    spark = _parquet(run.out, "identities")
    both = inproc.merge(spark, on=["source", "source_customer_id"], suffixes=("", "_spark"))
    assert len(both) == len(inproc) == len(spark)
    assert (both["person_id"] == both["person_id_spark"]).all()
    # and so the clusters are a bijection: no person of one side splits on the other
    pairs = both[["person_id", "person_id_spark"]].drop_duplicates()
    assert pairs["person_id"].is_unique
    assert pairs["person_id_spark"].is_unique
    assert np.allclose(both["confidence"], both["confidence_spark"], atol=1e-6)
    assert both["person_id"].nunique() < len(both)  # records did merge


def test_the_same_pairs_comparison_vectors_and_model(run: Run) -> None:
    params = IdentityParams(random_pairs=run.pairs)
    records = run.store.frame("identity/records")
    must, cannot = run.decided("must-link"), run.decided("cannot-link")
    result = resolve_identities(records, params, must_link=must, cannot_link=cannot)
    report = json.loads((run.out / "run.json").read_text())
    counts = report["counts"]["identity"]
    for key in ("records", "candidate_pairs", "accepted_pairs", "kept_pairs", "persons"):
        assert counts[key] == result.counts[key], key
    # the EM input: every distinct comparison vector of the candidate pairs, with its count
    f = features_of(records)
    raw = raw_keys(f)
    pairs, _, blocked, _ = block_records(f, record_keys(f, raw), params, None, must, raw=raw)
    levels = compare(f, pairs, coded=code_fields(f, blocked))
    fields = list(LEVEL_NAMES)
    expected = pd.DataFrame(levels).value_counts(fields).rename("count").reset_index()
    got = _parquet(run.out, "comparison_vectors")
    merged = expected.merge(got, on=fields, how="outer", suffixes=("", "_spark"))
    assert len(merged) == len(expected) == len(got)
    assert (merged["count"] == merged["count_spark"]).all()
    model = report["model"]
    assert model["iterations"] == result.model.iterations
    assert np.allclose(model["prior"], result.model.prior, rtol=1e-9)
    for name in fields:
        assert np.allclose(model["m"][name], result.model.m[name], rtol=1e-9)
        assert np.allclose(model["u"][name], result.model.u[name], rtol=1e-12)
    matches = _parquet(run.out, "matches")
    spark_pairs = {
        (*sorted((str(a), str(b))), str(rule))
        for a, b, rule in matches[["src", "dst", "rule"]].itertuples(index=False)
    }
    inproc_pairs = {(*sorted((m["src"], m["dst"])), m["rule"]) for m in result.matches}
    assert spark_pairs == inproc_pairs
    # each kept match's per-field evidence, as MATCHES.evidence holds it in process
    evidence = {tuple(sorted((m["src"], m["dst"]))): m["evidence"] for m in result.matches}
    got = {
        tuple(sorted((str(a), str(b)))): str(text)
        for a, b, text in matches[["src", "dst", "evidence"]].itertuples(index=False)
    }
    assert got == evidence
    assert any(json.loads(text) for text in got.values())


def test_influence_matches_in_process(run: Run) -> None:
    inproc = run.store.frame("influence/influencers")
    spark = _parquet(run.out, "influencers")
    both = inproc.merge(spark, on="person_id", suffixes=("", "_spark"))
    assert len(both) == len(inproc) == len(spark)
    relative = (both["pagerank"] - both["pagerank_spark"]).abs() / both["pagerank"]
    assert relative.max() <= 1e-4
    # the rounds stop at their tolerance (no rank moving by 1e-9 of itself in a round), not
    # at the cap of 500: the ranks come out far closer than the 1e-4 the parity asks
    assert relative.max() <= 1e-7
    rounds = json.loads((run.out / "run.json").read_text())["counts"]["pagerank_rounds"]
    assert 0 < rounds < 500
    for column in ("in_degree", "out_degree", "referral_reach", "referral_depth", "coreness"):
        assert (both[column] == both[f"{column}_spark"]).all(), column
    # revenue sums in another order: within a cent
    assert np.allclose(both["referred_revenue"], both["referred_revenue_spark"], atol=0.011)
    assert np.allclose(both["score"], both["score_spark"], atol=1e-3)
    assert both["referral_reach"].max() > 0  # the generated referrals did build trees
    rho = both["rank"].corr(both["rank_spark"], method="spearman")
    assert rho > 0.999


def test_communities_match_in_process(run: Run) -> None:
    inproc = run.store.frame("influence/communities")
    spark = _parquet(run.out, "communities")
    both = inproc.merge(spark, on="person_id", suffixes=("", "_spark"))
    assert len(both) == len(inproc) == len(spark)
    assert (both["community_id"] == both["community_id_spark"]).all()
    assert np.allclose(both["participation"], both["participation_spark"], atol=2e-6)
    assert both["community_id"].nunique() > 1
    # each community's summary, as the store's Community nodes hold it
    with sqlite3.connect(run.store.path) as db:
        stored = pd.read_sql("SELECT * FROM community", db).drop(columns=["run"])
    summary = _parquet(run.out, "community_summary")
    assert sorted(summary.columns) == sorted(stored.columns)
    joined = stored.merge(summary, on="communityId", suffixes=("", "_spark"))
    assert len(joined) == len(stored) == len(summary)
    for column in ("size", "density", "modularityShare", "churnRate"):
        assert np.allclose(joined[column], joined[f"{column}_spark"], rtol=0, atol=1e-6), column
    assert np.allclose(joined["revenue"], joined["revenue_spark"], rtol=0, atol=0.011)
    for column in ("dominantChannel", "topInfluencers"):
        _same(joined[column], joined[f"{column}_spark"], column)
    assert joined["dominantChannel"].notna().any()
    assert (joined["revenue"] > 0).any()


def _rejects(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    columns = ["file", "line", "column", "reason", "action"]
    return sorted(map(tuple, frame[columns].fillna("").astype(str).to_numpy().tolist()))


def test_rejects_match_in_process(run: Run) -> None:
    got = _rejects(_parquet(run.out, "rejects"))
    expected = _rejects(run.rejects)
    # the one stated difference: a CSV line whose quoted field stays open (the last line of
    # the bad referrals) is rejected for that by Spark, as malformed CSV by a load
    multiline = [r for r in got if "runs over several lines" in r[3]]
    assert len(multiline) == (1 if run.bad else 0)
    for row in multiline:
        got.remove(row)
        expected = [r for r in expected if (r[0], r[1]) != (row[0], row[1])]
    assert got == expected
    assert len(got) >= (10 if run.bad else 0)


def _same(a: pd.Series, b: pd.Series, column: str) -> None:
    """Equal values (numbers within 1e-6; missing where the other is missing)."""
    if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
        x, y = a.astype(float).to_numpy(), b.astype(float).to_numpy()
        assert (np.isnan(x) == np.isnan(y)).all(), column
        assert np.allclose(x[~np.isnan(x)], y[~np.isnan(y)], rtol=0, atol=1e-6), column
    else:
        left = a.astype(object).where(a.notna(), None).tolist()
        right = b.astype(object).where(b.notna(), None).tolist()
        assert left == right, column


def test_profiles_match_in_process(run: Run) -> None:
    inproc = run.store.frame("profiles/export").sort_values("person_id", ignore_index=True)
    spark = _parquet(run.out, "profiles")
    assert list(spark.columns) == list(inproc.columns)
    assert spark["person_id"].tolist() == inproc["person_id"].tolist()
    for column in inproc.columns.drop("run"):
        _same(inproc[column], spark[column], column)
    assert spark["run"].nunique() == 1
    # the profiles say something: buyers scored, more than one segment, some risk learned
    assert spark["rfm_score"].notna().sum() > len(spark) / 4
    assert spark["segment"].nunique() > 1
    assert spark["churn_risk"].between(0, 1).sum() > len(spark) / 2
    report = json.loads((run.out / "run.json").read_text())["counts"]["profiles"]
    runs = run.store.frame("status/last_runs")
    stored = json.loads(runs.loc[runs["job"] == "profiles", "counts"].iloc[0])
    for key in ("persons", "buyers", "segments", "bgnbd_r", "bgnbd_alpha", "churn_cv_auc"):
        assert report[key] == stored[key], key


def test_every_profile_attribute_matches_in_process(run: Run) -> None:
    with sqlite3.connect(run.store.path) as db:
        inproc = pd.read_sql("SELECT * FROM person_profile ORDER BY personId", db)
    spark = _parquet(run.out, "profile_details")
    assert set(spark.columns) == set(inproc.columns)
    assert len(spark) == len(inproc)
    for column in inproc.columns.drop("run"):
        _same(inproc[column], spark[column], column)
    # the JSON parts are not empty everywhere: factors, channel mixes, categories, sources
    for column in ("churnFactors", "channelMix", "topCategories", "demographics"):
        assert (spark[column].str.len() > 2).sum() > len(spark) / 4, column


@pytest.mark.parametrize("run", ["parquet-by-command-as-of-reviewed"], indirect=True)
def test_as_of_and_reviewers_decisions_change_the_answer_alike(run: Run) -> None:
    """The reviewed dataset: the decisions hold on both sides (the other tests show the two
    sides equal), and the day cut the person graph."""
    assert run.as_of is not None

    def persons(frame: pd.DataFrame) -> dict[str, str]:
        uids = frame["source"] + ":" + frame["source_customer_id"]
        return dict(zip(uids, frame["person_id"], strict=True))

    person = persons(_parquet(run.out, "identities"))
    stored = persons(run.store.frame("identity/export"))
    for a, b in run.decided("must-link"):
        assert person[a] == person[b]
        assert stored[a] == stored[b]
    for a, b in run.decided("cannot-link"):
        assert person[a] != person[b]
        assert stored[a] != stored[b]
    matches = _parquet(run.out, "matches")
    assert (matches["rule"] == "must-link override").sum() == len(run.decided("must-link"))
    report = json.loads((run.out / "run.json").read_text())
    assert report["as_of"] == run.as_of.isoformat()
    assert report["counts"]["identity"]["overrides"] == len(run.overrides) == 3
    assert report["counts"]["profiles"]["as_of"].startswith(run.as_of.isoformat())
    # the day left later links out: fewer person links than the stored graph of every link
    with sqlite3.connect(run.store.path) as db:
        every = sum(
            db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("person_referred", "person_follows", "person_friends_with",
                      "person_interacts_with")
        )  # fmt: skip
    assert 0 < report["counts"]["person_edges"] < every


@pytest.mark.parametrize("run", ["jsonl-second-run"], indirect=True)
def test_a_second_run_keeps_merges_and_splits_ids_alike(run: Run) -> None:
    """The second run: persons kept, merged and split the first run's ids alike (the
    identities test shows every record with the same id on both sides), with the same
    lineage events; ``person_ids/`` holds every id issued, and feeds a third run."""
    assert run.lineage is not None
    kinds = {event for event, _, _ in run.lineage}
    assert {"new", "merge", "split"} <= kinds  # the scenario exercises each rule
    got = _parquet(run.out, "lineage")
    spark = {
        (e, p, None if o is None or pd.isna(o) else o)
        for e, p, o in got[["event", "person_id", "other_id"]].itertuples(index=False)
    }
    first = _parquet(run.out.with_name(run.out.name + "-first"), "identities")
    (gone,) = first.loc[first["source_customer_id"] == GONE.split(":")[1], "person_id"]
    # the record the files dropped: its person retires on Spark (a store erases it instead)
    assert spark == run.lineage | {("retire", gone, None)}
    issued = _parquet(run.out, "person_ids")
    live = set(_parquet(run.out, "identities")["person_id"])
    assert issued["person_id"].is_unique
    assert set(issued["person_id"]) == set(first["person_id"]) | live
    assert set(issued.loc[~issued["retired"], "person_id"]) == live
    assert gone not in live
    kept = issued["person_id"].isin(set(first["person_id"]))
    assert issued.loc[kept, "created_at"].nunique() == 1  # created by the first run
    assert (issued.loc[~kept, "created_at"] > issued.loc[kept, "created_at"].iloc[0]).all()
    report = json.loads((run.out / "run.json").read_text())
    assert report["counts"]["identity"]["lineage"] == dict(Counter(e for e, _, _ in spark))


#: The datasets whose (last) Spark run writes Neo4j import files: the CSV dataset with its
#: file-level faults (malformed lines, a byte that is not UTF-8, an unclosed quote, the
#: blocking caps), and the command-line one with bad values appended, as of a day with
#: reviewers' decisions (its run works beside the module's, so its files cost the stage
#: little). Not the second run's: its files would hold only the later delivery (its first
#: run's, identity alone, are written and imported: :func:`_hand_over`).
IMPORTED = ["csv-with-bad-rows", "parquet-by-command-as-of-reviewed"]


def _import_rows(header: Path, parts: list[Path]) -> pd.DataFrame:
    """An import group's rows, a column per header title, as ``neo4j-admin`` reads them: an
    empty field is null, a quoted empty one an empty text; numbers as numbers."""
    titles = header.read_text(encoding="utf-8").rstrip("\n").split(",")
    names = [f"c{i}" for i in range(len(titles))]
    read = pacsv.ReadOptions(column_names=names)
    parse = pacsv.ParseOptions(newlines_in_values=True)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    tables = [pacsv.read_csv(p, read, parse, convert) for p in parts]
    frame = (
        pa.concat_tables(tables).to_pandas()
        if tables
        else pd.DataFrame(columns=names, dtype=object)
    )
    frame.columns = titles
    for title in titles:
        kind = title.partition(":")[2]
        if kind in ("long", "double"):
            frame[title] = pd.to_numeric(frame[title]).astype(float)
    return frame.astype(object).where(frame.notna(), None)


def _group(folder: Path, stem: str) -> pd.DataFrame:
    """A Spark run's import group ``stem`` (header file and part files)."""
    header = folder / f"{stem}.header.csv"
    assert header.is_file(), stem
    return _import_rows(header, sorted((folder / stem).glob("part-*")))


def _touches(events: pd.DataFrame, made: pd.DataFrame, on: pd.DataFrame) -> Counter[Any]:
    """Touchpoint events as (record, channel, properties), their import ids dropped."""
    made = made.set_axis(["uid", "seq"], axis=1)
    on = on.set_axis(["seq", "on"], axis=1)
    joined = events.rename(columns={events.columns[0]: "seq"}).merge(made, on="seq")
    joined = joined.merge(on, on="seq")
    assert len(joined) == len(events) == len(made) == len(on)
    assert (joined["on"] == joined["channelId"]).all()
    return Counter(map(tuple, joined.drop(columns=["seq", "on"]).to_numpy().tolist()))


@pytest.mark.parametrize("run", IMPORTED, indirect=True)
def test_import_files_hold_the_graph_a_load_builds(run: Run, tmp_path: Path) -> None:
    """The loaded graph's import files of a Spark run hold, row for row, what the bulk load
    writes from a store the same files were loaded into (``custgraph load --bulk``, whose
    import into a real Neo4j gives the online load's graph: tests/integration)."""
    folder = run.out / "neo4j"
    theirs = write_import_files(run.store, tmp_path)
    assert len(theirs.files) >= 15  # every kind of the loaded graph has rows
    touch: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    for f in theirs.files:
        expected = _import_rows(f.header, f.parts)
        got = _group(folder, f.name)
        assert set(expected.columns) <= set(got.columns), f.name
        got = got[list(expected.columns)]
        if f.name in ("Touchpoint", "MADE", "ON"):
            touch[f.name] = (expected, got)
            continue
        if f.name == "LoadFile":
            read, size, done = (got[c] for c in ("rowsRead:long", "batchSize:long",
                                                 "batchesDone:long"))  # fmt: skip
            assert (done == np.ceil(read / size)).all()
            assert (got["status"] == "done").all()
            times = ["startedAt", "finishedAt", "batchSize:long", "batchesDone:long"]
            expected, got = expected.drop(columns=times), got.drop(columns=times)
        rows = Counter(map(tuple, expected.to_numpy().tolist()))
        assert Counter(map(tuple, got.to_numpy().tolist())) == rows, f.name
        assert len(rows) == len(expected) > 0, f.name
    assert _touches(*(touch[n][1] for n in ("Touchpoint", "MADE", "ON"))) == _touches(
        *(touch[n][0] for n in ("Touchpoint", "MADE", "ON"))
    )
    # a referral knows whether its two records are one person, as the identity job says
    with sqlite3.connect(run.store.path) as db:
        flags = {(a, b): bool(x) for a, b, x in db.execute(
            "SELECT src, dst, selfReferral FROM referred")}  # fmt: skip
    referred = _group(folder, "REFERRED")
    got_flags = {(r[0], r[1]): r[-1] == "true" for r in referred.to_numpy().tolist()}
    assert got_flags == flags


@pytest.mark.parametrize("run", IMPORTED, indirect=True)
def test_import_files_hold_the_results(run: Run) -> None:
    """The results' import files: every count the database will be checked against is the
    in-process store's; persons carry the run's own results (the other tests compare those
    with in process); records, person links and memberships are the store's."""
    folder = run.out / "neo4j"
    described = json.loads((folder / "import.json").read_text(encoding="utf-8"))
    held = {r["name"]: int(r["count"]) for r in run.store.read("status/counts")}
    with sqlite3.connect(run.store.path) as db:
        for label, table in (("JourneyPath", "journey_path"), ("ChannelCredit", "attribution"),
                             ("ChannelTransition", "channel_transition"),
                             ("IdentityEvent", "identity_event"),
                             ("IdentityOverride", "identity_override")):  # fmt: skip
            held[label] = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        held["IdentityState"] = db.execute(
            "SELECT count(*) FROM identity_state WHERE value IS NOT NULL"
        ).fetchone()[0]
    held["CREDITS"] = held["ChannelCredit"]
    held["JobRun"] = 5  # a run of each job
    assert {k for k, v in held.items() if v} <= described["counts"].keys()
    for name, count in described["counts"].items():
        assert count == held[name], name
    for name in ("Person", "RESOLVES_TO", "MATCHES", "Community", "IN_COMMUNITY",
                 "Person FRIENDS_WITH", "Email"):  # fmt: skip
        assert described["counts"][name] > 0, name
    persons = _group(folder, "Person").set_index("personId:ID(Person)").sort_index()
    influence = _parquet(run.out, "influencers").set_index("person_id")
    details = _parquet(run.out, "profile_details").set_index("personId")
    behaviour = _parquet(run.out, "journey_behaviour").set_index("personId")
    pairs = [("influenceScore:double", influence["score"]),
             ("pagerank:double", influence["pagerank"]),
             ("influenceRank:long", influence["rank"]),
             ("referredRevenue:double", influence["referred_revenue"]),
             ("monetary:double", details["monetary"]),
             ("churnRisk:double", details["churnRisk"]),
             ("channelMix", details["channelMix"]),
             ("demographics", details["demographics"]),
             ("profileAsOf", details["asOf"]),
             ("conversions:long", behaviour["conversions"]),
             ("journeyStage", behaviour["stage"])]  # fmt: skip
    for title, expected in pairs:
        got = persons[title].reindex(expected.index)
        if title.endswith((":double", ":long")):
            got = got.astype(float)
        _same(expected.sort_index(), got.sort_index(), title)
    with sqlite3.connect(run.store.path) as db:
        sizes = dict(db.execute("SELECT personId, size FROM person"))
        records = {
            (a, b): c for a, b, c in db.execute("SELECT src, dst, confidence FROM resolves_to")
        }
        members = set(db.execute("SELECT src, dst FROM in_community"))
        friends = {(a, b): (n, w, t) for a, b, n, w, t in db.execute(
            "SELECT src, dst, count, weight, since FROM person_friends_with")}  # fmt: skip
    assert {k: int(v) for k, v in persons["size:long"].items()} == sizes
    links = _group(folder, "RESOLVES_TO").to_numpy().tolist()
    resolved = {(a, b): c for a, b, _run, c, _keys in links}
    assert resolved.keys() == records.keys()
    assert np.allclose([resolved[k] for k in records], list(records.values()), rtol=0, atol=1e-6)
    assert set(map(tuple, _group(folder, "IN_COMMUNITY").to_numpy().tolist())) == members
    linked = {(a, b): (n, w, t) for a, b, n, w, t in
              _group(folder, "Person-FRIENDS_WITH").to_numpy().tolist()}  # fmt: skip
    assert linked.keys() == friends.keys()
    for pair, (n, w, t) in friends.items():
        assert linked[pair][0] == n, pair
        assert linked[pair][2] == t, pair
        assert abs(linked[pair][1] - w) <= 1e-9 * max(1.0, abs(w)), pair
    _identity_as_in_process(run, folder)
    # the argument file names every group written, header file first, and only files
    # that are there
    named = [line.split("=", 2) for line in (folder / "import.args").read_text().splitlines()
             if line.startswith(("--nodes=", "--relationships="))]  # fmt: skip
    headers = {p.name.removesuffix(".header.csv") for p in folder.glob("*.header.csv")}
    assert len(named) == len(headers) >= 30
    firsts = {Path(paths.split(",")[0]).name for _, _, paths in named}
    assert firsts == {f"{h}.header.csv" for h in headers}
    for _, _, paths in named:
        files = [Path(p) for p in paths.split(",")]
        assert files[0].name.endswith(".header.csv")
        assert all(f.is_file() for f in files)
        assert len(files) >= 2


def _identity_as_in_process(run: Run, folder: Path) -> None:
    """What the database's next identity run reads, as a full run in process leaves it:
    each record's hashed keys, each match's evidence, communities' summaries and the state
    (model and fingerprints; only the time differs)."""
    with sqlite3.connect(run.store.path) as db:
        keys = dict(db.execute("SELECT src, keys FROM resolves_to"))
        evidence = {(a, b): e for a, b, e in db.execute("SELECT src, dst, evidence FROM matches")}
        state = json.loads(
            db.execute("SELECT value FROM identity_state WHERE name = 'full_run'").fetchone()[0]
        )
        communities = pd.read_sql("SELECT * FROM community", db).set_index("communityId")
    links = _group(folder, "RESOLVES_TO")
    got = {
        uid: np.array([int(b) for b in text.split(";")], dtype=np.int8).tobytes()
        for uid, text in zip(links[":START_ID(Customer)"], links["keys:byte[]"], strict=True)
    }
    assert got == keys
    assert all(len(k) == 8 * len(KEY_LAYOUT) for k in got.values())
    matches = _group(folder, "MATCHES")
    pairs = zip(matches[":START_ID(Customer)"], matches[":END_ID(Customer)"], strict=True)
    assert {tuple(sorted(p)): e for p, e in zip(pairs, matches["evidence"], strict=True)} == {
        tuple(sorted(p)): e for p, e in evidence.items()
    }
    (name, value), *more = _group(folder, "IdentityState").to_numpy().tolist()
    assert name == "full_run"
    assert not more
    written = json.loads(value)
    for key in ("version", "layout", "params", "overrides"):
        assert written[key] == state[key], key
    for part in ("m", "h", "u"):
        for field_name, values in state["model"][part].items():
            assert np.allclose(written["model"][part][field_name], values, rtol=1e-9), field_name
    assert np.allclose(written["model"]["prior"], state["model"]["prior"], rtol=1e-9)
    nodes = _group(folder, "Community").set_index("communityId:ID(Community)")
    assert set(nodes.index) == set(communities.index)
    for column in ("density", "modularityShare", "churnRate"):
        got_values = nodes[f"{column}:double"].astype(float).reindex(communities.index)
        assert np.allclose(got_values, communities[column], rtol=0, atol=1e-6), column
    for column in ("dominantChannel", "topInfluencers"):
        _same(communities[column], nodes[column].reindex(communities.index), column)


def test_journeys_match_in_process(run: Run) -> None:
    """Paths, attribution, transitions and behaviour as the in-process journeys job stores
    them (numbers within 1e-6; revenue within a cent: sums in another order)."""
    report = json.loads((run.out / "run.json").read_text())["counts"]["journeys"]
    runs = run.store.frame("status/last_runs")
    stored = json.loads(runs.loc[runs["job"] == "journeys", "counts"].iloc[0])
    for key in ("touchpoints", "orders", "unresolved_touchpoints", "journeys", "conversions",
                "direct_conversions", "open_journeys", "persons", "paths",
                "shapley_fallback_conversions"):  # fmt: skip
        assert report[key] == stored[key], key
    tables = {
        "paths": run.store.frame("journeys/paths"),
        "attribution": run.store.frame("journeys/attribution", model=None),
        "transitions": run.store.frame("journeys/transitions"),
    }
    for name, table in tables.items():
        inproc = table.drop(columns=["run"], errors="ignore")
        spark = _parquet(run.out, name)
        assert list(spark.columns) == list(inproc.columns), name
        assert len(spark) == len(inproc) > 1, name
        for column in inproc.columns:
            if column == "revenue":
                assert np.allclose(inproc[column], spark[column], rtol=0, atol=0.011), name
            else:
                _same(inproc[column], spark[column], f"{name}.{column}")
    attribution = _parquet(run.out, "attribution")
    assert attribution["model"].nunique() == 7
    with sqlite3.connect(run.store.path) as db:
        inproc = pd.read_sql("SELECT * FROM person_behaviour ORDER BY personId", db)
    spark = _parquet(run.out, "journey_behaviour").sort_values("personId", ignore_index=True)
    assert len(spark) == len(inproc) > 0
    for column in inproc.columns.drop("run"):
        _same(inproc[column], spark[column], f"behaviour.{column}")
    assert spark["stage"].nunique() > 1


@pytest.mark.parametrize("run", ["csv-with-bad-rows", "jsonl-second-run"], indirect=True)
def test_a_borrowed_session_is_left_as_it_was(run: Run, session: SparkSession) -> None:
    """The in-process runs borrowed the module's session (its time zone is not UTC: the
    other tests show the answers are UTC's): identity dropped every frame it cached before
    the next step began (the validated rows stay, and the orders join them), and the run
    left nothing cached and the session's own settings in place."""
    at = dict(run.cached)
    assert at["reading and validating the input files"] == 0
    kinds = at["resolving identities"]  # the validated rows: one frame per kind of file
    assert kinds == len({p.name.split(".")[0] for p in run.data.iterdir() if p.is_file()})
    assert at["building the person graph"] == kinds + 2  # + purchase lines and orders
    assert at["after the run"] == 0
    assert session.conf.get("spark.sql.session.timeZone") == SESSION_ZONE


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_line_numbers_hold_across_a_files_blocks(
    session: SparkSession, tmp_path: Path, fmt: str
) -> None:
    """Spark reads a large file in blocks, in parallel; every row still gets its line (its
    record's number in Parquet) as a load numbers it, whatever the block it was read in."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from loaders.mapping import Mapping
    from spark.inputs import InputFile, _raw

    n = 3_000
    path = tmp_path / f"channels.{fmt}"
    if fmt == "csv":
        path.write_text(
            "channel_id,kind\n" + "".join(f"c{i},web\n" for i in range(2, n + 2)),
            encoding="utf-8",
        )
    elif fmt == "jsonl":
        path.write_text(
            "".join(f'{{"channel_id": "c{i}", "kind": "web"}}\n' for i in range(1, n + 1)),
            encoding="utf-8",
        )
    else:
        table = pa.table({"channel_id": [f"c{i}" for i in range(1, n + 1)], "kind": ["web"] * n})
        pq.write_table(table, path, row_group_size=200)
    before = session.conf.get("spark.sql.files.maxPartitionBytes")
    session.conf.set("spark.sql.files.maxPartitionBytes", "4096")
    try:
        raw, _ = _raw(session, InputFile(str(path), "channels", 0), Mapping())
        blocks = raw.rdd.getNumPartitions()
        got = raw.toPandas()
    finally:
        session.conf.set("spark.sql.files.maxPartitionBytes", before)
    assert blocks > 3
    ids = got["text"].str.extract(r"c(\d+)")[0] if fmt != "parquet" else got["channel_id"]
    assert len(got) == n
    assert (got["line"].astype(int) == ids.str.lstrip("c").astype(int)).all()


def test_a_cut_frame_is_gone_once_its_step_ends(session: SparkSession) -> None:
    """A frame identity cuts (computed once, kept on disk) is read back as a table while
    its step works, and its blocks are freed when the step releases what it held, not
    whenever the JVM collects garbage."""
    from py4j.protocol import Py4JJavaError
    from pyspark.sql import functions

    from spark.session import Held

    def disk_blocks() -> int:
        infos = session.sparkContext._jsc.sc().getRDDStorageInfo()
        return sum(1 for info in infos if info.diskSize() > 0)

    before = disk_blocks()
    held = Held()
    cut = held.cut(session.range(50_000).withColumn("twice", functions.col("id") * 2))
    assert disk_blocks() == before + 1
    assert cut.agg(functions.sum("twice")).first()[0] == 50_000 * 49_999
    held.release()
    assert disk_blocks() == before
    with pytest.raises(Py4JJavaError, match="CHECKPOINT_RDD_BLOCK_ID_NOT_FOUND"):
        cut.count()


def test_row_index_counts_every_row_once_in_order(session: SparkSession) -> None:
    """Rows numbered in the JVM (identity's record index, profiles' person codes) get
    0, 1, 2, … in the order of their key, across every partition of the sorted frame, as
    ``zipWithIndex`` numbered them; an empty frame gets no numbers."""
    from pyspark.sql import functions

    from spark.session import Held, row_index

    n = 5_000
    keys = np.random.default_rng(5).permutation(n)
    frame = session.createDataFrame(
        pd.DataFrame({"uid": [f"u{k:05d}" for k in keys], "v": keys.astype("int64")})
    ).repartition(5)
    held = Held()
    # seven sorted partitions, kept apart (adaptive execution would join such small ones)
    conf = {"spark.sql.shuffle.partitions": "7", "spark.sql.adaptive.enabled": "false"}
    before = {key: session.conf.get(key) for key in conf}
    for key, value in conf.items():
        session.conf.set(key, value)
    try:
        indexed = row_index(frame, "uid", held)
        parts = indexed.select(functions.spark_partition_id()).distinct().count()
        got = indexed.toPandas()
        empty = row_index(frame.filter("v < 0"), "uid", held).toPandas()
    finally:
        for key, value in before.items():
            session.conf.set(key, value)
        held.release()
    assert parts > 3
    assert list(got.columns) == ["idx", "uid", "v"]
    assert sorted(got["idx"]) == list(range(n))
    assert (got.sort_values("idx")["v"].to_numpy() == np.arange(n)).all()
    assert empty.empty
    assert list(empty.columns) == ["idx", "uid", "v"]
