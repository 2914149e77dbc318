"""Bulk first load into Neo4j: the online load's rows, through ``neo4j-admin database import``.

``bulk_load(target, paths, run_import=…)`` loads the files into a scratch embedded store
with :func:`~loaders.load.load_files` — the same validation, normalisation, rejects files,
upsert rules (the last row of a record wins; touchpoints summed into ``TOUCHED``) and load
manifest as an online load, and the embedded store answers every query as Neo4j does
(``tests/integration/test_store_conformance.py``). It then writes that graph as
``neo4j-admin`` import files (:func:`write_import_files`), has the importer run (the managed
server: ``scripts/neo4j import``, which stops and restarts it; docker compose: docs/neo4j.md),
creates the schema, and checks the server holds what the staging store did. The target must
be empty: ``neo4j-admin database import full`` replaces a database, it cannot add to one.
Later loads are ordinary incremental loads on top.

Examples
--------
Import files from a store (any store: here a small embedded one):

>>> import tempfile, pathlib
>>> from graph.store import SqliteStore
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> store = SqliteStore(tmp / "g.db"); store.ensure_schema()
>>> _ = store.write("load/merge_channels", [{"channelId": "web", "kind": "web", "name": "Web"}])
>>> files = write_import_files(store, tmp / "import")
>>> [(f.name, f.rows) for f in files.files]
[('Channel', 1)]
>>> print((tmp / "import" / "Channel.header.csv").read_text(), end="")
channelId:ID(Channel),kind,name
>>> print((tmp / "import" / "Channel.csv").read_text(), end="")
"web","web","Web"
>>> files.arguments()[:2]  # doctest: +ELLIPSIS
['--nodes=Channel=...Channel.header.csv,...Channel.csv', '--bad-tolerance=0']
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from graph.errors import InputError, StoreUnavailableError
from graph.model import CUSTOMER_FIELDS, IDENTIFIER_KINDS, Label, RelType
from graph.store import SqliteStore
from graph.store.base import Slots, Store
from loaders.load import LoadReport, load_files
from loaders.mapping import Mapping
from loaders.report import ProgressFn

__all__ = [
    "EXPORTS",
    "INTERRUPTED",
    "TOUCH_FILES",
    "BulkReport",
    "Export",
    "ImportColumn",
    "ImportFile",
    "ImportReport",
    "ImportSet",
    "ImportSink",
    "StagingStore",
    "bulk_load",
    "command_importer",
    "import_command",
    "import_file",
    "import_folder",
    "write_header",
    "write_import_files",
]

PAGE_ROWS = 100_000
"""Rows read from the store and written to a file at a time (memory stays flat)."""

#: The arrow type each import-header type is written from.
_ARROW = {
    "string": pa.string(),
    "long": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.string(),
    "datetime": pa.string(),
}


@dataclass(frozen=True, slots=True)
class ImportColumn:
    """A column a bulk query returns and its header in the import file."""

    name: str
    type: str = "string"
    header: str = ""

    @property
    def title(self) -> str:
        if self.header:
            return self.header
        return self.name if self.type == "string" else f"{self.name}:{self.type}"


def _node_id(name: str, label: Label) -> ImportColumn:
    return ImportColumn(name, header=f"{name}:ID({label})")


def _ends(src: Label, dst: Label) -> list[ImportColumn]:
    return [
        ImportColumn("src", header=f":START_ID({src})"),
        ImportColumn("dst", header=f":END_ID({dst})"),
    ]


_CUSTOMER_TYPES = {"date": "date", "datetime": "datetime", "bool": "boolean"}


@dataclass(frozen=True, slots=True)
class Export:
    """One import file: the label or type it holds, the paged query that reads it, the
    pages' key (``(param, column)`` pairs, in the query's order) and its columns."""

    name: str
    node: bool
    query: str
    keys: tuple[tuple[str, str], ...]
    columns: tuple[ImportColumn, ...]
    slots: Slots | None = None


_C, _I, _CH = Label.CUSTOMER, Label.IDENTIFIER, Label.CHANNEL
_PAIR = (("afterSrc", "src"), ("afterDst", "dst"))
EXPORTS: tuple[Export, ...] = (
    Export(
        _C,
        True,
        "bulk/customers",
        (("after", "uid"),),
        (
            _node_id("uid", _C),
            ImportColumn("source"),
            ImportColumn("sourceCustomerId"),
            *(
                ImportColumn(f.graph, _CUSTOMER_TYPES.get(f.kind, "string"))
                for f in CUSTOMER_FIELDS
            ),
        ),
    ),
    Export(
        _I,
        True,
        "bulk/identifiers",
        (("after", "key"),),
        (
            _node_id("key", _I),
            ImportColumn("kind"),
            ImportColumn("value"),
            ImportColumn("label", header=":LABEL"),
        ),
    ),
    Export(
        _CH,
        True,
        "bulk/channels",
        (("after", "channelId"),),
        (_node_id("channelId", _CH), ImportColumn("kind"), ImportColumn("name")),
    ),
    Export(
        Label.PRODUCT,
        True,
        "bulk/products",
        (("after", "productId"),),
        (_node_id("productId", Label.PRODUCT), ImportColumn("category")),
    ),
    Export(
        Label.ORDER,
        True,
        "bulk/orders",
        (("after", "orderId"),),
        (
            _node_id("orderId", Label.ORDER),
            ImportColumn("purchasedAt", "datetime"),
            ImportColumn("amount", "double"),
            ImportColumn("directAmount", "double"),
            ImportColumn("currency"),
        ),
    ),
    Export(
        Label.LOAD_FILE,
        True,
        "bulk/load_files",
        (("after", "fileKey"),),
        (
            _node_id("fileKey", Label.LOAD_FILE),
            ImportColumn("path"),
            ImportColumn("kind"),
            ImportColumn("checksum"),
            *(
                ImportColumn(n, "long")
                for n in (
                    "batchSize",
                    "batchesDone",
                    "rowsRead",
                    "rowsLoaded",
                    "rowsRejected",
                    "rowsWarned",
                )
            ),
            ImportColumn("status"),
            ImportColumn("startedAt"),
            ImportColumn("finishedAt"),
        ),
    ),
    Export(RelType.HAS_IDENTIFIER, False, "bulk/has_identifier", _PAIR, tuple(_ends(_C, _I))),
    Export(
        RelType.TOUCHED,
        False,
        "bulk/touched",
        _PAIR,
        (
            *_ends(_C, _CH),
            ImportColumn("count", "long"),
            ImportColumn("firstAt", "datetime"),
            ImportColumn("lastAt", "datetime"),
        ),
    ),
    Export(
        RelType.PLACED, False, "bulk/placed", (("afterDst", "dst"),), tuple(_ends(_C, Label.ORDER))
    ),
    Export(
        RelType.CONTAINS,
        False,
        "bulk/contains",
        _PAIR,
        (
            *_ends(Label.ORDER, Label.PRODUCT),
            ImportColumn("quantity", "double"),
            ImportColumn("amount", "double"),
        ),
    ),
    Export(RelType.VIA, False, "bulk/via", (("afterSrc", "src"),), tuple(_ends(Label.ORDER, _CH))),
    Export(
        RelType.REFERRED,
        False,
        "bulk/referred",
        _PAIR,
        (*_ends(_C, _C), ImportColumn("at", "datetime"), ImportColumn("campaign")),
    ),
    *(
        Export(
            rel,
            False,
            "bulk/social",
            _PAIR,
            (
                *_ends(_C, _C),
                ImportColumn("weight", "double"),
                ImportColumn("since", "datetime"),
                ImportColumn("platform"),
            ),
            slots={"rel": rel},
        )
        for rel in (RelType.FOLLOWS, RelType.FRIENDS_WITH, RelType.INTERACTS_WITH)
    ),
)

_T = Label.TOUCHPOINT
#: Touchpoint events: one query, three files (the nodes, MADE from records, ON to channels).
TOUCH_FILES: tuple[tuple[str, bool, tuple[ImportColumn, ...]], ...] = (
    (
        _T,
        True,
        (
            ImportColumn("seq", header=f":ID({_T})"),  # an import id only, not a property
            ImportColumn("at", "datetime"),
            ImportColumn("channelId"),
            ImportColumn("event"),
            ImportColumn("count", "long"),
        ),
    ),
    (
        RelType.MADE,
        False,
        (
            ImportColumn("uid", header=f":START_ID({_C})"),
            ImportColumn("seq", header=f":END_ID({_T})"),
        ),
    ),
    (
        RelType.ON,
        False,
        (
            ImportColumn("seq", header=f":START_ID({_T})"),
            ImportColumn("channelId", header=f":END_ID({_CH})"),
        ),
    ),
)


@dataclass(slots=True)
class ImportFile:
    """One label's (nodes) or type's (relationships) import files: a header file, the
    header line alone, and the data files (``parts``: one written here, or the part files
    of a Spark run), imported as one group."""

    name: str
    node: bool
    header: Path
    parts: list[Path] = field(default_factory=list)
    rows: int = 0
    multiline: bool = False  # a value holds a line break (the importer must be told)

    @property
    def paths(self) -> list[Path]:
        """The header file, then the data files: the order the importer reads them in."""
        return [self.header, *self.parts]


@dataclass(slots=True)
class ImportSet:
    """The import files of one graph, and the ``neo4j-admin`` arguments that import them."""

    folder: Path
    files: list[ImportFile] = field(default_factory=list)
    #: the argument file (:meth:`write_arguments`): ``import.args`` beside the folder
    #: unless set
    args: Path | None = None

    @property
    def arguments_file(self) -> Path:
        """Where the argument file is."""
        return self.args or self.folder.parent / "import.args"

    @property
    def log(self) -> Path:
        """Where an importer writes what it said: ``import.log`` beside the argument file."""
        return self.arguments_file.parent / "import.log"

    def counts(self) -> dict[str, int]:
        """Rows per label and relationship type (summed over files of one name)."""
        out: dict[str, int] = {}
        for f in self.files:
            out[f.name] = out.get(f.name, 0) + f.rows
        return out

    def arguments(self) -> list[str]:
        """Arguments for ``neo4j-admin database import full <database>``: every file, no
        bad entry tolerated (the rows were validated; a bad entry is a bug to report, not a
        row to drop), line breaks allowed where a file has them."""
        args = [
            f"--{'nodes' if f.node else 'relationships'}={f.name}="
            + ",".join(str(p.resolve()) for p in f.paths)
            for f in self.files
        ]
        args += ["--bad-tolerance=0", "--skip-duplicate-nodes=false"]
        multiline = [str(p.resolve()) for f in self.files if f.multiline for p in f.parts]
        if multiline:
            args += ["--multiline-fields-format=v2", f"--multiline-fields={','.join(multiline)}"]
        return args

    def write_arguments(self, path: Path) -> Path:
        """Write :meth:`arguments` as an argument file (``neo4j-admin … @path``)."""
        self.write_lines(self.arguments(), path)
        self.args = path
        return path

    def write_lines(
        self, arguments: Sequence[str], path: Path, fix: str = "choose another --bulk-dir"
    ) -> None:
        """Write ``arguments`` as an argument file: one a line, quoted when it holds a
        space; a quote or backslash in a path is refused (``fix`` says what to do)."""
        lines = []
        for arg in arguments:
            if any(c in arg for c in "\"'\\"):
                raise InputError(
                    f"the import folder {self.folder} has a quote or backslash in its path; " + fix
                )
            lines.append(f'"{arg}"' if any(c.isspace() for c in arg) else arg)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class ImportSink:
    """An import file being written: header line once, then pages as CSV."""

    def __init__(self, out: ImportFile, columns: Sequence[ImportColumn]) -> None:
        self.out = out
        self.columns = list(columns)
        self.schema = pa.schema([(c.name, _ARROW[c.type]) for c in columns])
        write_header(out.header, columns)
        self._handle: IO[bytes] = out.parts[0].open("wb")
        self._writer = pacsv.CSVWriter(
            self._handle, self.schema, write_options=pacsv.WriteOptions(include_header=False)
        )

    def write(self, page: pa.Table) -> None:
        table = pa.table(
            [page.column(c.name).cast(_ARROW[c.type]) for c in self.columns], schema=self.schema
        )
        for c in self.columns:
            if c.type == "string" and not self.out.multiline:
                breaks = pc.any(pc.match_substring_regex(table.column(c.name), r"[\r\n]"))
                self.out.multiline = bool(breaks.as_py())
        self._writer.write_table(table)
        self.out.rows += table.num_rows

    def close(self) -> None:
        self._writer.close()
        self._handle.close()


def write_header(path: Path, columns: Sequence[ImportColumn]) -> None:
    """Write an import header file: the columns' titles (``uid:ID(Customer)``, …)."""
    path.write_text(",".join(c.title for c in columns) + "\n", encoding="utf-8")


