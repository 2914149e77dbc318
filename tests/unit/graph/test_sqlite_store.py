"""The embedded store's own guarantees: schema version, WAL mode."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from graph.errors import StoreUnavailableError
from graph.store import SqliteStore
from graph.store.sqlite import SCHEMA_VERSION


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


def test_a_version_1_file_is_upgraded_in_place_and_keeps_its_data(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "v1.db")
    store.ensure_schema()
    store.write("load/merge_channels", rows=[{"channelId": "web", "kind": "web", "name": "Web"}])
    store.close()
    # Make it look like a version-1 file: the version and v1's narrower tag/segment tables.
    conn = sqlite3.connect(tmp_path / "v1.db")
    conn.executescript(
        "DROP TABLE has_tag; DROP TABLE in_segment; DROP TABLE tag; DROP TABLE segment;"
        "DROP TABLE person_profile;"
        "CREATE TABLE tag (name TEXT PRIMARY KEY);"
        "CREATE TABLE segment (name TEXT PRIMARY KEY, description TEXT);"
        "PRAGMA user_version = 1;"
    )
    conn.close()
    upgraded = SqliteStore(tmp_path / "v1.db")
    upgraded.ensure_schema()
    conn = sqlite3.connect(tmp_path / "v1.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    columns = {r[1] for r in conn.execute("PRAGMA table_info(tag)")}
    assert {"rule", "marketing", "size", "run"} <= columns
    assert conn.execute("SELECT count(*) FROM person_profile").fetchone()[0] == 0
    assert upgraded.read("load/channel_by_id", channelId="web")[0]["name"] == "Web"
