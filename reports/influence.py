"""The periodic influence-ranking report: one pure function that builds it from store frames,
and one runner that reads the store, writes ``index.html``, ``ranking.csv``,
``ranking.json``, ``metadata.json`` and the Browser kit (``browser/``), and keeps the
history that movement compares with.

The report names persons by id only (no PII), so it can go to marketing as it is, and an
erased person simply drops out of the next one.

Examples
--------
>>> import tempfile, pathlib
>>> from graph.store import SqliteStore
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "x.db"); store.ensure_schema()
>>> write_report(store, ReportParams(), pathlib.Path(tempfile.mkdtemp()))
Traceback (most recent call last):
...
graph.errors.JobError: nobody is ranked yet; run `custgraph analyze influence` first
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graph.browser import write_kit
from graph.errors import JobError
from graph.export import csv_safe
from graph.influence.algorithms import InfluenceParams
from graph.journeys.attribution import MODELS
from graph.runs import utc_now
from graph.store.base import Read, Store
from reports import charts

__all__ = ["JourneyFrames", "Report", "ReportParams", "build_report", "write_report"]

RANKING_COLUMNS = [
    "rank",
    "person_id",
    "score",
    "pagerank",
    "referral_reach",
    "referral_depth",
    "referred_revenue",
    "coreness",
    "in_degree",
    "community_id",
]


@dataclass(frozen=True, slots=True)
class ReportParams:
    """What the report shows: the top N (optionally within one community) and who is left
    out of the marketing lists."""

    top: int = 25
    community: str | None = None
    exclude_self_referrals: bool = True
    exclude_without_consent: bool = True
    trees: int = 3


@dataclass(slots=True)
class Report:
    """The built report: the marketing ranking, the HTML, and the metadata."""

    ranking: pd.DataFrame
    html: str
    metadata: dict[str, Any] = field(default_factory=dict)


def _score_parts(ranked: pd.DataFrame, weights: dict[str, float]) -> dict[str, np.ndarray]:
    """Each part's weighted percentile rank, as the influence job combined them."""
    total = max(sum(weights.values()), 1e-12)
    parts = {}
    for name, weight in weights.items():
        column = ranked[name].astype(float) if name in ranked else pd.Series(0.0, ranked.index)
        parts[name] = (column.rank(pct=True, method="average") * weight / total).to_numpy()
    return parts


def _movement(top: pd.DataFrame, previous: pd.DataFrame | None, n: int) -> dict[str, Any]:
    if previous is None or previous.empty:
        return {"previous": False, "climbers": [], "fallers": [], "entrants": [], "exits": []}
    before = dict(zip(previous["person_id"], previous["rank"], strict=True))
    now = dict(zip(top["person_id"], top["rank"], strict=True))
    moved = [(p, int(before[p]) - int(r)) for p, r in now.items() if p in before]
    climbers = sorted((m for m in moved if m[1] > 0), key=lambda m: (-m[1], m[0]))[:10]
    fallers = sorted((m for m in moved if m[1] < 0), key=lambda m: (m[1], m[0]))[:10]
    previous_top = set(previous.sort_values("rank")["person_id"].head(n))
    entrants = [p for p in top["person_id"] if p not in previous_top]
    exits = sorted(previous_top - set(top["person_id"]))
    return {
        "previous": True,
        "climbers": climbers,
        "fallers": fallers,
        "entrants": entrants,
        "exits": exits,
    }


def _trees(edges: pd.DataFrame, roots: list[str], depth: int = 3, cap: int = 60) -> dict[str, Any]:
    referrals = edges[edges["kind"] == "REFERRED"] if not edges.empty else edges
    children: dict[str, list[str]] = {}
    for src, dst in sorted(zip(referrals.get("src", []), referrals.get("dst", []), strict=True)):
        children.setdefault(src, []).append(dst)
    trees = {}
    for root in roots:
        seen, frontier, tree_edges = {root}, [root], []
        for _ in range(depth):
            nxt = []
            for node in frontier:
                for child in children.get(node, []):
                    if child not in seen and len(seen) < cap:
                        seen.add(child)
                        tree_edges.append((node, child))
                        nxt.append(child)
            frontier = nxt
        trees[root] = tree_edges
    return trees


@dataclass(slots=True)
class JourneyFrames:
    """The journeys job's results for the report, and the previous report's attribution."""

    paths: pd.DataFrame
    attribution: pd.DataFrame
    transitions: pd.DataFrame
    previous: pd.DataFrame | None = None