def import_file(folder: Path, name: str, node: bool) -> ImportFile:
    """The import file of ``name`` in ``folder``, written here: ``name.header.csv`` and one
    data file, ``name.csv``."""
    return ImportFile(name, node, folder / f"{name}.header.csv", [folder / f"{name}.csv"])


def _pages(
    store: Store, query: str, keys: Sequence[tuple[str, str]], slots: Slots | None, first: Any
) -> Iterator[pa.Table]:
    """A paged query's pages, each after the last key of the one before."""
    after = dict.fromkeys((param for param, _ in keys), first)
    while True:
        page = store.table(query, slots=slots, limit=PAGE_ROWS, **after)
        if page.num_rows == 0:
            return
        yield page
        after = {param: page.column(column)[-1].as_py() for param, column in keys}
        if page.num_rows < PAGE_ROWS:
            return


def _with_labels(page: pa.Table) -> pa.Table:
    """Identifier pages with their kind's label (``Email``, …) in a ``label`` column."""
    labels = [
        str(IDENTIFIER_KINDS[k]) if k in IDENTIFIER_KINDS else "" for k in page["kind"].to_pylist()
    ]
    return page.append_column("label", pa.array(labels, pa.string()))


def write_import_files(store: Store, folder: Path | str) -> ImportSet:
    """Write the loaded graph of ``store`` (records, identifiers, channels, products,
    orders, touchpoint events, links, the load manifest) as ``neo4j-admin`` CSV files into
    ``folder``; files that would hold no rows are left out. Derived data (persons,
    communities, profiles) is not written: the jobs make it after the load."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    result = ImportSet(folder)
    for export in EXPORTS:
        out = import_file(folder, str(export.name), export.node)
        sink = ImportSink(out, export.columns)
        try:
            for page in _pages(store, export.query, export.keys, export.slots, ""):
                sink.write(_with_labels(page) if export.name == _I else page)
        finally:
            sink.close()
        _keep(result, out)
    touch = [
        ImportSink(import_file(folder, str(name), node), columns)
        for name, node, columns in TOUCH_FILES
    ]
    try:
        for page in _pages(store, "bulk/touchpoints", (("after", "seq"),), None, -1):
            for sink in touch:
                sink.write(page)
    finally:
        for sink in touch:
            sink.close()
    for sink in touch:
        _keep(result, sink.out)
    return result


def _keep(result: ImportSet, out: ImportFile) -> None:
    if out.rows:
        result.files.append(out)
    else:
        for path in out.paths:
            path.unlink()


class StagingStore(SqliteStore):
    """The scratch embedded store a bulk load validates and merges into: a power cut
    costs nothing here (the bulk load starts again), so it skips syncing and commits
    large groups. Its batches are the target's, so the manifest counts them alike."""

    pragmas = (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=OFF",
        "PRAGMA temp_store=MEMORY",
        "PRAGMA cache_size=-262144",  # 256 MiB
        "PRAGMA busy_timeout=15000",
    )

    def rows_per_commit(self, kind: str) -> int:
        """Every kind commits :data:`STAGING_ROWS_PER_COMMIT` rows at once."""
        return max(self.batch_size, STAGING_ROWS_PER_COMMIT)

    @contextmanager
    def loading(self, kind: str, size_bytes: int) -> Iterator[None]:
        """Touchpoint files load without the event index, whatever their size, and it is
        not built again: the import files read events in the order they came."""
        if kind == "touchpoints":
            self.write("schema/set_aside_event_index")
        yield


