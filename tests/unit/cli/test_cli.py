"""The command surface: help with examples, documented in README, exit codes, real runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

ROOT = Path(__file__).resolve().parents[3]
runner = CliRunner()
COMMANDS = sorted(c.name or "" for c in app.registered_commands)


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"custgraph {command}" in readme, command


def test_help_lists_the_commands_that_exist() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("demo", "generate", "load", "status"):
        assert command in result.stdout


def test_errors_print_error_and_exit_1_without_a_traceback(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "x.db"), "load", str(tmp_path / "missing.csv"))
    assert result.returncode == 1
    assert "Error:" in result.stderr
    assert "no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["generate", "out", "--customers", "-5"], "Invalid value for '--customers'"),
        (["serve", "--port", "99999"], "Invalid value for '--port'"),
        (["analyze", "profiles", "--as-of", "2024-13-45"], "Invalid value for '--as-of'"),
        (["analyze", "identity", "--threshold", "2"], "Invalid value for '--threshold'"),
    ],
)
def test_bad_option_values_are_usage_errors_without_a_traceback(
    tmp_path: Path, args: list[str], said: str
) -> None:
    _refused(tmp_path, args, said, code=2)


def _refused(tmp_path: Path, args: list[str], said: str, *, code: int) -> None:
    """The command exits with ``code`` and says ``said``, with no traceback."""
    result = run("--db", str(tmp_path / "x.db"), *args, cwd=tmp_path)
    assert result.returncode == code
    assert said in result.stderr
    assert "Traceback" not in result.stderr


def test_rich_markup_in_a_record_id_is_printed_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "customers.csv").write_text(
        "source,source_customer_id\nweb,[red]x[/red]\n", encoding="utf-8"
    )
    db = str(tmp_path / "x.db")
    assert run("--db", db, "load", str(tmp_path / "customers.csv"), cwd=tmp_path).returncode == 0
    result = run("--db", db, "erase", "web:[red]x[/red]", "--yes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "web:[red]x[/red]" in result.stdout


def test_cpm_without_a_resolution_is_refused_before_any_job_runs(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "x.db"), "analyze", "all", "--objective", "CPM")
    assert result.returncode == 1
    assert "CPM objective needs a resolution" in result.stderr
    assert "--resolution" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.db").exists()  # refused before the store was opened


def test_unknown_file_kind_names_the_fix(tmp_path: Path) -> None:
    (tmp_path / "stuff.csv").write_text("a,b\n1,2\n")
    result = run("--db", str(tmp_path / "x.db"), "load", str(tmp_path / "stuff.csv"))
    assert result.returncode == 1
    assert "name it after its kind" in result.stderr
    assert "--kind" in result.stderr


def test_demo_loads_customers_and_status_reports_them(tmp_path: Path) -> None:
    result = run("demo", "--customers", "300", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "demo finished" in result.stdout
    assert (tmp_path / "custgraph.db").exists()
    status = run("status", "--json", cwd=tmp_path)
    assert status.returncode == 0
    snapshot = json.loads(status.stdout)
    assert snapshot["labels"]["Customer"] == 300
    assert snapshot["store"].startswith("sqlite:")
    assert {load["kind"] for load in snapshot["loads"]} == {
        "channels",
        "customers",
        "touchpoints",
        "purchases",
        "referrals",
        "social_links",
    }
    assert snapshot["labels"]["Segment"] >= 2
    exported = run("export", "profiles", "p.csv", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    header = (tmp_path / "p.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:4] == ["person_id", "recency_days", "frequency", "monetary"]
    person = (tmp_path / "p.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    shown = run("profile", person, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["personId"] == person
    early = run("analyze", "profiles", "--as-of", "2001-01-01", cwd=tmp_path)
    assert early.returncode == 1
    assert "no purchases up to the as-of date" in early.stderr


def test_generate_writes_files_and_truth(tmp_path: Path) -> None:
    result = run("generate", str(tmp_path / "d"), "--customers", "200", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "d" / "customers.csv").exists()
    assert (tmp_path / "d" / "truth" / "records.csv").exists()


#: a Spark identity run from the folder d to the folder o
SPARK_IDENTITY = ["analyze", "identity", "--engine", "spark", "--input", "d", "--out", "o"]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["analyze", "all", "--engine", "spark"], "pass --input PATH"),
        (["analyze", "all", "--engine", "flink"], "unknown engine 'flink'"),
        (["analyze", "all", "--input", "data"], "go with --engine spark"),
        (["analyze", "identity", "--previous", "results"], "the store keeps the person ids"),
        ([*SPARK_IDENTITY, "--previous", "./o"], "is the --out folder"),
        ([*SPARK_IDENTITY, "--previous", "nothing-here"], "nothing-here: no identities/ in it"),
        (
            [*SPARK_IDENTITY, "--overrides", "no-such-overrides.csv"],
            "cannot read overrides no-such-overrides.csv",
        ),
        (
            ["analyze", "all", "--engine", "spark", "--input", "d", "--out", "o",
             "--spark-conf", "nokey"],
            "write KEY=VALUE",
        ),
        (["analyze", "all", "--neo4j-import"], "go with --engine spark"),
        (["load"], "give the files to load"),
        (["load", "d", "--import-dir", "o/neo4j"], "give it alone"),
        (["load", "--import-dir", "o/neo4j"], "o/neo4j holds no import files"),
    ],
)  # fmt: skip
def test_the_spark_engine_says_what_it_needs_before_starting_spark(
    tmp_path: Path, args: list[str], said: str
) -> None:
    _refused(tmp_path, args, said, code=1)


def test_a_bulk_load_into_the_embedded_store_is_refused_with_the_next_step(
    tmp_path: Path,
) -> None:
    data = tmp_path / "channels.csv"
    data.write_text("channel_id,kind\nweb,web\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTGRAPH_NEO4J")}
    result = subprocess.run(
        [sys.executable, "-m", "cli", "--db", str(tmp_path / "x.db"), "load", str(data), "--bulk"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1
    assert "--bulk loads into Neo4j" in result.stderr
    assert "CUSTGRAPH_NEO4J_URI" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "custgraph-bulk").exists()  # nothing staged
