"""The embedded store's own guarantees: schema version, WAL mode."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graph.errors import QueryError, StoreUnavailableError
from graph.identity import IdentityParams
from graph.identity.job import run_identity
from graph.model import RelType
from graph.store import SqliteStore
from graph.store.sqlite import SCHEMA_VERSION
from loaders import load_files
from synthetic import GenerateParams, generate_dataset

SOCIAL = (RelType.FOLLOWS, RelType.FRIENDS_WITH, RelType.INTERACTS_WITH)


def test_a_new_file_gets_the_current_schema_version_in_wal_mode(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "n.db")
    store.ensure_schema()
    store.ensure_schema()
    conn = sqlite3.connect(tmp_path / "n.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_file_of_another_schema_is_refused_with_the_next_step(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "old.db")
    conn.execute("CREATE TABLE customer (uid TEXT)")
    conn.commit()
    with pytest.raises(StoreUnavailableError) as caught:
        SqliteStore(tmp_path / "old.db").ensure_schema()
    assert f"has schema version 0; this custgraph uses {SCHEMA_VERSION}" in str(caught.value)
    assert "CUSTGRAPH_DB" in str(caught.value)


# What version 5 changed (the record key's name), undone.
_BEFORE_V6 = "ALTER TABLE customer RENAME COLUMN sourceCustomerId TO sourceId;"
# What version 4 added (touchpoint events, the tombstone's person), taken away again.
_BEFORE_V5 = _BEFORE_V6 + (
    "DROP TABLE touch_event; DROP TABLE tombstone;"
    "CREATE TABLE tombstone (uid TEXT PRIMARY KEY, erasedAt TEXT, by TEXT);"
)
# What version 3 added (incremental identity), taken away again to fake an older file.
_BEFORE_V4 = _BEFORE_V5 + (
    "DROP TABLE load_file;"
    "CREATE TABLE load_file (fileKey TEXT PRIMARY KEY, path TEXT, kind TEXT, checksum TEXT,"
    " batchSize INTEGER, batchesDone INTEGER, rowsRead INTEGER, rowsLoaded INTEGER,"
    " rowsRejected INTEGER, status TEXT, startedAt TEXT, finishedAt TEXT);"
    "INSERT INTO load_file (fileKey, rowsRead, status) VALUES ('f1', 3, 'done');"
)
_BEFORE_V3 = _BEFORE_V4 + (
    "DROP TRIGGER customer_identity_new; DROP TRIGGER customer_identity_changed;"
    "DROP TRIGGER customer_identity_gone; DROP TABLE identity_pending; DROP TABLE identity_state;"
    "DROP INDEX identity_event_other; DROP TABLE resolves_to;"
    "CREATE TABLE resolves_to (src TEXT PRIMARY KEY, dst TEXT NOT NULL, run TEXT, confidence REAL);"
)


def _current_file_with_a_channel(path: Path) -> None:
    """A store file of the current schema holding one channel, closed (to be aged by hand)."""
    store = SqliteStore(path)
    store.ensure_schema()
    store.write("load/merge_channels", rows=[{"channelId": "web", "kind": "web", "name": "Web"}])
    store.close()


def test_a_version_3_file_gains_the_warned_rows_count_and_keeps_its_manifest(
    tmp_path: Path,
) -> None:
    _current_file_with_a_channel(tmp_path / "v3.db")
    conn = sqlite3.connect(tmp_path / "v3.db")
    conn.executescript(_BEFORE_V4 + "PRAGMA user_version = 3;")
    conn.close()
    upgraded = SqliteStore(tmp_path / "v3.db")
    upgraded.ensure_schema()
    conn = sqlite3.connect(tmp_path / "v3.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    assert conn.execute("SELECT fileKey, rowsRead, rowsWarned FROM load_file").fetchall() == [
        ("f1", 3, None)
    ]
    assert upgraded.read("load/channel_by_id", channelId="web")[0]["name"] == "Web"


def test_a_version_2_file_is_upgraded_in_place_and_keeps_its_data(tmp_path: Path) -> None:
    _current_file_with_a_channel(tmp_path / "v2.db")
    conn = sqlite3.connect(tmp_path / "v2.db")
    conn.executescript(
        _BEFORE_V3 + "INSERT INTO resolves_to VALUES ('a:1', 'P1', 'r', 1.0);"
        "PRAGMA user_version = 2;"
    )
    conn.close()
    upgraded = SqliteStore(tmp_path / "v2.db")
    upgraded.ensure_schema()
    conn = sqlite3.connect(tmp_path / "v2.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "keys" in {r[1] for r in conn.execute("PRAGMA table_info(resolves_to)")}
    assert conn.execute("SELECT src, dst, keys FROM resolves_to").fetchall() == [
        ("a:1", "P1", None)
    ]
    assert upgraded.read("load/channel_by_id", channelId="web")[0]["name"] == "Web"
    assert upgraded.read("identity/state") == []  # the next identity run is a full one


def test_a_version_1_file_is_upgraded_in_place_and_keeps_its_data(tmp_path: Path) -> None:
    # Make it look like a version-1 file: the version and v1's narrower tag/segment tables.
    upgraded, conn = _upgraded(
        tmp_path / "v1.db",
        _BEFORE_V3  # the later versions undone first
        + "DROP TABLE has_tag; DROP TABLE in_segment; DROP TABLE tag; DROP TABLE segment;"
        "DROP TABLE person_profile;"
        "CREATE TABLE tag (name TEXT PRIMARY KEY);"
        "CREATE TABLE segment (name TEXT PRIMARY KEY, description TEXT);"
        "PRAGMA user_version = 1;",
    )
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    columns = {r[1] for r in conn.execute("PRAGMA table_info(tag)")}
    assert {"rule", "marketing", "size", "run"} <= columns
    assert conn.execute("SELECT count(*) FROM person_profile").fetchone()[0] == 0
    assert upgraded.read("load/channel_by_id", channelId="web")[0]["name"] == "Web"


def test_a_version_4_file_gets_touch_events_from_its_aggregates(tmp_path: Path) -> None:
    _current_file_with_a_channel(tmp_path / "v4.db")
    conn = sqlite3.connect(tmp_path / "v4.db")
    conn.executescript(
        _BEFORE_V5 + "INSERT INTO touched VALUES ('crm:1', 'web', 3, '2026-01-01T00:00:00Z',"
        " '2026-02-01T00:00:00Z');"
        "INSERT INTO touched VALUES ('crm:2', 'web', 1, '2026-01-05T00:00:00Z',"
        " '2026-01-05T00:00:00Z');"
        "PRAGMA user_version = 4;"
    )
    conn.close()
    SqliteStore(tmp_path / "v4.db").ensure_schema()
    conn = sqlite3.connect(tmp_path / "v4.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    # the first touch at firstAt, the others at lastAt (their own times were never kept)
    events = conn.execute("SELECT src, channelId, at, count FROM touch_event ORDER BY src, at")
    assert events.fetchall() == [
        ("crm:1", "web", "2026-01-01T00:00:00Z", 1),
        ("crm:1", "web", "2026-02-01T00:00:00Z", 2),
        ("crm:2", "web", "2026-01-05T00:00:00Z", 1),
    ]
    assert "personId" in {r[1] for r in conn.execute("PRAGMA table_info(tombstone)")}


def test_table_holds_what_frame_holds_even_when_a_column_mixes_types(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "t.db")
    store.ensure_schema()
    plain = [{"name": f"k{i}", "value": f"v{i}"} for i in range(3)]
    store.write("identity/save_state", rows=plain)
    table = store.table("identity/state")
    assert table.column_names == ["name", "value"]
    assert table.to_pylist() == store.frame("identity/state").to_dict("records") == plain
    # a text column keeps bytes as they came: no Arrow type holds both, frame() can
    store.write("identity/save_state", rows=[{"name": "k9", "value": b"\x00"}])
    assert store.frame("identity/state")["value"].tolist() == ["v0", "v1", "v2", b"\x00"]
    with pytest.raises(QueryError, match="'identity/state' returned a column whose values mix"):
        store.table("identity/state")


def _upgraded(path: Path, aging: str) -> tuple[SqliteStore, sqlite3.Connection]:
    """A current file holding one channel, aged by the ``aging`` script, then opened and
    upgraded by this code: the store, and a plain connection to look inside."""
    _current_file_with_a_channel(path)
    conn = sqlite3.connect(path)
    conn.executescript(aging)
    conn.close()
    upgraded = SqliteStore(path)
    upgraded.ensure_schema()
    return upgraded, sqlite3.connect(path)


def test_a_version_5_file_calls_the_record_key_by_its_one_name(tmp_path: Path) -> None:
    upgraded, conn = _upgraded(
        tmp_path / "v5.db",
        _BEFORE_V6
        + "INSERT INTO customer (uid, source, sourceId) VALUES ('crm:C-1', 'crm', 'C-1');"
        "INSERT INTO resolves_to (src, dst) VALUES ('crm:C-1', 'P1');"
        "PRAGMA user_version = 5;",
    )
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    columns = {r[1] for r in conn.execute("PRAGMA table_info(customer)")}
    assert "sourceCustomerId" in columns
    assert "sourceId" not in columns
    records = upgraded.read("profiles/person_records", personId="P1")
    assert [(r["uid"], r["sourceCustomerId"]) for r in records] == [("crm:C-1", "C-1")]


def test_arrow_reads_give_what_the_sqlite3_reads_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """table() reads through ADBC's SQLite driver; where it can (every read here) the
    answer is the one the sqlite3 module's rows give, types included."""
    generate_dataset(tmp_path / "data", GenerateParams(customers=300, seed=3))
    store = SqliteStore(tmp_path / "g.db")
    store.ensure_schema()
    load_files(store, [tmp_path / "data"], rejects_dir=tmp_path / "rej")
    run_identity(store, IdentityParams(random_pairs=5_000))
    reads: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("influence/person_referrals", {}, {}),
        ("influence/person_referrals_until", {}, {"until": "2025-06-30T23:59:59Z"}),
        ("profiles/touch_times", {}, {"until": "2025-06-30T23:59:59Z"}),
        *[("influence/person_social", {"rel": rel}, {}) for rel in SOCIAL],
    ]
    fast = [store.table(name, slots=slots or None, **params) for name, slots, params in reads]
    for (name, slots, params), table in zip(reads, fast, strict=True):
        assert store._adbc_table(name, slots or None, params) is not None, name
        assert table.num_rows > 0, name
    monkeypatch.setattr(SqliteStore, "_adbc_table", lambda *a: None)
    for (name, slots, params), table in zip(reads, fast, strict=True):
        plain = store.table(name, slots=slots or None, **params)
        assert table.schema == plain.schema, name
        assert table.to_pylist() == plain.to_pylist(), name


_READ_THEN_WRITE = """
import sys
from pathlib import Path
from graph.pipeline import JobsParams, run_jobs
from graph.store import SqliteStore
from loaders import load_files
from synthetic import GenerateParams, generate_dataset
work = Path(sys.argv[1])
generate_dataset(work / "data", GenerateParams(customers=20_000, seed=3))
store = SqliteStore(work / "g.db")
store.ensure_schema()
load_files(store, [work / "data"], rejects_dir=work / "rej")
run_jobs(store, JobsParams(jobs=("identity", "profiles")))
print(len(store.read("profiles/export")))
"""


def test_arrow_reads_leave_the_stores_own_connections_alone(tmp_path: Path) -> None:
    """The driver's own SQLite, opened on the store's file in the store's process, took
    itself for the file's last user on closing and truncated the WAL index: the profile
    job's write-back after its Arrow read of the touch times died of a bus error at 20k
    customers. The read runs in a process of its own; the job ends and its profiles are
    there (in a child process here, so a crash fails the test and not the run)."""
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", _READ_THEN_WRITE, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip().splitlines()[-1]) > 10_000
