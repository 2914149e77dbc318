"""The influence report (files, determinism, movement, exclusions, no PII, rendered in
headless Chromium with its charts), the schedule's pipeline, the Browser kit, and every
analyst query on a real Neo4j with generated data."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from neo4j.graph import Path as Path_

import queries
from api import create_app
from cli.scheduling import run_pipeline, trigger
from graph.analyst import analyst_queries, parameters, required, returns, run_analyst_query
from graph.errors import InputError, StoreUnavailableError
from graph.settings import Settings
from graph.store import SqliteStore, Store
from reports import ReportParams, write_report
from synthetic import GenerateParams, generate_dataset
from tests.pipeline import analyze, custgraph, touched_persons


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("report") / "data"
    generate_dataset(data, GenerateParams(customers=1500, seed=41))
    return data


@pytest.fixture(scope="module")
def analyzed(dataset: Path) -> SqliteStore:
    store = SqliteStore(dataset.parent / "r.db")
    store.ensure_schema()
    analyze(store, dataset, dataset.parent / "rej")
    return store


def test_the_report_files_exclusions_and_no_pii(analyzed: SqliteStore, tmp_path: Path) -> None:
    report = write_report(analyzed, ReportParams(top=10), tmp_path)
    for name in (
        "index.html",
        "ranking.csv",
        "ranking.json",
        "metadata.json",
        "browser/guide.html",
        "browser/custgraph.grass",
    ):
        assert (tmp_path / name).exists(), name
    ranking = pd.read_csv(tmp_path / "ranking.csv")
    assert list(ranking.columns[:3]) == ["rank", "person_id", "score"]
    assert ranking["rank"].is_monotonic_increasing
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert meta["influenceRun"].startswith("influence-")
    assert meta["seed"] == 7
    assert meta["dataAsOf"]
    everyone = analyzed.frame("reports/ranking")
    left = meta["left_out"]
    assert left["self_referral"] == int(everyone["self_referral"].astype(bool).sum())
    assert len(ranking) == len(everyone) - left["self_referral"] - left["no_consent"]
    listed = everyone.set_index("person_id").loc[ranking["person_id"]]
    assert not listed["self_referral"].astype(bool).any()
    assert (listed["consent_no"] == 0).all()
    assert (listed["consent_yes"] > 0).all()
    html = report.html
    assert html.count("<svg") >= 4
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # opens offline
    assert "@" not in html.replace("@neo4j", "")  # no e-mail, no PII
    assert f"{left['no_consent']:,}" in html
    everyone_kept = write_report(
        analyzed,
        ReportParams(exclude_self_referrals=False, exclude_without_consent=False),
        tmp_path / "all",
    )
    assert len(everyone_kept.ranking) == len(everyone)


def test_the_same_data_gives_the_same_ranking_and_movement_compares_with_the_last(
    analyzed: SqliteStore, tmp_path: Path
) -> None:
    first = write_report(analyzed, ReportParams(top=10), tmp_path)
    second = write_report(analyzed, ReportParams(top=10), tmp_path)
    pd.testing.assert_frame_equal(first.ranking, second.ranking)
    assert "This is the first report" in first.html
    assert "This is the first report" not in second.html
    assert "Nobody new." in second.html
    assert len(list((tmp_path / "history").glob("*-ranking.json"))) == 2
    community = str(first.ranking["community_id"].iloc[0])
    scoped = write_report(analyzed, ReportParams(community=community), tmp_path / "c")
    assert set(scoped.ranking["community_id"]) == {community}


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_the_report_renders_with_its_charts_in_headless_chromium(
    analyzed: SqliteStore, tmp_path: Path
) -> None:
    from PIL import Image

    browser = _chromium()
    if browser is None:
        message = "Chromium is not installed (.ci/run installs Debian's chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    write_report(analyzed, ReportParams(top=15), tmp_path)
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1200,2400",
            f"--screenshot={shot}",
            (tmp_path / "index.html").as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 2400)
    rgb = np.asarray(image).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    blue = int(((abs(r - 0x25) < 30) & (abs(g - 0x63) < 30) & (b > 200)).sum())
    amber = int(((r > 220) & (g > 130) & (g < 180) & (b < 60)).sum())
    assert blue > 2000, blue  # the bars and histogram are drawn
    assert amber > 2000, amber  # PageRank parts in the stacked bars


def test_the_scheduled_pipeline_runs_once_and_records_it(dataset: Path, tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "s.db")
    counts = run_pipeline(settings, [dataset], tmp_path / "out", 10)
    assert counts["rows_loaded"] > 0
    assert counts["listed"] > 0
    assert (tmp_path / "out" / "index.html").exists()
    runs = {r["job"]: r for r in SqliteStore(tmp_path / "s.db").read("status/last_runs")}
    assert runs["schedule"]["status"] == "ok"
    assert trigger("*/5 * * * *") is not None
    with pytest.raises(InputError, match="not a cron expression"):
        trigger("61 * * * *")
    result = custgraph("--db", str(tmp_path / "s.db"), "schedule", "every day")
    assert result.returncode == 1
    assert "not a cron expression" in result.stderr


def test_the_browser_kit_is_served_and_lists_every_query(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(db_path=tmp_path / "k.db"))) as client:
        guide = client.get("/browser/guide")
        style = client.get("/browser/style.grass")
        preflight = client.options(
            "/browser/guide",
            headers={
                "Origin": "http://127.0.0.1:7474",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "x-requested-with, accept",
            },
        )
    assert guide.status_code == 200
    assert guide.headers["access-control-allow-origin"] == "*"
    # Neo4j Browser asks before it fetches a guide from another origin
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-headers"] == "x-requested-with, accept"
    for name in analyst_queries():
        assert f"custgraph query {name}" in guide.text
    assert "node.Person" in style.text


def test_analyst_queries_need_neo4j_and_name_their_parameters(analyzed: SqliteStore) -> None:
    with pytest.raises(StoreUnavailableError, match="CUSTGRAPH_NEO4J_URI"):
        run_analyst_query(analyzed, "rfm_segments", {})
    with pytest.raises(InputError, match="takes community, limit"):
        run_analyst_query(analyzed, "top_influencers_in_community", {"bogus": "1"})


#: The analyst queries that answer "who is connected to whom": they return paths (or nodes
#: and relationships) for the Browser's graph view, in these columns.
GRAPH_COLUMNS = {
    "person_neighborhood": "path",
    "referral_tree": "path",
    "shortest_path": "path",
    "bridges_between_communities": "bridges",
    "self_referral_rings": "rings",
    "identity_cluster": "resolves",
    "converting_journeys": "paths",
}
ANALYST_FILES = Path(queries.__file__).parent / "cypher" / "analyst"


def _browser_run(store: Store, text: str, values: dict[str, Any]) -> list[Any]:
    """Run a query file the way Neo4j Browser's multi-statement editor does: each
    ``:param name => expression;`` line is evaluated by the server (``RETURN expression``),
    then the query runs with the parameters set so far. Returns the driver's records."""
    params = dict(values)
    body = []
    for line in text.splitlines():
        if line.startswith(":param"):
            name, expression = line.removeprefix(":param").rstrip("; ").split("=>", 1)
            records, _, _ = store._driver.execute_query(f"RETURN {expression} AS v")  # type: ignore[attr-defined]
            params[name.strip()] = records[0]["v"]
        else:
            body.append(line)
    records, _, _ = store._driver.execute_query("\n".join(body), params)  # type: ignore[attr-defined]
    return list(records)