def _journeys_section(j: JourneyFrames | None) -> dict[str, Any] | None:
    """Figures and tables of the journeys section (None: no journeys run yet)."""
    if j is None or j.paths.empty:
        return None
    top = j.paths.head(12)
    flows = [
        (str(p).split(" > "), int(n), int(c))
        for p, n, c in zip(top["path"], top["journeys"], top["conversions"], strict=True)
    ]
    credits = j.attribution
    shares = credits.pivot_table(index="channel_id", columns="model", values="share").fillna(0)
    order = shares.get("shapley", shares.iloc[:, 0]).sort_values(ascending=False).index[:8]
    models = [m for m in MODELS if m in shares.columns]
    moves: list[dict[str, Any]] = []
    if j.previous is not None and not j.previous.empty:
        before = j.previous.pivot_table(index="channel_id", columns="model", values="share")
        for channel in order:
            row: dict[str, Any] = {"channel": channel}
            now = shares.reindex(index=[channel], columns=list(MODELS)).fillna(0.0)
            then = before.reindex(index=[channel], columns=list(MODELS)).fillna(0.0)
            for model in ("last_touch", "markov", "shapley"):
                row[model] = float(now[model].iloc[0]) - float(then[model].iloc[0])
            moves.append(row)
    into = j.transitions[j.transitions["to"] == "(conversion)"]
    return {
        "journeys": int(j.paths["journeys"].sum()),
        "conversions": int(j.paths["conversions"].sum()),
        "paths": top.to_dict("records"),
        "sankey": charts.journeys_svg(flows, title=f"The {len(top)} most common paths"),
        "bars": charts.attribution_svg(
            list(order),
            {m: shares.loc[order, m].tolist() for m in models},
            title="Credit per channel, by attribution model",
        ),
        "moves": moves,
        "closers": into.sort_values("probability", ascending=False).head(8).to_dict("records"),
    }


def build_report(
    ranking: pd.DataFrame,
    communities: pd.DataFrame,
    referrals: Callable[[list[str]], pd.DataFrame],
    *,
    params: ReportParams,
    weights: dict[str, float],
    previous: pd.DataFrame | None,
    metadata: dict[str, Any],
    journeys: JourneyFrames | None = None,
) -> Report:
    """The report from store frames (pure): the marketing list, charts and HTML (with a
    journeys section when ``journeys`` holds a journeys run's results). ``referrals(roots)``
    gives the person-level referral edges (``src``, ``dst``, ``kind``) within three hops of
    the persons whose trees are drawn."""
    from jinja2 import Environment, select_autoescape

    ranked = ranking.sort_values("rank", kind="stable").reset_index(drop=True)
    parts = _score_parts(ranked, weights)
    eligible = pd.Series(True, index=ranked.index)
    left_out = {"self_referral": 0, "no_consent": 0}
    if params.exclude_self_referrals:
        flagged = ranked["self_referral"].astype(bool)
        left_out["self_referral"] = int(flagged.sum())
        eligible &= ~flagged
    if params.exclude_without_consent:
        consenting = (ranked["consent_yes"] > 0) & (ranked["consent_no"] == 0)
        left_out["no_consent"] = int((~consenting & eligible).sum())
        eligible &= consenting
    if params.community:
        eligible &= ranked["community_id"] == params.community
    marketing = ranked[eligible].copy()
    top = marketing.head(params.top)
    top_parts = {name: values[top.index.to_numpy()] for name, values in parts.items()}
    movement = _movement(top, previous, params.top)
    roots = list(top["person_id"].head(params.trees))
    trees = _trees(referrals(roots) if roots else pd.DataFrame(), roots)

    figures = {
        "parts": charts.score_parts_svg(
            list(top["person_id"]), top_parts, title=f"Top {len(top)}: what their score is made of"
        )
        if len(top)
        else "",
        "reach": charts.histogram_svg(
            ranked["referral_reach"].astype(float).tolist(),
            title="How far referrals reach (all ranked persons)",
            xlabel="persons reached through referrals (descendants in the referral tree)",
        ),
        "communities": charts.communities_svg(
            list(communities["community_id"]),
            communities["size"].astype(float).tolist(),
            communities["revenue"].astype(float).tolist(),
            communities["churn_rate"].astype(float).tolist(),
            title="Communities by size and revenue (colour: churn rate)",
        )
        if len(communities)
        else "",
        "movement": charts.movement_svg(
            [p for p, _ in movement["climbers"] + movement["fallers"]],
            [c for _, c in movement["climbers"] + movement["fallers"]],
            title="Biggest moves in the top list",
        )
        if movement["climbers"] or movement["fallers"]
        else "",
        "trees": {
            root: charts.tree_svg(edges_, root, title=f"Referral tree of {root} (3 levels)")
            for root, edges_ in trees.items()
        },
    }
    env = Environment(autoescape=select_autoescape(default=True), trim_blocks=True)
    template = env.from_string(
        resources.files("reports").joinpath("influence.html.j2").read_text("utf-8")
    )
    html = template.render(
        meta=metadata,
        params=params,
        top=top.to_dict("records"),
        left_out=left_out,
        ranked=len(ranked),
        eligible=len(marketing),
        movement=movement,
        figures=figures,
        communities=communities.head(15).to_dict("records"),
        weights=weights,
        journeys=_journeys_section(journeys),
    )
    out = marketing[RANKING_COLUMNS].reset_index(drop=True)
    metadata = {**metadata, "left_out": left_out, "ranked": len(ranked), "listed": len(out)}
    return Report(out, html, metadata)


