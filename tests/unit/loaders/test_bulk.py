"""Import files for neo4j-admin (loaders/bulk.py), written from a real embedded store.

The end-to-end check against a real Neo4j (bulk graph == online graph) is
tests/integration/test_bulk_load.py; these tests pin the file format itself.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from graph.errors import InputError, StoreUnavailableError
from graph.model import RelType
from graph.store import SqliteStore
from loaders import bulk
from loaders.bulk import StagingStore, write_import_files


def _customer(uid: str, **values: object) -> dict[str, object]:
    from graph.model import CUSTOMER_FIELDS

    source, _, sid = uid.partition(":")
    row: dict[str, object] = {f.graph: None for f in CUSTOMER_FIELDS}
    row.update(uid=uid, source=source, sourceCustomerId=sid, **values)
    return row


@pytest.fixture
def store(sqlite_store: SqliteStore) -> SqliteStore:
    s = sqlite_store
    s.write(
        "load/merge_channels",
        [
            {"channelId": "web", "kind": "web", "name": "Web\nshop"},  # a line break
            {"channelId": "app", "kind": "app", "name": ""},  # empty, not absent
            {"channelId": "pos", "kind": "store", "name": None},
        ],
    )
    s.write(
        "load/merge_customers",
        [
            _customer(
                "crm:1",
                firstName='Ann "Q", Lee',
                birthDate="1990-01-02",
                signupAt="2024-01-01T10:00:00+00:00",
                consentMarketing=True,
            ),
            *(_customer(f"shop:{i}", fullName="王伟") for i in range(5)),
        ],
    )
    s.write(
        "load/identify_customers",
        [{"uid": "crm:1", "key": "email:a@x.org", "kind": "email", "value": "a@x.org"}],
    )
    s.write(
        "load/add_touchpoints",
        [
            {
                "uid": "crm:1",
                "channelId": c,
                "firstAt": f"2024-01-0{d}T00:00:00+00:00",
                "lastAt": f"2024-01-0{d}T00:00:00+00:00",
                "count": d,
                "event": None,
            }
            for c, d in (("web", 1), ("web", 2), ("app", 3))
        ],
        n=3,
    )
    s.write(
        "load/merge_social",
        [{"src": "crm:1", "dst": "shop:1", "weight": 0.1, "since": None, "platform": "x"}],
        slots={"rel": RelType.FOLLOWS},
    )
    return s


def _rows(path: Path) -> list[dict[str, str]]:
    """An import file's rows by its header file's titles (``Customer.header.csv``)."""
    header = path.with_name(path.name.removesuffix(".csv") + ".header.csv")
    titles = header.read_text(encoding="utf-8").rstrip("\n").split(",")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, fieldnames=titles))


def test_import_files_hold_every_row_with_typed_headers(store: SqliteStore, tmp_path: Path) -> None:
    files = write_import_files(store, tmp_path / "import")
    counts = files.counts()
    assert counts == {
        "Customer": 6,
        "Identifier": 1,
        "Channel": 3,
        "HAS_IDENTIFIER": 1,
        "TOUCHED": 2,
        "FOLLOWS": 1,
        "Touchpoint": 3,
        "MADE": 3,
        "ON": 3,
    }
    customers = _rows(tmp_path / "import" / "Customer.csv")
    ann = next(r for r in customers if r["uid:ID(Customer)"] == "crm:1")
    assert ann["firstName"] == 'Ann "Q", Lee'
    assert ann["birthDate:date"] == "1990-01-02"
    assert ann["signupAt:datetime"] == "2024-01-01T10:00:00+00:00"
    assert ann["consentMarketing:boolean"] == "true"
    assert [r[":LABEL"] for r in _rows(tmp_path / "import" / "Identifier.csv")] == ["Email"]
    touched = {
        r[":END_ID(Channel)"]: r["count:long"] for r in _rows(tmp_path / "import" / "TOUCHED.csv")
    }
    assert touched == {"web": "3", "app": "3"}
    # a Touchpoint's import id links it to its record and channel, and is not a property
    points = _rows(tmp_path / "import" / "Touchpoint.csv")
    assert list(points[0]) == [":ID(Touchpoint)", "at:datetime", "channelId", "event", "count:long"]
    made = {
        r[":END_ID(Touchpoint)"]: r[":START_ID(Customer)"]
        for r in _rows(tmp_path / "import" / "MADE.csv")
    }
    on = {
        r[":START_ID(Touchpoint)"]: r[":END_ID(Channel)"]
        for r in _rows(tmp_path / "import" / "ON.csv")
    }
    assert {p[":ID(Touchpoint)"] for p in points} == set(made) == set(on)
    assert {on[p[":ID(Touchpoint)"]] for p in points if p["count:long"] == "3"} == {"app"}


def test_empty_text_and_absent_values_stay_apart(store: SqliteStore, tmp_path: Path) -> None:
    write_import_files(store, tmp_path / "import")
    lines = (tmp_path / "import" / "Channel.csv").read_text(encoding="utf-8").splitlines()
    assert '"app","app",""' in lines  # "" is an empty string to neo4j-admin
    assert '"pos","store",' in lines  # nothing is no property


def test_line_breaks_are_declared_to_the_importer(store: SqliteStore, tmp_path: Path) -> None:
    files = write_import_files(store, tmp_path / "import")
    multiline = [f.name for f in files.files if f.multiline]
    assert multiline == ["Channel"]
    args = files.arguments()
    assert "--multiline-fields-format=v2" in args
    assert f"--multiline-fields={(tmp_path / 'import' / 'Channel.csv').resolve()}" in args
    # the header file is a file of the group, before its data: it holds no value to declare
    header = (tmp_path / "import" / "Channel.header.csv").resolve()
    assert f"--nodes=Channel={header},{(tmp_path / 'import' / 'Channel.csv').resolve()}" in args
    assert "--bad-tolerance=0" in args
    written = files.write_arguments(tmp_path / "import.args").read_text(encoding="utf-8")
    assert written.splitlines() == args


def test_pages_cover_every_row_once(
    store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "PAGE_ROWS", 2)
    files = write_import_files(store, tmp_path / "import")
    uids = [r["uid:ID(Customer)"] for r in _rows(tmp_path / "import" / "Customer.csv")]
    assert sorted(uids) == sorted({"crm:1", *(f"shop:{i}" for i in range(5))})
    assert files.counts()["Touchpoint"] == 3


def test_a_folder_with_a_quote_in_its_path_is_refused(store: SqliteStore, tmp_path: Path) -> None:
    files = write_import_files(store, tmp_path / 'im"port')
    with pytest.raises(InputError, match="another --bulk-dir"):
        files.write_arguments(tmp_path / "import.args")


def test_the_staging_store_commits_large_groups_and_keeps_no_event_index(
    tmp_path: Path,
) -> None:
    from tests.unit.loaders.test_write import _event_index

    staging = StagingStore(tmp_path / "s.db", batch_size=5000)
    assert staging.batch_size == 5000  # the manifest counts batches as the target would
    assert staging.rows_per_commit("customers") == bulk.STAGING_ROWS_PER_COMMIT
    staging.ensure_schema()
    with staging.loading("customers", 10):
        assert _event_index(staging)
    with staging.loading("touchpoints", 10):  # however small the file
        assert not _event_index(staging)
    assert not _event_index(staging)  # and not built again
    staging.close()


def test_a_folder_copied_elsewhere_imports_its_own_files(
    store: SqliteStore, tmp_path: Path
) -> None:
    """The argument file names the files where they were written; a folder copied elsewhere
    (a Spark run's out/neo4j, from a cluster's storage to the Neo4j machine) must have the
    importer read its own copies, and name a file it lacks."""
    files = write_import_files(store, tmp_path / "written" / "neo4j")
    files.write_arguments(tmp_path / "written" / "neo4j" / "import.args")
    shutil.copytree(tmp_path / "written", tmp_path / "copied")
    folder = (tmp_path / "copied" / "neo4j").resolve()
    args = bulk.arguments_here(folder).read_text(encoding="utf-8").splitlines()
    named = [
        p
        for line in args
        if line.startswith(("--nodes=", "--relationships=", "--multiline-fields="))
        for p in line.rsplit("=", 1)[1].split(",")
    ]
    assert len(named) == 2 * len(files.files) + 1  # header and data each, one multiline
    assert all(Path(p).parent == folder and Path(p).is_file() for p in named)
    assert "--bad-tolerance=0" in args
    # the same but the folder: every other argument as written
    original = (tmp_path / "written" / "neo4j" / "import.args").read_text(encoding="utf-8")
    written = str((tmp_path / "written" / "neo4j").resolve())
    assert original.replace(written, str(folder)).splitlines() == args
    # a second look changes nothing; a file the copy lacks is named
    assert bulk.arguments_here(folder).read_text(encoding="utf-8").splitlines() == args
    (folder / "Customer.csv").unlink()
    with pytest.raises(InputError, match=r"names Customer\.csv, which .* lacks"):
        bulk.arguments_here(folder)


def test_a_failed_import_names_the_command_that_replaces_it(tmp_path: Path) -> None:
    """A failed import of a Spark run's folder names ``--import-dir`` as the next step, not
    the bulk load's ``--bulk-dir``; its output stays in the log, out of the message."""
    again = f"Run custgraph load --import-dir {tmp_path} again"
    # (the value it prints is not in the command's own text)
    command = ["sh", "-c", "printf '%s@%s\\n' secret example.org; exit 3"]
    importer = bulk.command_importer(command, again=again)
    with pytest.raises(StoreUnavailableError) as failed:
        importer(bulk.ImportSet(tmp_path, args=tmp_path / "import.args"))
    message = str(failed.value)
    assert "exit code 3" in message
    assert f"{again}: it replaces an import that did not finish" in message
    assert "--bulk-dir" not in message
    assert "secret@example.org" not in message
    assert "secret@example.org" in (tmp_path / "import.log").read_text(encoding="utf-8")
