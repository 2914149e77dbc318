"""Bulk first load (``custgraph load --bulk``) into a real Neo4j through neo4j-admin.

The graph, the rejects and the load manifest of a bulk load must be those of an online load
of the same files, so that later online loads work incrementally on top. The files are a
generated dataset with hostile rows appended (rejected rows, dropped fields, a record given
twice, a second customers file that changes records, an order line repeated, a name with a
line break, an empty-looking value). Each graph is read back with plain Cypher, label by
label and type by type, with every property. The import runs as the test's server says:
``CUSTGRAPH_NEO4J_IMPORT`` with a server of one's own (``CUSTGRAPH_NEO4J_URI``, e.g. docker
compose), else ``scripts/neo4j import`` on the server the tests started.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase

from graph.errors import InputError, StoreUnavailableError
from graph.settings import Settings
from graph.store import Neo4jStore, Store, open_store
from graph.store.neo4j import DEFAULT_BATCH_SIZE as NEO4J_BATCH
from loaders import bulk, load_files
from loaders.bulk import (
    INTERRUPTED,
    ImportSet,
    StagingStore,
    bulk_load,
    command_importer,
    import_command,
    import_folder,
    write_import_files,
)
from synthetic import GenerateParams, generate_dataset

pytestmark = pytest.mark.neo4j

#: The key property of each keyed label (Touchpoint nodes have none: compared by their links).
KEYS = ("uid", "key", "channelId", "productId", "orderId", "fileKey", "name")


def _append(path: Path, rows: list[str]) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(f"{r}\n" for r in rows))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 generated customers and everything around them, with hostile rows appended."""
    data = tmp_path_factory.mktemp("bulk") / "data"
    generate_dataset(data, GenerateParams(600, 11, 0.3, "csv"))
    with (data / "customers.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    width = len(header)

    def customer(**values: str) -> str:
        cells = [values.get(c, "") for c in header]
        return ",".join(f'"{c}"' if any(x in c for x in ',"\n') else c for c in cells)

    _append(
        data / "customers.csv",
        [
            customer(source="crm", source_customer_id="900", first_name="Ann", email="a@x.org"),
            customer(
                source="crm", source_customer_id="900", first_name="Anne", phone="+1 415 555 0101"
            ),
            customer(source="crm", source_customer_id="901", first_name="Line\nBreak"),
            customer(source="crm", source_customer_id="902", email="not-an-email"),
            customer(source="crm", source_customer_id="903", birth_date="31/31/1990"),
            customer(source="", source_customer_id="904"),
            ",".join(["crm", "905"] + [""] * (width - 1)),  # a cell too many
        ],
    )
    (data / "customers_update.csv").write_text(
        ",".join(header)
        + "\n"
        + customer(source="crm", source_customer_id="900", first_name="Annie", email="b@x.org")
        + "\n",
        encoding="utf-8",
    )
    _append(
        data / "purchases.csv",
        [
            "o-900,crm,900,2024-02-01T10:00:00Z,5.00,web,p-1,books,1,5.00,EUR",
            "o-900,crm,900,2024-02-01T10:00:00Z,7.50,web,p-1,books,2,3.75,EUR",
            "o-901,crm,404,2024-02-01T10:00:00Z,5.00,web,,,,,EUR",
        ],
    )
    _append(
        data / "touchpoints.csv",
        ["crm,900,web,2024-01-30T08:00:00Z,view,2", "crm,404,web,2024-01-30T08:00:00Z,view,1"],
    )
    return data


def _purchases_header(data: Path) -> list[str]:
    with (data / "purchases.csv").open(encoding="utf-8") as handle:
        return next(csv.reader(handle))


def dump(settings: Settings) -> dict[str, Any]:
    """Every node (by label set and key) and relationship (by type and end keys) with its
    properties; Touchpoint nodes, which have no key, as a multiset of (record, channel,
    properties). LoadFile times differ by run and are left out."""
    assert settings.neo4j_uri
    auth = (settings.neo4j_user, settings.neo4j_password)
    with GraphDatabase.driver(settings.neo4j_uri, auth=auth) as driver:
        nodes, _, _ = driver.execute_query(
            "MATCH (n) WHERE NOT n:Touchpoint RETURN labels(n) AS labels, properties(n) AS p"
        )
        rels, _, _ = driver.execute_query(
            "MATCH (a)-[r]->(b) WHERE NOT a:Touchpoint AND NOT b:Touchpoint "
            "RETURN type(r) AS type, properties(a) AS a, properties(b) AS b, properties(r) AS p"
        )
        touches, _, _ = driver.execute_query(
            "MATCH (c:Customer)-[m:MADE]->(t:Touchpoint)-[o:ON]->(ch:Channel) "
            "RETURN c.uid AS uid, ch.channelId AS channel, properties(t) AS p, "
            "properties(m) AS m, properties(o) AS o, COUNT { (t)--() } AS links"
        )

    def key(props: dict[str, Any]) -> str:
        return next(str(props[k]) for k in KEYS if k in props)

    def typed(props: dict[str, Any]) -> dict[str, Any]:
        """Values with their types: 3 and 3.0 are different properties in Neo4j."""
        return {k: (type(v).__name__, v) for k, v in props.items()}

    out: dict[str, Any] = {"nodes": {}, "rels": {}}
    for r in nodes:
        p = dict(r["p"])
        if "LoadFile" in r["labels"]:
            p.pop("startedAt"), p.pop("finishedAt")
        out["nodes"][(tuple(sorted(r["labels"])), key(p))] = typed(p)
    for r in rels:
        out["rels"][(r["type"], key(r["a"]), key(r["b"]))] = typed(r["p"])
    assert len(out["rels"]) == len(rels)  # no two links of one type between the same nodes
    out["touches"] = Counter(
        (
            r["uid"],
            r["channel"],
            tuple(sorted(typed(r["p"]).items())),
            len(r["m"]),
            len(r["o"]),
            r["links"],
        )
        for r in touches
    )
    return out


def _rejects(folder: Path) -> dict[str, list[list[str]]]:
    return {
        p.name: list(csv.reader(p.open(encoding="utf-8"))) for p in sorted(folder.glob("*.csv"))
    }


@pytest.fixture(scope="module")
def online(
    neo4j_settings: Settings, dataset: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The dataset loaded online into the emptied server: its graph, rejects and report."""
    rejects = tmp_path_factory.mktemp("online-rejects")
    with Neo4jStore.connect(neo4j_settings) as store:
        store.write("support/wipe")
        store.ensure_schema()
        report = load_files(store, [dataset], rejects_dir=rejects)
    return {"graph": dump(neo4j_settings), "rejects": _rejects(rejects), "report": report}


def _wipe(settings: Settings) -> None:
    with Neo4jStore.connect(settings) as store:
        store.write("support/wipe")


def test_a_bulk_load_refuses_a_database_that_holds_data(
    neo4j_settings: Settings, dataset: Path, online: dict[str, Any], tmp_path: Path
) -> None:
    ran: list[object] = []
    with pytest.raises(InputError, match=r"needs an empty Neo4j database.*without --bulk"):
        bulk_load(
            lambda: open_store(neo4j_settings),
            [dataset],
            run_import=ran.append,
            work_dir=tmp_path / "bulk",
        )
    assert ran == []  # the importer never ran
    assert dump(neo4j_settings) == online["graph"]


def test_a_bulk_load_builds_the_graph_an_online_load_builds(
    neo4j_settings: Settings, dataset: Path, online: dict[str, Any], tmp_path: Path
) -> None:
    _wipe(neo4j_settings)
    done = bulk_load(
        lambda: open_store(neo4j_settings),
        [dataset],
        run_import=command_importer(import_command(neo4j_settings.neo4j_import)),
        work_dir=tmp_path / "bulk",
        rejects_dir=tmp_path / "rejects",
    )
    graph = dump(neo4j_settings)
    expected = online["graph"]
    # the same nodes, links and properties, label by label and type by type
    assert Counter(k[0] for k in graph["nodes"]) == Counter(k[0] for k in expected["nodes"])
    assert Counter(k[0] for k in graph["rels"]) == Counter(k[0] for k in expected["rels"])
    assert graph["nodes"] == expected["nodes"]
    assert graph["rels"] == expected["rels"]
    assert graph["touches"] == expected["touches"]
    # the hostile rows did reach the graph as an online load has them
    ann = graph["nodes"][(("Customer",), "crm:900")]
    assert ann["firstName"] == ("str", "Annie")
    assert ann["email"] == ("str", "b@x.org")
    assert graph["nodes"][(("Customer",), "crm:901")]["firstName"] == ("str", "Line Break")
    assert (("Email", "Identifier"), "email:b@x.org") in graph["nodes"]
    # the same rejects, and the same rows read / loaded / rejected / warned per file
    assert _rejects(tmp_path / "rejects") == online["rejects"]
    assert any(online["rejects"].values())
    counts = [
        (f.path, f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_warned)
        for f in done.load.files
    ]
    assert counts == [
        (f.path, f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_warned)
        for f in online["report"].files
    ]
    # the scratch store and import files (customer data) are gone
    assert not (tmp_path / "bulk" / "staging.db").exists()
    assert not (tmp_path / "bulk" / "import").exists()
    # the bulk/* queries read Neo4j as they read the staging store: the same rows
    with Neo4jStore.connect(neo4j_settings) as store:
        again_files = write_import_files(store, tmp_path / "from-neo4j")
        assert again_files.counts() == done.files.counts()
        customers = (tmp_path / "from-neo4j" / "Customer.csv").read_text(encoding="utf-8")
        assert '"crm:900","crm","900","Annie"' in customers
    # later loads are incremental on top: the same files are known, a new one adds
    with Neo4jStore.connect(neo4j_settings) as store:
        again = load_files(store, [dataset], rejects_dir=tmp_path / "again")
        assert {f.status for f in again.files} == {"skipped"}
        extra = tmp_path / "more" / "customers.csv"
        extra.parent.mkdir()
        with (dataset / "customers.csv").open(encoding="utf-8") as handle:
            header = handle.readline()
        extra.write_text(header + "web,77" + "," * (header.count(",") - 1) + "\n", encoding="utf-8")
        added = load_files(store, [extra], rejects_dir=tmp_path / "again")
        assert added.files[0].rows_loaded == 1
    assert len(dump(neo4j_settings)["nodes"]) == len(graph["nodes"]) + 2  # record + manifest


class KilledError(Exception):
    """Stands for a kill between the import and the check."""


def test_a_rerun_after_an_unfinished_import_ends_as_one_clean_run(
    neo4j_settings: Settings, dataset: Path, online: dict[str, Any], tmp_path: Path
) -> None:
    _wipe(neo4j_settings)
    real = command_importer(import_command(neo4j_settings.neo4j_import))

    def killed(files: ImportSet) -> None:
        """The nodes imported, the links not, and no schema or check: killed halfway."""
        half = ImportSet(files.folder, [f for f in files.files if f.node])
        half.write_arguments(files.folder.parent / "import.args")
        real(half)
        raise KilledError

    def connect() -> AbstractContextManager[Store]:
        return open_store(neo4j_settings)

    with pytest.raises(KilledError):
        bulk_load(connect, [dataset], run_import=killed, work_dir=tmp_path / "bulk")
    assert (tmp_path / "bulk" / INTERRUPTED).is_file()
    # the database is not empty: only a re-run from the same folder may replace it
    with pytest.raises(InputError, match="needs an empty Neo4j database"):
        bulk_load(connect, [dataset], run_import=real, work_dir=tmp_path / "elsewhere")
    bulk_load(
        connect,
        [dataset],
        run_import=real,
        work_dir=tmp_path / "bulk",
        rejects_dir=tmp_path / "rejects",
    )
    assert dump(neo4j_settings) == online["graph"]
    assert _rejects(tmp_path / "rejects") == online["rejects"]
    assert not (tmp_path / "bulk" / INTERRUPTED).exists()


def _as_parts(files: ImportSet, folder: Path) -> Path:
    """Lay import files out as a Spark run does (``spark.neo4j``): per group a header file
    and a folder of part files (here each data file cut in two at a record's end), with
    ``import.args`` and ``import.json`` (the counts the database must hold)."""
    folder.mkdir()
    for f in files.files:
        raw = f.parts[0].read_text(encoding="utf-8").splitlines(keepends=True)
        ends, reader = [], csv.reader(iter(raw))
        for _ in reader:
            ends.append(reader.line_num)
        cut = ends[len(ends) // 2 - 1] if len(ends) > 1 else len(raw)
        stem = f.header.name.removesuffix(".header.csv")
        (folder / stem).mkdir()
        f.header = f.header.rename(folder / f.header.name)
        f.parts = []
        for k, lines in enumerate((raw[:cut], raw[cut:])):
            part = folder / stem / f"part-{k:05d}.csv"
            part.write_text("".join(lines), encoding="utf-8")
            f.parts.append(part)
    moved = ImportSet(folder, files.files)
    moved.write_arguments(folder / "import.args")
    return folder


def test_a_folder_of_part_files_imports_as_the_online_load(
    neo4j_settings: Settings, dataset: Path, online: dict[str, Any], tmp_path: Path
) -> None:
    """``custgraph load --import-dir``: what another engine wrote (header files, parts)."""
    staging = StagingStore(tmp_path / "staging.db", batch_size=NEO4J_BATCH)
    staging.ensure_schema()
    load_files(staging, [dataset], rejects_dir=tmp_path / "rejects")
    files = write_import_files(staging, tmp_path / "import")
    held = bulk._held(staging)
    keys = sorted(bulk._manifest_keys(staging))
    staging.close()
    written = _as_parts(files, tmp_path / "neo4j")
    assert sum(len(f.parts) for f in files.files) == 2 * len(files.files)
    # moved after it was written (from a cluster's storage to the Neo4j machine): its
    # argument file names the place it left
    folder = Path(shutil.move(written, tmp_path / "moved"))
    assert str(written.resolve()) in (folder / "import.args").read_text(encoding="utf-8")
    described = {"counts": held, "load_files": keys}
    (folder / "import.json").write_text(
        json.dumps({**described, "counts": {**held, "Customer": 1}})
    )

    def connect() -> AbstractContextManager[Store]:
        return open_store(neo4j_settings)

    importer = command_importer(import_command(neo4j_settings.neo4j_import))
    _wipe(neo4j_settings)
    # counts the database does not hold: the import is not taken for done
    with pytest.raises(StoreUnavailableError, match=r"Customer: [0-9,]+ of 1\b"):
        import_folder(connect, folder, run_import=importer)
    assert (folder / INTERRUPTED).is_file()
    # a re-run replaces the unfinished import (the database holds this folder's only)
    (folder / "import.json").write_text(json.dumps(described))
    done = import_folder(connect, folder, run_import=importer)
    assert done.counts == held
    assert not (folder / INTERRUPTED).exists()
    assert dump(neo4j_settings) == online["graph"]
    # the manifest came along: loading the same files again skips them
    with Neo4jStore.connect(neo4j_settings) as store:
        again = load_files(store, [dataset], rejects_dir=tmp_path / "again")
    assert {f.status for f in again.files} == {"skipped"}
    # a database that holds data is refused, and so is a folder with no import files
    assert str(written.resolve()) not in (folder / "import.args").read_text(encoding="utf-8")
    with pytest.raises(InputError, match="needs an empty Neo4j database"):
        import_folder(connect, folder, run_import=importer)
    with pytest.raises(InputError, match="holds no import files"):
        import_folder(connect, tmp_path, run_import=importer)
