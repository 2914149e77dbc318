"""Charts for reports, drawn with matplotlib and returned as inline SVG (no files, no CDN).

Examples
--------
>>> svg = histogram_svg([0, 1, 1, 2, 8], title="Referral reach", xlabel="persons reached")
>>> svg.startswith("<svg") and "Referral reach" in svg
True
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
from matplotlib.figure import Figure

__all__ = [
    "attribution_svg",
    "communities_svg",
    "histogram_svg",
    "journeys_svg",
    "movement_svg",
    "score_parts_svg",
    "tree_svg",
]

PALETTE = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0ea5e9", "#64748b"]
plt.rcParams.update(
    {
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "custgraph",  # stable ids: the same data gives the same SVG
        "svg.fonttype": "none",
    }
)


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def score_parts_svg(
    persons: Sequence[str], parts: dict[str, Sequence[float]], *, title: str
) -> str:
    """Horizontal stacked bars: each person's score split into its weighted parts."""
    fig, ax = plt.subplots(figsize=(8, 0.28 * len(persons) + 1.2))
    left = np.zeros(len(persons))
    y = np.arange(len(persons))[::-1]
    for colour, (name, values) in zip(PALETTE, parts.items(), strict=False):
        ax.barh(y, values, left=left, color=colour, label=name.replace("_", " "))
        left += np.asarray(values, dtype=float)
    ax.set_yticks(y, persons)
    ax.set_xlabel("share of the combined score")
    ax.set_title(title, loc="left", fontweight="bold")
    ax.legend(ncols=min(len(parts), 4), loc="lower right", frameon=False, fontsize=8)
    return _svg(fig)


def movement_svg(labels: Sequence[str], changes: Sequence[int], *, title: str) -> str:
    """Bars of rank change (positive: climbed)."""
    fig, ax = plt.subplots(figsize=(8, 0.28 * max(len(labels), 1) + 1.2))
    y = np.arange(len(labels))[::-1]
    colours = [PALETTE[2] if c > 0 else PALETTE[3] for c in changes]
    ax.barh(y, changes, color=colours)
    ax.axvline(0, color="#334155", linewidth=0.8)
    ax.set_yticks(y, labels)
    ax.set_xlabel("places gained (+) or lost (-) since the previous report")
    ax.set_title(title, loc="left", fontweight="bold")
    return _svg(fig)


def histogram_svg(values: Sequence[float], *, title: str, xlabel: str) -> str:
    """A histogram on a logarithmic count axis (reach is heavy-tailed)."""
    fig, ax = plt.subplots(figsize=(8, 3))
    data = np.asarray(values, dtype=float)
    bins = np.unique(np.round(np.geomspace(1, max(data.max(), 1) + 1, 30))) - 1
    ax.hist(data, bins=np.r_[bins, bins[-1] + 1], color=PALETTE[0], edgecolor="white")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("persons (log scale)")
    ax.set_title(title, loc="left", fontweight="bold")
    return _svg(fig)


def communities_svg(
    names: Sequence[str],
    sizes: Sequence[float],
    revenue: Sequence[float],
    churn: Sequence[float],
    *,
    title: str,
) -> str:
    """Communities as bubbles: size against revenue, coloured by churn rate; top ones named."""
    fig, ax = plt.subplots(figsize=(8, 4))
    points = ax.scatter(
        sizes,
        revenue,
        s=30 + 4 * np.sqrt(np.asarray(sizes, dtype=float)),
        c=churn,
        cmap="RdYlGn_r",
        vmin=0,
        vmax=1,
        alpha=0.8,
        edgecolors="#334155",
        linewidths=0.4,
    )
    for name, x, y in list(zip(names, sizes, revenue, strict=True))[:10]:
        ax.annotate(name, (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("persons")
    ax.set_ylabel("revenue")
    ax.set_title(title, loc="left", fontweight="bold")
    fig.colorbar(points, ax=ax, label="churn rate")
    return _svg(fig)


def tree_svg(edges: Sequence[tuple[str, str]], root: str, *, title: str) -> str:
    """A referral tree from its root, level by level (left to right)."""
    graph = nx.DiGraph()
    graph.add_node(root)
    graph.add_edges_from(edges)
    level = nx.single_source_shortest_path_length(graph, root)
    nx.set_node_attributes(graph, level, "level")
    width = max(len(graph), 2)
    fig, ax = plt.subplots(figsize=(8, min(0.22 * width + 1.5, 9)))
    pos = nx.multipartite_layout(graph, subset_key="level")
    colours = [PALETTE[1] if n == root else PALETTE[0] for n in graph]
    nx.draw_networkx_edges(graph, pos, ax=ax, arrows=True, arrowsize=8, edge_color="#94a3b8")
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=60, node_color=colours)
    labels = {n: n for n in graph if level.get(n, 9) <= 1}
    nx.draw_networkx_labels(graph, pos, labels=labels, ax=ax, font_size=7)
    ax.set_title(title, loc="left", fontweight="bold")
    ax.axis("off")
    return _svg(fig)


def attribution_svg(
    channels: Sequence[str], shares: dict[str, Sequence[float]], *, title: str
) -> str:
    """Grouped horizontal bars: each channel's share of conversions under each model."""
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(channels) * max(len(shares), 1) / 3 + 1.4))
    y = np.arange(len(channels))[::-1].astype(float)
    height = 0.8 / max(len(shares), 1)
    colours = PALETTE * 2
    for i, (model, values) in enumerate(shares.items()):
        ax.barh(
            y + 0.4 - (i + 0.5) * height,
            values,
            height=height,
            color=colours[i],
            label=model.replace("_", " "),
        )
    ax.set_yticks(y, channels)
    ax.set_xlabel("share of the conversions")
    ax.set_title(title, loc="left", fontweight="bold")
    ax.legend(ncols=4, loc="lower right", frameon=False, fontsize=7)
    return _svg(fig)