STAGING_ROWS_PER_COMMIT = 200_000


@dataclass(slots=True)
class BulkReport:
    """What a bulk load did: the load (rows per file, rejects), the import files, the
    store they went into, and the seconds of each phase."""

    load: LoadReport
    files: ImportSet
    target: str  # where it went (Store.describe)
    seconds: dict[str, float] = field(default_factory=dict)


Importer = Callable[[ImportSet], None]
PhaseFn = Callable[[str], None]


def bulk_load(
    connect: Callable[[], AbstractContextManager[Store]],
    paths: Iterable[Path | str],
    *,
    run_import: Importer,
    work_dir: Path | str = Path("custgraph-bulk"),
    kind: str | None = None,
    mapping: Mapping | None = None,
    rejects_dir: Path | str = Path("rejects"),
    region: str = "US",
    batch_size: int | None = None,
    on_progress: ProgressFn | None = None,
    on_phase: PhaseFn | None = None,
    server_timeout: float = 300.0,
) -> BulkReport:
    """Load files into an empty Neo4j through ``neo4j-admin database import``.

    Parameters
    ----------
    connect
        Opens the Neo4j store (``lambda: open_store(settings)``); it must hold no data
        (schema marks aside). It is opened again after the import: the database is a new
        one, and a driver's bookmarks from before would wait for transactions it never had.
    run_import
        Runs the importer on an :class:`ImportSet` with the server stopped, and returns
        once the server answers again (:func:`command_importer`).
    work_dir
        Scratch folder for the staging store and the import files; both hold customer
        data, so both are deleted when the load succeeds (and replaced by the next run).
    batch_size
        Rows per batch recorded in the manifest (default: the target's, as an online load).
    server_timeout
        Seconds to wait for the server to answer after the import.

    Other parameters are :func:`~loaders.load.load_files`'s.
    """
    say = on_phase or (lambda _: None)
    with connect() as target:
        work = Path(work_dir)
        marker = work / INTERRUPTED
        _check_target(target, marker)
        batch_size = batch_size or target.batch_size
    staging_path = work / "staging.db"
    _clear(work)
    work.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    staging = StagingStore(staging_path, batch_size=batch_size)
    try:
        say("validating and merging the files")
        report = load_files(
            staging,
            paths,
            kind=kind,
            mapping=mapping,
            rejects_dir=rejects_dir,
            region=region,
            on_progress=on_progress,
        )
        seconds["load"] = time.perf_counter() - started
        say("writing import files")
        mark = time.perf_counter()
        files = write_import_files(staging, work / "import")
        expected = _held(staging)
        begun = _manifest_keys(staging)
        seconds["files"] = time.perf_counter() - mark
    finally:
        staging.close()
    files.write_arguments(work / "import.args")
    where = _import(
        connect,
        files,
        expected=expected,
        begun=begun,
        run_import=run_import,
        marker=marker,
        seconds=seconds,
        say=say,
        server_timeout=server_timeout,
    )
    _clear(work)
    marker.unlink()
    seconds["total"] = time.perf_counter() - started
    return BulkReport(report, files, where, seconds)