@pytest.mark.neo4j
def test_every_analyst_query_runs_on_neo4j_with_the_documented_shape(
    neo4j_store: Store, dataset: Path, tmp_path: Path
) -> None:
    analyze(neo4j_store, dataset, tmp_path / "rej")
    top = neo4j_store.read("lookup/influencers_page", after=0, limit=2, community=None)
    multi = neo4j_store.frame("identity/export")["person_id"].value_counts().index[0]
    referrer = neo4j_store._driver.execute_query(  # type: ignore[attr-defined]
        "MATCH (p:Person)-[:REFERRED]->(:Person)-[:REFERRED]->(:Person) "
        "RETURN p.personId AS id ORDER BY id LIMIT 1"
    ).records[0]["id"]
    buyer = next(  # a person whose converting journey has touchpoints
        p
        for p in touched_persons(neo4j_store)
        if neo4j_store.read("journeys/behaviour", personId=p)[0]["conversions"]
    )
    values = {
        "person": referrer,
        "from": top[0]["person_id"],
        "to": top[1]["person_id"],
        "community": top[0]["community_id"],
        "tag": "vip",
        "min_records": "3",
        "min_risk": "0.3",
    }
    empty = []
    for name in sorted(analyst_queries()):
        given = {p: str(values[p]) for p in parameters(name) if p in values}
        if name == "identity_cluster":
            given["person"] = str(multi)
        if name == "converting_journeys":
            given["person"] = buyer
        rows = run_analyst_query(neo4j_store, name, given)
        if not rows:
            empty.append(name)
            continue
        assert list(rows[0]) == returns(name), name
        if name in GRAPH_COLUMNS:  # printed as text that names nodes by their keys
            shown = json.dumps([r[GRAPH_COLUMNS[name]] for r in rows])
            assert "(:Person P" in shown, (name, shown[:200])
    assert len(empty) <= 2, empty
    assert not set(empty) & set(GRAPH_COLUMNS), empty

    # every file runs as it is, given only its required parameters; the graph queries
    # return paths that the Browser draws
    for name in sorted(analyst_queries()):
        text = (ANALYST_FILES / f"{name}.cypher").read_text(encoding="utf-8")
        header = "\n".join(line for line in text.splitlines() if line.startswith("//"))
        for param, default in re.findall(r"\$([a-z_]+) \([^)]*default ([0-9.]+)\)", header):
            assert f":param {param} => {default};" in text, (name, param)  # header is true
        need = {p: values[p] for p in required(name)}
        if name == "identity_cluster":
            need["person"] = str(multi)
        if name == "converting_journeys":
            need["person"] = buyer
        records = _browser_run(neo4j_store, text, need)
        if name in GRAPH_COLUMNS:
            assert records, name
            found = records[0][GRAPH_COLUMNS[name]]
            found = found[0] if isinstance(found, list) else found
            assert isinstance(found, Path_), (name, type(found))
    with pytest.raises(InputError, match="needs person"):
        run_analyst_query(neo4j_store, "person_neighborhood", {})

    result = custgraph("query", "--list")
    assert result.returncode == 0
    assert "top_influencers_in_community" in result.stdout


def test_the_report_reads_only_the_referrals_its_trees_need(
    store: Store, dataset: Path, tmp_path: Path
) -> None:
    """The trees drawn from the bounded read equal the trees drawn from every link."""
    from reports.influence import _trees

    analyze(store, dataset, tmp_path / "rej", profiles=False)
    every = store.frame("support/person_edges")
    referrals = every[every["kind"] == "REFERRED"]
    children = referrals.groupby("src")["dst"].apply(set)
    # roots whose trees go deeper than one level, and one person picked regardless
    deep = [p for p, kids in children.items() if any(k in children for k in kids)]
    assert len(deep) >= 3, "the dataset plants no referral chains"
    roots = [*sorted(deep)[:3], str(every["dst"].iloc[0])]
    bounded = store.frame("reports/referral_edges", roots=roots)
    assert 0 < len(bounded) < len(every)
    assert _trees(bounded, roots) == _trees(every, roots)
    assert any(len(edges) > len(children.get(r, ())) for r, edges in _trees(every, roots).items())
