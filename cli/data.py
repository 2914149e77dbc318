"""``custgraph generate`` and ``custgraph load``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cli.context import settings_of, store_of
from cli.progress import load_progress, print_load_report

if TYPE_CHECKING:
    from loaders.mapping import Mapping

__all__ = ["generate", "load"]


def generate(
    out: Annotated[Path, typer.Argument(help="Folder to write the dataset into")],
    customers: Annotated[int, typer.Option("--customers", min=1, help="Customer records")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same files)")] = 7,
    mixing: Annotated[
        float,
        typer.Option("--mixing", min=0.0, max=1.0, help="Share of social links across communities"),
    ] = 0.3,
    fmt: Annotated[str, typer.Option("--format", help="csv, jsonl or parquet")] = "csv",
) -> None:
    """Write a synthetic multi-source dataset with ground truth in OUT/truth/.

    Example: custgraph generate data/ --customers 100000 --seed 7
    """
    from graph.errors import InputError
    from synthetic import GenerateParams, generate_dataset

    if fmt not in ("csv", "jsonl", "parquet"):
        raise InputError("--format must be csv, jsonl or parquet")
    console = Console()
    with console.status(f"generating {customers:,} customer records…"):
        summary = generate_dataset(out, GenerateParams(customers, seed, mixing, fmt))
    for name, n in summary.rows.items():
        console.print(f"  {name:<13} {n:>12,} rows")
    console.print(
        f"{summary.persons:,} people in {summary.communities:,} communities; "
        f"truth in {out / 'truth'} ({summary.seconds:.1f}s)"
    )


def load(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files, or folders of files named by kind")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="YAML mapping of another layout's columns")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="The kind of every file, when names do not tell")
    ] = None,
    rejects: Annotated[
        Path, typer.Option("--rejects", help="Folder for <file>.rejects.csv")
    ] = Path("rejects"),
    region: Annotated[
        str | None, typer.Option("--region", help="Default phone region, e.g. US or DE")
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option("--batch-size", min=1, help="Rows per transaction")
    ] = None,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="First load into an empty Neo4j through neo4j-admin database import "
            "(the server is stopped and started again; CUSTGRAPH_NEO4J_IMPORT names the command)",
        ),
    ] = False,
    bulk_dir: Annotated[
        Path,
        typer.Option("--bulk-dir", help="Scratch folder of a bulk load (deleted when it succeeds)"),
    ] = Path("custgraph-bulk"),
    import_dir: Annotated[
        Path | None,
        typer.Option(
            "--import-dir",
            help="Import a Spark run's import files (OUT/neo4j of analyze --engine spark "
            "--neo4j-import) into an empty Neo4j: its loaded graph and results",
        ),
    ] = None,
) -> None:
    """Load input files (CSV, JSONL, Parquet; optionally .gz) into the store.

    Every row is loaded or rejected (with file, line, column and reason in the rejects
    folder); loading the same file again changes nothing; a killed load resumes when re-run.
    --bulk writes the same graph into an empty Neo4j with neo4j-admin, several times faster
    for a first load; later loads go on top without it.

    --import-dir imports what a Spark run wrote (the graph of its input files and its
    results) the same way.

    Example: custgraph load data/ --mapping shop-mapping.yaml
    Example: custgraph load --import-dir results/neo4j
    """
    from graph.errors import InputError
    from loaders import load_files, load_mapping

    settings = settings_of(ctx)
    console = Console()
    if import_dir is not None:
        if paths or bulk:
            raise InputError(
                "--import-dir imports files a Spark run wrote: give it alone (no input files, "
                "no --bulk)"
            )
        _import_dir(ctx, console, import_dir)
        return
    if not paths:
        raise InputError("give the files to load (or a folder of them): custgraph load data/")
    mapped = load_mapping(mapping) if mapping else None
    if bulk:
        _bulk(ctx, console, paths, mapped, kind, rejects, region, batch_size, bulk_dir)
        return
    with store_of(ctx) as store, load_progress(console) as on_progress:
        report = load_files(
            store,
            paths,
            kind=kind,
            mapping=mapped,
            rejects_dir=rejects,
            region=region or settings.default_region,
            batch_size=batch_size or settings.batch_size,
            on_progress=on_progress,  # type: ignore[arg-type]
        )
    print_load_report(console, report)


def _bulk(
    ctx: typer.Context,
    console: Console,
    paths: list[Path],
    mapping: Mapping | None,
    kind: str | None,
    rejects: Path,
    region: str | None,
    batch_size: int | None,
    work_dir: Path,
) -> None:
    """``custgraph load --bulk``: the load into a staging store, import files, the import."""
    from graph.store import open_store
    from loaders.bulk import bulk_load, command_importer, import_command

    settings = settings_of(ctx)
    command = import_command(settings.neo4j_import)
    with load_progress(console) as on_progress:
        done = bulk_load(
            lambda: open_store(settings),
            paths,
            run_import=command_importer(command),
            work_dir=work_dir,
            kind=kind,
            mapping=mapping,
            rejects_dir=rejects,
            region=region or settings.default_region,
            batch_size=batch_size or settings.batch_size,
            on_progress=on_progress,  # type: ignore[arg-type]
            on_phase=lambda phase: console.print(f"[bold]bulk load:[/] {phase}…"),
        )
    print_load_report(console, done.load)
    files = done.files.files
    console.print(
        f"imported {sum(f.rows for f in files if f.node):,} nodes and "
        f"{sum(f.rows for f in files if not f.node):,} relationships into "
        f"{done.target} in {done.seconds['total']:.1f}s ("
        + ", ".join(f"{k} {v:.1f}s" for k, v in done.seconds.items() if k != "total")
        + ")"
    )


def _import_dir(ctx: typer.Context, console: Console, folder: Path) -> None:
    """``custgraph load --import-dir``: a Spark run's import files into an empty Neo4j."""
    from graph.store import open_store
    from loaders.bulk import command_importer, import_command, import_folder

    settings = settings_of(ctx)
    done = import_folder(
        lambda: open_store(settings),
        folder,
        run_import=command_importer(
            import_command(settings.neo4j_import),
            again=f"Run custgraph load --import-dir {folder} again",
        ),
        on_phase=lambda phase: console.print(f"[bold]import:[/] {phase}…"),
    )
    console.print(
        f"imported {sum(done.counts.values()):,} nodes and relationships into {done.target} "
        f"in {done.seconds['total']:.1f}s ("
        + ", ".join(f"{k} {v:.1f}s" for k, v in done.seconds.items() if k != "total")
        + ")"
    )