def _import(
    connect: Callable[[], AbstractContextManager[Store]],
    files: ImportSet,
    *,
    expected: dict[str, int],
    begun: set[str],
    run_import: Importer,
    marker: Path,
    seconds: dict[str, float],
    say: PhaseFn,
    server_timeout: float,
) -> str:
    """Run the importer on ``files`` (their argument file written), create the schema and
    check the database holds ``expected`` (:func:`_held`'s counts); returns where it went.
    ``marker`` holds ``begun`` (the manifest keys of the files) until the check passes."""
    say("importing with neo4j-admin (the server stops and starts again)")
    mark = time.perf_counter()
    # until the counts are checked, the database holds this import only (it was empty):
    # a re-run may replace it (the manifest entries say which files it was)
    marker.write_text(json.dumps(sorted(begun)), encoding="utf-8")
    run_import(files)
    seconds["import"] = time.perf_counter() - mark
    say("creating the schema")
    mark = time.perf_counter()
    with connect() as target:
        _wait_for(target, server_timeout)
        target.ensure_schema()
        seconds["schema"] = time.perf_counter() - mark
        found = _held(target)
        # the names the database counts (``status/counts``: the model's labels and types
        # but bookkeeping and journeys' result nodes); the others are not checked
        named = {str(r["name"]) for r in target.read("status/counts")}
        where = target.describe()
    expected = {k: v for k, v in expected.items() if k in named and v}
    if found != expected:
        wrong = sorted(k for k in {*found, *expected} if found.get(k) != expected.get(k))
        raise StoreUnavailableError(
            f"the import into {where} does not hold what was loaded ("
            + ", ".join(f"{k}: {found.get(k, 0):,} of {expected.get(k, 0):,}" for k in wrong)
            + f"); see {files.log}"
        )
    return where


