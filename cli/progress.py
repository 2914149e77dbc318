"""Rich progress bars for long work (bytes of each file, rows and rows/s)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from loaders import LoadProgress, LoadReport

__all__ = ["load_progress", "print_load_report"]


@contextmanager
def load_progress(console: Console) -> Iterator[object]:
    """A callback for ``load_files(on_progress=…)`` drawing one bar per file."""
    progress = Progress(
        TextColumn("[bold]{task.fields[kind]:<12}[/] {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rows]:>10,} rows  {task.fields[rate]:>9,.0f} rows/s"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    )
    tasks: dict[str, TaskID] = {}
    started: dict[str, float] = {}

    def update(event: LoadProgress) -> None:
        import time

        if event.path not in tasks:
            started[event.path] = time.perf_counter()
            tasks[event.path] = progress.add_task(
                Path(event.path).name, total=event.bytes_total, kind=event.kind, rows=0, rate=0.0
            )
        elapsed = max(time.perf_counter() - started[event.path], 1e-6)
        progress.update(
            tasks[event.path],
            completed=event.bytes_done,
            rows=event.rows,
            rate=event.rows / elapsed,
        )

    with progress:
        yield update


def print_load_report(console: Console, report: LoadReport) -> None:
    """The summary table: rows read / loaded / rejected per file, rows loaded without an
    invalid optional field (warned), and where the rejects files went."""
    from rich.table import Table

    table = Table(title="Load summary", show_lines=False)
    for name, justify in (
        ("file", "left"),
        ("kind", "left"),
        ("status", "left"),
        ("read", "right"),
        ("loaded", "right"),
        ("rejected", "right"),
        ("warned", "right"),
        ("rows/s", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for f in report.files:
        table.add_row(
            Path(f.path).name,
            f.kind,
            f.status,
            f"{f.rows_read:,}",
            f"{f.rows_loaded:,}",
            f"[red]{f.rows_rejected:,}[/]" if f.rows_rejected else "0",
            f"[yellow]{f.rows_warned:,}[/]" if f.rows_warned else "0",
            f"{f.rows_per_second:,.0f}" if f.status != "skipped" else "-",
        )
    table.add_row(
        "total",
        "",
        "",
        f"{report.rows_read:,}",
        f"{report.rows_loaded:,}",
        f"{report.rows_rejected:,}",
        f"{report.rows_warned:,}",
        "",
        end_section=True,
    )
    console.print(table)
    for f in report.files:
        if f.rejects_path:
            console.print(
                f"rejected rows and dropped fields of {Path(f.path).name}: {f.rejects_path}"
            )
    for path in report.ignored:
        console.print(f"[yellow]ignored[/] {path}: its name names no input kind")