def journeys_svg(paths: Sequence[tuple[Sequence[str], int, int]], *, title: str) -> str:
    """The top paths as an alluvial (Sankey) diagram: step 1, 2, 3 … then converted or not;
    band widths are journeys. ``paths``: (channels, journeys, conversions)."""
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path as MplPath

    depth = max((len(p) for p, _, _ in paths), default=0) + 1
    # the flow of each path through its columns; the outcome is the last column
    columns: list[dict[str, float]] = [{} for _ in range(depth)]
    links: dict[tuple[int, str, str], float] = {}
    for channels, n, conv in paths:
        for outcome, weight in (("converted", conv), ("did not convert", n - conv)):
            if not weight:
                continue
            steps = [*channels, outcome]
            for i, node in enumerate(steps):
                col = i if i < len(channels) else depth - 1
                columns[col][node] = columns[col].get(node, 0.0) + weight
                if i:
                    prev = i - 1
                    key = (prev, steps[prev], node if col == i else f"@{node}")
                    links[key] = links.get(key, 0.0) + weight
    total = max((sum(c.values()) for c in columns), default=1.0) or 1.0
    gap = 0.02
    spots: list[dict[str, list[float]]] = []
    for c in columns:
        y, place = 1.0, {}
        for node, w in sorted(c.items(), key=lambda kv: -kv[1]):
            h = w / total * 0.9
            place[node] = [y - h, y, y - h, y - h]  # bottom, top, out cursor, in cursor
            y -= h + gap
        spots.append(place)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    names = sorted({n for c in columns for n in c})
    colour = {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(names)}
    colour.update({"converted": "#10b981", "did not convert": "#cbd5e1"})
    width = 0.08
    for (col, a, to), w in sorted(links.items(), key=lambda kv: -kv[1]):
        target_col = depth - 1 if to.startswith("@") else col + 1
        b = to.removeprefix("@")
        h = w / total * 0.9
        src, dst = spots[col][a], spots[target_col][b]
        x0, x1 = col + width, target_col - 0.0
        y0, y1 = src[2], dst[3]
        src[2] += h
        dst[3] += h
        verts = [
            (x0, y0),
            ((x0 + x1) / 2, y0),
            ((x0 + x1) / 2, y1),
            (x1, y1),
            (x1, y1 + h),
            ((x0 + x1) / 2, y1 + h),
            ((x0 + x1) / 2, y0 + h),
            (x0, y0 + h),
            (x0, y0),
        ]
        codes = [MplPath.MOVETO, *[MplPath.CURVE4] * 3, MplPath.LINETO]
        codes += [*[MplPath.CURVE4] * 3, MplPath.CLOSEPOLY]
        ax.add_patch(PathPatch(MplPath(verts, codes), color=colour[a], alpha=0.35, lw=0))
    for col, place in enumerate(spots):
        for node, (bottom, top, _, _) in place.items():
            ax.add_patch(Rectangle((col, bottom), width, top - bottom, color=colour[node], lw=0))
            if top - bottom > 0.02:
                ax.text(col + width + 0.02, (bottom + top) / 2, node, va="center", fontsize=7)
    ax.set_xlim(-0.1, depth - 0.4)
    ax.set_ylim(min((p[0] for c in spots for p in c.values()), default=0) - 0.02, 1.02)
    ax.set_xticks(
        range(depth), [*(f"step {i + 1}" for i in range(depth - 1)), "outcome"], fontsize=8
    )
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_title(title, loc="left", fontweight="bold")
    return _svg(fig)