@dataclass(slots=True)
class ImportReport:
    """What importing a folder of import files did: the rows per label and type, where
    they went, and the seconds of each phase."""

    counts: dict[str, int]
    target: str
    seconds: dict[str, float] = field(default_factory=dict)


def import_folder(
    connect: Callable[[], AbstractContextManager[Store]],
    folder: Path | str,
    *,
    run_import: Importer,
    on_phase: PhaseFn | None = None,
    server_timeout: float = 300.0,
) -> ImportReport:
    """Import a folder of import files that another engine wrote (a Spark run's
    ``out/neo4j``: ``import.args``, ``import.json`` and the files they name) into an empty
    Neo4j, create the schema and check the database holds what ``import.json`` says.

    The database must be empty, as for :func:`bulk_load` (or hold only an import of this
    folder that did not finish, which a re-run replaces). Later loads are incremental on top:
    the files' load manifest is in the import, so loading one of them again skips it.
    """
    folder = Path(folder)
    listing = folder / "import.json"
    if not listing.is_file() or not (folder / "import.args").is_file():
        raise InputError(
            f"{folder} holds no import files (no import.json and import.args); write them "
            "with custgraph analyze all --engine spark --input DATA --out OUT --neo4j-import, "
            "then give OUT/neo4j"
        )
    described = json.loads(listing.read_text(encoding="utf-8"))
    expected = {str(k): int(v) for k, v in described["counts"].items() if int(v)}
    marker = folder / INTERRUPTED
    with connect() as target:
        _check_target(target, marker)
    files = ImportSet(folder, args=arguments_here(folder))
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    where = _import(
        connect,
        files,
        expected=expected,
        begun=set(described.get("load_files", [])),
        run_import=run_import,
        marker=marker,
        seconds=seconds,
        say=on_phase or (lambda _: None),
        server_timeout=server_timeout,
    )
    marker.unlink()
    seconds["total"] = time.perf_counter() - started
    return ImportReport(expected, where, seconds)


