"""The Neo4j Browser kit: a guide that walks an analyst through the graph with the analyst
queries ready to run, and a style file that colours and captions the labels.

The guide is built from ``queries/cypher/analyst/`` so it never drifts from the queries.
``custgraph serve`` serves both (``/browser/guide`` and ``/browser/style.grass``); in Neo4j
Browser run ``:play http://localhost:8000/browser/guide``.

Examples
--------
>>> html = guide_html()
>>> html.count("code runnable") >= 15
True
>>> style_grass().startswith("node {")
True
"""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path

from graph.analyst import analyst_queries, defaults, parameters
from queries import load_query

__all__ = ["guide_html", "style_grass", "write_kit"]

# Example values for the guide's `:param` lines of required parameters (the analyst fills in
# real ids); optional parameters show the defaults their query files give them.
_EXAMPLES = {
    "person": '"P…"',
    "from": '"P…"',
    "to": '"P…"',
    "community": '"C1"',
    "tag": '"vip"',
}

_INTRO = [
    (
        "The custgraph graph",
        "<p>Every source record is a <b>Customer</b> node; records that are one person "
        "<b>RESOLVES_TO</b> the same <b>Person</b>. Persons carry the combined profile (RFM, "
        "lifetime value, churn risk, segment, tags) and are linked by person-level "
        "<b>REFERRED</b>, <b>FOLLOWS</b>, <b>FRIENDS_WITH</b> and <b>INTERACTS_WITH</b> edges. "
        "Communities are <b>Community</b> nodes with <b>IN_COMMUNITY</b> edges.</p>"
        "<p>Apply the style: drag <code>custgraph.grass</code> (from "
        "<code>http://localhost:8000/browser/style.grass</code>) onto the Browser's style "
        "panel.</p>",
        "CALL db.schema.visualization()",
    ),
    (
        "What is in the store",
        "<p>Counts per label: customers, persons, orders, communities.</p>",
        "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS nodes ORDER BY nodes DESC",
    ),
]


def _slide(title: str, body: str, code: str) -> str:
    return (
        '<slide class="row-fluid"><div class="col-sm-12">'
        f"<h3>{html.escape(title)}</h3>{body}"
        f'<pre mode="cypher" class="pre-scrollable code runnable">{html.escape(code)}</pre>'
        "</div></slide>"
    )


def guide_html() -> str:
    """The Browser guide: an introduction, then one slide per analyst query."""
    slides = [_slide(t, b, c) for t, b, c in _INTRO]
    for name, purpose in sorted(analyst_queries().items()):
        query = load_query("cypher", f"analyst/{name}")
        params = parameters(name)
        optional = defaults(name)
        body = f"<p>{html.escape(purpose)}</p>"
        needed = [p for p in params if p not in optional]
        if params:
            lines = "\n".join(
                f":param {p} => {json.dumps(optional[p]) if p in optional else _EXAMPLES[p]};"
                for p in params
            )
            told = (
                "replace the example "
                + ", ".join(f"<code>{html.escape(p)}</code>" for p in needed)
                + "; the others are the query's defaults"
                if needed
                else "these are the query's defaults"
            )
            body += (
                f"<p>Set the parameters first ({told}):</p>"
                f'<pre mode="cypher" class="pre-scrollable code runnable">{html.escape(lines)}'
                "</pre>"
            )
        code = "\n".join(
            line for line in query.text.splitlines() if not line.lstrip().startswith("//")
        )
        body += f"<p>From the command line: <code>custgraph query {name}</code></p>"
        slides.append(_slide(name.replace("_", " ").capitalize(), body, code))
    return (
        '<article class="guide" ng-controller="AppCtrl">'
        '<carousel class="deck container-fluid">' + "".join(slides) + "</carousel></article>"
    )


def style_grass() -> str:
    """The Browser style file (GraSS)."""
    return resources.files("graph.browser").joinpath("custgraph.grass").read_text("utf-8")


def write_kit(folder: Path) -> Path:
    """Write ``guide.html`` and ``custgraph.grass`` into ``folder``; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "guide.html").write_text(guide_html(), encoding="utf-8")
    (folder / "custgraph.grass").write_text(style_grass(), encoding="utf-8")
    return folder