def write_report(store: Store, params: ReportParams, out: Path) -> Report:
    """Read the store, build the report, write it to ``out`` and keep it in ``out/history``."""
    read = store.read_many(  # on Neo4j, two at a time
        {
            "ranking": Read("reports/ranking"),
            "communities": Read("reports/communities"),
            "paths": Read("journeys/paths"),
            "attribution": Read("journeys/attribution", {"model": None}),
            "transitions": Read("journeys/transitions"),
        }
    )
    ranking = read.frame("ranking")
    if ranking.empty:
        raise JobError("nobody is ranked yet; run `custgraph analyze influence` first")
    communities = read.frame("communities")
    runs = {r["job"]: r for r in store.read("status/last_runs")}
    influence_run = store.read("reports/run", runId=str(ranking["run"].iloc[0]))
    run_params = json.loads(influence_run[0]["params"]) if influence_run else {}
    weights = run_params.get("parts") or InfluenceParams().parts
    latest = store.read("profiles/latest_purchase")[0]["at"]
    metadata = {
        "generatedAt": utc_now(),
        "dataAsOf": latest,
        "influenceRun": influence_run[0]["runId"] if influence_run else None,
        "influenceParams": run_params,
        "seed": influence_run[0]["seed"] if influence_run else None,
        "runs": {
            job: {"runId": r["runId"], "finishedAt": r["finishedAt"]}
            for job, r in sorted(runs.items())
        },
        "params": asdict(params),
    }
    history = out / "history"
    previous = None
    earlier = sorted(history.glob("*-ranking.json")) if history.exists() else []
    journeys = JourneyFrames(
        read.frame("paths"), read.frame("attribution"), read.frame("transitions")
    )
    if earlier:
        kept = json.loads(earlier[-1].read_text(encoding="utf-8"))
        previous = pd.DataFrame(kept["ranking"])
        journeys.previous = pd.DataFrame(kept.get("attribution", []))
        metadata["previousReport"] = earlier[-1].name
    report = build_report(
        ranking,
        communities,
        lambda roots: store.frame("reports/referral_edges", roots=roots),
        params=params,
        weights=weights,
        previous=previous,
        metadata=metadata,
        journeys=journeys,
    )
    out.mkdir(parents=True, exist_ok=True)
    history.mkdir(exist_ok=True)
    (out / "index.html").write_text(report.html, encoding="utf-8")
    write_kit(out / "browser")
    csv_safe(report.ranking).to_csv(out / "ranking.csv", index=False)
    document = {
        "metadata": report.metadata,
        "ranking": report.ranking.to_dict("records"),
        # what the next report's journeys movement compares with
        "attribution": journeys.attribution.drop(columns=["run"], errors="ignore").to_dict(
            "records"
        ),
    }
    text = json.dumps(document, indent=1, default=_plain)
    (out / "ranking.json").write_text(text, encoding="utf-8")
    (out / "metadata.json").write_text(
        json.dumps(report.metadata, indent=2, default=_plain), encoding="utf-8"
    )
    stamp = report.metadata["generatedAt"].replace(":", "").replace("-", "")
    n = 0  # reports within one second keep their order: 000, 001, …
    while (history / f"{stamp}-{n:03d}-ranking.json").exists():
        n += 1
    (history / f"{stamp}-{n:03d}-ranking.json").write_text(text, encoding="utf-8")
    return report


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value).__name__)