#: The argument-file options that name files (each a comma-separated list of paths).
_FILE_OPTIONS = ("--nodes=", "--relationships=", "--multiline-fields=")


def arguments_here(folder: Path) -> Path:
    r"""``folder``'s argument file (``import.args``), naming the files in ``folder``.

    The writer names each file where it wrote it, as ``neo4j-admin`` needs (it reads paths
    from where it runs, not from the argument file). A folder copied elsewhere afterwards
    (from a cluster's storage to the Neo4j machine: docs/scale.md) would have the importer
    read the old place, or fail there; so the file is rewritten in place when the folder
    moved, every path taken relative to the folder the header files were written in. A file
    it names that the folder lacks is an error that names it.

    >>> import tempfile
    >>> moved = Path(tempfile.mkdtemp()).resolve()
    >>> _ = (moved / "Customer.header.csv").write_text("uid:ID(Customer)\n")
    >>> _ = (moved / "import.args").write_text(
    ...     "--nodes=Customer=/spark/out/neo4j/Customer.header.csv\n--bad-tolerance=0\n")
    >>> arguments_here(moved).read_text() == (
    ...     f"--nodes=Customer={moved}/Customer.header.csv\n--bad-tolerance=0\n")
    True
    """
    folder = folder.resolve()
    path = folder / "import.args"
    lines = [
        line[1:-1] if len(line) > 1 and line[0] == line[-1] == '"' else line
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    written: Path | None = None
    for line in lines:
        if line.startswith(("--nodes=", "--relationships=")):
            written = Path(line.split("=", 2)[2].split(",")[0]).parent
            break
    if written is None:
        raise InputError(f"{path} names no import files; write the folder again")
    out = []
    for line in lines:
        option = next((o for o in _FILE_OPTIONS if line.startswith(o)), None)
        if option is None:
            out.append(line)
            continue
        body = line[len(option) :]
        name, paths = body.split("=", 1) if option != "--multiline-fields=" else ("", body)
        moved = []
        for p in paths.split(","):
            try:
                here = folder / Path(p).relative_to(written)
            except ValueError:
                raise InputError(
                    f"{path} names {p}, which is not in the folder its header files were "
                    f"written to ({written}); write the folder again"
                ) from None
            if not here.is_file():
                raise InputError(
                    f"{path} names {here.relative_to(folder)}, which {folder} lacks: copy "
                    "the whole folder the Spark run wrote (out/neo4j), or write it again"
                )
            moved.append(str(here))
        out.append(option + (f"{name}=" if name else "") + ",".join(moved))
    if written != folder:
        ImportSet(folder).write_lines(out, path, "move it to a path without one")
    return path


def _check_target(target: Store, marker: Path) -> None:
    """Refuse a target that is not Neo4j, or that holds data other than an unfinished
    import from this bulk folder."""
    if target.kind != "neo4j":
        raise InputError(
            "--bulk loads into Neo4j through neo4j-admin; configure one (--neo4j URI or "
            "CUSTGRAPH_NEO4J_URI), or load into the embedded store without --bulk"
        )
    held = _held(target)
    if held and not _only_an_interrupted_import(target, marker):
        listed = ", ".join(f"{n:,} {name}" for name, n in sorted(held.items())[:4])
        raise InputError(
            f"--bulk needs an empty Neo4j database, and {target.describe()} holds data "
            f"({listed}, …); load into it without --bulk (loads are incremental), or empty "
            "it first (scripts/neo4j wipe)"
        )


INTERRUPTED = "import-unfinished.json"
"""In the bulk folder while an import is unchecked: the manifest keys of its files."""


def _manifest_keys(store: Store) -> set[str]:
    """The keys of the files a store's load manifest names."""
    return {
        str(k)
        for page in _pages(store, "bulk/load_files", (("after", "fileKey"),), None, "")
        for k in page.column("fileKey").to_pylist()
    }


def _only_an_interrupted_import(target: Store, marker: Path) -> bool:
    """Whether what ``target`` holds can only be a bulk import of this folder that did not
    finish (killed, failed, or unchecked): the folder says one began, and every file the
    database's manifest names was one of its files (an online load since would add others).
    """
    if not marker.is_file():
        return False
    begun = set(json.loads(marker.read_text(encoding="utf-8")))
    return _manifest_keys(target) <= begun


def _held(store: Store) -> dict[str, int]:
    """Nodes per label and relationships per type the store holds (schema marks aside)."""
    return {
        str(r["name"]): int(r["count"])
        for r in store.read("status/counts")
        if r["count"] and r["name"] != Label.SCHEMA_STATE
    }


def _clear(work: Path) -> None:
    """Remove what a bulk load leaves in its folder (staging store, import files)."""
    for name in ("staging.db", "staging.db-wal", "staging.db-shm", "import.args"):
        (work / name).unlink(missing_ok=True)
    shutil.rmtree(work / "import", ignore_errors=True)


def _wait_for(store: Store, timeout: float) -> None:
    """Ping until the server answers (the first pings may meet connections the restart
    closed)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            store.ping()
            return
        except StoreUnavailableError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)


def command_importer(
    command: Sequence[str],
    log: Path | None = None,
    *,
    again: str = "Run the bulk load again with the same --bulk-dir",
) -> Importer:
    """An importer that runs ``command`` with the argument file as its last argument
    (``scripts/neo4j import custgraph-bulk/import.args``); the command's output goes to
    ``import.log`` beside it (never to the terminal: it may quote values). ``again`` is the
    next step a failure names (the command that replaces the unfinished import).

    >>> command_importer(["false"])(ImportSet(Path("/tmp")))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.StoreUnavailableError: the import command (false) failed with exit code 1; ...
    """

    def run(files: ImportSet) -> None:
        args_file = files.arguments_file
        log_path = log or files.log
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("wb") as out:
            try:
                done = subprocess.run(
                    [*command, str(args_file)], stdout=out, stderr=subprocess.STDOUT, check=False
                )
            except OSError as exc:
                raise StoreUnavailableError(
                    f"cannot run the import command ({shlex.join(command)}): {exc.strerror}; "
                    "set CUSTGRAPH_NEO4J_IMPORT (docs/neo4j.md, bulk loads)"
                ) from exc
        if done.returncode != 0:
            raise StoreUnavailableError(
                f"the import command ({shlex.join(command)}) failed with exit code "
                f"{done.returncode}; its output is in {log_path}. {again}: it replaces an "
                "import that did not finish"
            )

    return run


def import_command(configured: str | None) -> list[str]:
    """The import command: ``configured`` (``CUSTGRAPH_NEO4J_IMPORT``) split as a shell
    would, else this checkout's ``scripts/neo4j import`` (the managed server).

    >>> import_command("docker compose run --rm neo4j-import")
    ['docker', 'compose', 'run', '--rm', 'neo4j-import']
    """
    if configured:
        return shlex.split(configured)
    script = Path(__file__).resolve().parents[1] / "scripts" / "neo4j"
    if not script.is_file():
        raise InputError(
            "no import command: set CUSTGRAPH_NEO4J_IMPORT to a command that runs "
            "neo4j-admin database import full with the argument file it is given "
            "(docs/neo4j.md, bulk loads)"
        )
    return [str(script), "import"]
