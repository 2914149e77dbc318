"""Identity resolution in Spark: the in-process model, step by step, on DataFrames.

1. Features and blocking keys per record: ``record_features`` and ``raw_keys`` run on each
   partition (``mapInPandas``), so every key is the in-process key.
2. Blocking: the keys exploded to ``(rule, key, record)`` rows, block sizes counted, blocks
   above ``max_block`` left out, identifier values shared by more than
   ``max_identifier_share`` records treated as missing (and reported), then a self-join
   within the blocks: the candidate pairs.
3. Comparison: each pair joined with both records' features, then ``compare`` on each
   batch of pairs: the levels are the in-process levels by construction (one function).
4. Model: the distinct comparison vectors counted in Spark and brought to the driver (a few
   thousand rows whatever the input), the random pairs for ``u`` drawn as in process, and
   the existing EM (``fit_model(..., counts=)``).
5. Scoring (``match_probability``) and the personal-evidence rule on each batch.
6. Connected components of the accepted pairs by min-label propagation (the "hash-min"
   algorithm: rounds grow with a component's diameter, a handful for persons), then per
   component the existing guards (``cluster``: weak bridges cut) as a grouped pandas
   function, and the stable ids of ``person_id_for`` (SQL ``sha1``, as in process).

Reviewers' decisions (``overrides``: the rows of ``read_overrides``) apply as in process:
a must-link pair joins the candidate pairs (and so the comparison vectors the model is fitted
on), scores 1 and is accepted whatever its evidence; the cannot-link pairs of a component
go with it to the guards.

Stable ids: with an earlier run's results (``previous``: :func:`spark.ids.read_previous`)
the clusters keep, merge, split and retire the earlier ids by the in-process rules
(:mod:`spark.ids`); without, every cluster gets a new id as a first run does in process.

Stated limits: a run from files is a full run (no incremental runs: only the components
new records touch would need the store's key index); term-frequency adjustments are not
offered here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from graph.errors import InputError, JobError
from graph.identity.features import IDENTIFIER_FIELDS, RecordFeatures
from graph.identity.keys import KEY_LAYOUT
from graph.identity.resolve import IdentityParams, _random_pairs, personal_evidence
from graph.identity.scoring import (
    LEVEL_NAMES,
    FSModel,
    compare,
    evidence_texts,
    fit_model,
    match_probability,
)
from spark.ids import Previous, issued_ids, stable_ids
from spark.session import Held, row_index

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["RECORD_COLUMNS", "SparkIdentity", "customer_records", "resolve"]

#: The customer fields identity reads (the ``identity/records`` query's columns).
RECORD_COLUMNS = (
    "uid",
    "firstName",
    "lastName",
    "fullName",
    "email",
    "phone",
    "birthDate",
    "street",
    "city",
    "postcode",
    "country",
    "nationalId",
    "loyaltyId",
    "deviceId",
)
FEATURES = tuple(RecordFeatures.__dataclass_fields__)
_LEVELS = tuple(LEVEL_NAMES)


@dataclass(slots=True)
class SparkIdentity:
    """What a Spark resolution gives: per record its person and confidence (``records``:
    idx, uid, source, source_customer_id, person_id, confidence), the kept matches (src, dst,
    score, rule, evidence), the
    comparison vectors with their counts (the EM input), the model, the run's lineage
    events and every person id ever issued (``spark.ids.issued_ids``), and the counts."""

    records: DataFrame
    matches: DataFrame
    patterns: pd.DataFrame
    model: FSModel
    lineage: DataFrame
    person_ids: DataFrame
    #: each record's hashed blocking keys (``uid``, ``keys``: binary, as ``RESOLVES_TO.keys``
    #: holds them; None unless asked for): an incremental run in a database looks records
    #: up by them
    keys: DataFrame | None
    counts: dict[str, int] = field(default_factory=dict)
    pairs_by_rule: dict[str, int] = field(default_factory=dict)


def customer_records(rows: DataFrame) -> DataFrame:
    """One row per customer record (the last row of the last file that has it, as an
    upsert keeps it), with the fields identity reads and the record's source keys."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    fields = ", ".join(f"`{c}` string" for c in (*RECORD_COLUMNS, "source", "sourceCustomerId"))
    parsed = rows.select("ord", "line", F.from_json("row", fields).alias("r")).select(
        "ord", "line", "r.*"
    )
    latest = Window.partitionBy("uid").orderBy(F.desc("ord"), F.desc("line"))
    return (
        parsed.withColumn("_k", F.row_number().over(latest))
        .filter(F.col("_k") == 1)
        .drop("_k", "ord", "line")
    )


def _features(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Per partition: each record's comparison features and raw blocking keys."""
    import pandas as pd

    from graph.identity.features import record_features
    from graph.identity.keys import raw_keys

    for frame in batches:
        f = record_features(frame.reset_index(drop=True))
        raw = raw_keys(f)
        out = {"idx": frame["idx"].to_numpy()}
        out.update({name: getattr(f, name) for name in FEATURES})
        out.update({f"k{k}": raw[name] for k, name in enumerate(KEY_LAYOUT)})
        yield pd.DataFrame(out)


_FEATURE_SCHEMA = ", ".join(
    [
        "idx long",
        *(f"{n} string" for n in FEATURES),
        *(f"k{k} string" for k in range(len(KEY_LAYOUT))),
    ]
)
_LEVEL_SCHEMA = "i long, j long, " + ", ".join(f"{n} tinyint" for n in _LEVELS)


def _comparer(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Per batch of joined pairs (``l_*`` and ``r_*`` features): the in-process levels."""
    import pandas as pd

    for frame in batches:
        k = len(frame)
        f = RecordFeatures(
            **{
                name: np.concatenate(
                    [
                        frame[f"l_{name}"].to_numpy(dtype=object),
                        frame[f"r_{name}"].to_numpy(dtype=object),
                    ]
                )
                for name in FEATURES
            }
        )
        pairs = np.stack([np.arange(k), np.arange(k, 2 * k)], axis=1)
        levels = compare(f, pairs) if k else {n: np.zeros(0, np.int8) for n in _LEVELS}
        out = {"i": frame["i"].to_numpy(), "j": frame["j"].to_numpy()}
        out.update({n: levels[n].astype(np.int8) for n in _LEVELS})
        yield pd.DataFrame(out)


def _scorer(model: FSModel) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for frame in batches:
            levels = {n: frame[n].to_numpy(dtype=np.int64) for n in _LEVELS}
            probs = match_probability(model, levels) if len(frame) else np.zeros(0)
            yield frame.assign(prob=probs, personal=personal_evidence(levels))

    return run


def _explainer(model: FSModel) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """Per batch of kept pairs with their levels: the in-process evidence text
    (``evidence_texts``, what ``MATCHES.evidence`` holds), the levels dropped."""

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for frame in batches:
            levels = {n: frame[n].to_numpy(dtype=np.int64) for n in _LEVELS}
            texts = evidence_texts(model, levels) if len(frame) else []
            yield frame[["src", "dst", "score", "rule"]].assign(evidence=texts)

    return run


def _keyer(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Per batch of features: each record's hashed blocking keys, packed as the in-process
    job stores them on ``RESOLVES_TO.keys`` (``graph.identity.keys``)."""
    import pandas as pd

    from graph.identity.keys import hash_column, pack

    for frame in batches:
        keys = np.zeros((len(frame), len(KEY_LAYOUT)), dtype=np.int64)
        for k, name in enumerate(KEY_LAYOUT):
            keys[:, k] = hash_column(frame[f"k{k}"].to_numpy(dtype=object), name)
        yield pd.DataFrame({"idx": frame["idx"].to_numpy(), "keys": pack(keys)})


def _pairs_side(feats: DataFrame, side: str, key: str) -> DataFrame:
    from pyspark.sql import functions as F

    return feats.select(F.col("idx").alias(key), *(F.col(n).alias(f"{side}_{n}") for n in FEATURES))


def _compare_pairs(pairs: DataFrame, feats: DataFrame) -> DataFrame:
    joined = pairs.join(_pairs_side(feats, "l", "i"), "i").join(_pairs_side(feats, "r", "j"), "j")
    return joined.mapInPandas(_comparer, _LEVEL_SCHEMA)


def components(edges: DataFrame, max_rounds: int = 100) -> DataFrame:
    """Connected components of an undirected edge list (``i``, ``j``): ``node``, ``comp``
    (the smallest node of its component), by min-label propagation. Nodes without an edge
    are not listed."""
    from pyspark.sql import functions as F

    both = (
        edges.select(F.col("i").alias("a"), F.col("j").alias("b"))
        .unionByName(edges.select(F.col("j").alias("a"), F.col("i").alias("b")))
        .persist()
    )
    labels = both.groupBy("a").agg(F.least(F.min("b"), F.first("a")).alias("comp"))
    labels = labels.select(F.col("a").alias("node"), "comp").localCheckpoint()
    for _ in range(max_rounds):
        spread = (
            both.join(labels.withColumnRenamed("node", "b").withColumnRenamed("comp", "cb"), "b")
            .groupBy("a")
            .agg(F.min("cb").alias("cb"))
        )
        new = (
            labels.join(spread.withColumnRenamed("a", "node"), "node", "left")
            .select("node", F.least("comp", F.coalesce("cb", "comp")).alias("comp"))
            .localCheckpoint()
        )
        changed = new.join(labels.withColumnRenamed("comp", "old"), "node").filter(
            F.col("comp") != F.col("old")
        )
        labels = new
        if changed.limit(1).count() == 0:
            break
    else:
        raise JobError(f"connected components did not settle in {max_rounds} rounds")
    both.unpersist()
    return labels


def _guards(bridge_threshold: float) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Per component: the in-process guards (``cluster``), each record's part and whether
    each pair is kept."""

    def run(group: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        from graph.identity.clustering import cluster

        # the pairs in record order, as in process (ties in probability keep that order)
        frame = group[~group["cannot"]].sort_values(["i", "j"], ignore_index=True)
        apart = group[group["cannot"]]
        nodes, local = np.unique(
            np.concatenate([frame["i"].to_numpy(), frame["j"].to_numpy()]), return_inverse=True
        )
        pairs = local.reshape(2, -1).T
        cannot = np.stack(
            [np.searchsorted(nodes, apart["i"].to_numpy()), np.searchsorted(nodes, apart["j"])],
            axis=1,
        ).reshape(-1, 2)
        labels, kept = cluster(
            len(nodes),
            pairs,
            frame["prob"].to_numpy(dtype=float),
            cannot_link=cannot if len(cannot) else None,
            bridge_threshold=bridge_threshold,
        )
        comp = int(frame["comp"].iloc[0])
        node_rows = pd.DataFrame(
            {"kind": "node", "i": nodes, "j": -1, "part": labels, "comp": comp}
        )
        pair_rows = pd.DataFrame(
            {
                "kind": np.where(kept, "kept", "cut"),
                "i": frame["i"].to_numpy(),
                "j": frame["j"].to_numpy(),
                "part": -1,
                "comp": comp,
            }
        )
        return pd.concat([node_rows, pair_rows], ignore_index=True)

    return run


def resolve(
    spark: SparkSession,
    records: DataFrame,
    params: IdentityParams,
    *,
    overrides: Sequence[Mapping[str, str]] = (),
    previous: Previous | None = None,
    at: str = "",
    with_keys: bool = False,
) -> SparkIdentity:
    """Resolve ``records`` (:func:`customer_records`) in Spark with the in-process model and
    the reviewers' ``overrides`` (``a``, ``b``: record uids; ``decision``), keeping the
    ``previous`` run's ids (new ids are created ``at``); ``with_keys``: also each record's
    hashed blocking keys (``SparkIdentity.keys``)."""
    if params.term_frequencies:
        raise InputError("term-frequency adjustments are not offered by the spark engine")
    held = Held()
    try:
        return _resolve(spark, records, params, overrides=overrides, previous=previous, at=at,
                        held=held, with_keys=with_keys)  # fmt: skip
    finally:
        held.release()  # what is returned is checkpointed: the working frames can go


def _resolve(
    spark: SparkSession,
    records: DataFrame,
    params: IdentityParams,
    *,
    overrides: Sequence[Mapping[str, str]],
    previous: Previous | None,
    at: str,
    held: Held,
    with_keys: bool,
) -> SparkIdentity:
    """:func:`resolve`, caching its working frames in ``held``."""
    import pandas as pd
    from pyspark.sql import functions as F

    indexed = row_index(records, "uid", held)  # the in-process record index: uid order
    n = indexed.count()
    if n == 0:
        raise InputError("no customer records to resolve; pass a customers file")
    feats = held(indexed.select("idx", *RECORD_COLUMNS).mapInPandas(_features, _FEATURE_SCHEMA))

    # blocking: (rule, key, idx) per record and key, blocks counted and capped
    keyed = held(
        feats.select(
            "idx",
            F.explode(
                F.array(
                    *(
                        F.struct(F.lit(k).alias("rule"), F.col(f"k{k}").alias("key"))
                        for k in range(len(KEY_LAYOUT))
                    )
                )
            ).alias("e"),
        )
        .select("idx", "e.rule", "e.key")
        .filter(F.col("key").isNotNull())
    )
    identifiers = {KEY_LAYOUT.index(name) for name in IDENTIFIER_FIELDS}
    limit = F.when(F.col("rule").isin(*identifiers), F.lit(params.max_identifier_share)).otherwise(
        F.lit(params.max_block)
    )
    sizes = held(keyed.groupBy("rule", "key").count().withColumn("limit", limit))
    usable = sizes.filter((F.col("count") >= 2) & (F.col("count") <= F.col("limit")))
    members = keyed.join(usable.select("rule", "key"), ["rule", "key"])
    a, b = members.alias("a"), members.alias("b")
    by_rule = held(
        a.join(b, ["rule", "key"])
        .filter(F.col("a.idx") < F.col("b.idx"))
        .select("rule", F.col("a.idx").alias("i"), F.col("b.idx").alias("j"))
    )
    pairs_by_rule = {
        KEY_LAYOUT[r["rule"]]: int(r["count"]) for r in by_rule.groupBy("rule").count().collect()
    }
    must = _override_pairs(indexed, overrides, "must-link")
    cannot = _override_pairs(indexed, overrides, "cannot-link")
    pairs = held(_with(by_rule.select("i", "j"), must).distinct())
    overshared = sizes.filter(F.col("rule").isin(*identifiers) & (F.col("count") > F.col("limit")))
    oversized = sizes.filter(~F.col("rule").isin(*identifiers) & (F.col("count") > F.col("limit")))

    # over-shared identifier values count as missing when compared
    compared = feats
    for name in IDENTIFIER_FIELDS:
        bad = overshared.filter(F.col("rule") == KEY_LAYOUT.index(name)).select(
            F.col("key").alias(f"_bad_{name}"), F.lit(True).alias(f"_is_{name}")
        )
        compared = (
            compared.join(bad, compared[name] == bad[f"_bad_{name}"], "left")
            .withColumn(name, F.when(F.col(f"_is_{name}"), F.lit(None)).otherwise(F.col(name)))
            .drop(f"_bad_{name}", f"_is_{name}")
        )
    compared = held.cut(compared.select("idx", *FEATURES))

    levels = held(_compare_pairs(pairs, compared))
    counted = levels.groupBy(*_LEVELS).count().toPandas()
    random = _random_pairs(n, params.random_pairs, params.seed)
    random_frame = spark.createDataFrame(
        pd.DataFrame({"i": random[:, 0], "j": random[:, 1], "order": np.arange(len(random))})
    )
    random_levels = _compare_pairs(random_frame, compared).toPandas()
    model = fit_model(
        {n_: counted[n_].to_numpy(dtype=np.int64) for n_ in _LEVELS},
        {n_: random_levels[n_].to_numpy(dtype=np.int64) for n_ in _LEVELS},
        total_pairs=n * (n - 1) // 2,
        seed=params.seed,
        counts=counted["count"].to_numpy(dtype=float),
    )
    scored = held.cut(_scored(levels, model, must))
    accepted = held(
        scored.filter((F.col("prob") >= params.threshold) & (F.col("personal") | F.col("forced")))
    )

    guarded = held.cut(_guarded(accepted, cannot, params.bridge_threshold))
    kept = guarded.filter(F.col("kind") == "kept").select("i", "j")
    clustered, firsts = _clusters(indexed, guarded)
    resolved, lineage = (f.localCheckpoint() for f in stable_ids(clustered, firsts, previous, held))
    kept_scores = held(kept.join(scored.select("i", "j", "prob", "rule", *_LEVELS), ["i", "j"]))
    best = (
        kept_scores.select(F.col("i").alias("idx"), "prob")
        .unionByName(kept_scores.select(F.col("j").alias("idx"), "prob"))
        .groupBy("idx")
        .agg(F.max("prob").alias("best"))
    )
    out = (
        clustered.join(resolved.select("cluster", "person_id"), "cluster")
        .join(best, "idx", "left")
        .select(
            "idx",
            "uid",
            F.col("source"),
            F.col("sourceCustomerId").alias("source_customer_id"),
            "person_id",
            F.round(F.coalesce(F.col("best"), F.lit(1.0)), 6).alias("confidence"),
        )
        .localCheckpoint()  # later jobs start from here, not from the whole plan above
    )
    uids = indexed.select("idx", "uid")
    matches = (
        kept_scores.join(uids.select(F.col("idx").alias("i"), F.col("uid").alias("src")), "i")
        .join(uids.select(F.col("idx").alias("j"), F.col("uid").alias("dst")), "j")
        .select("src", "dst", F.round("prob", 6).alias("score"), "rule", *_LEVELS)
        .mapInPandas(
            _explainer(model), "src string, dst string, score double, rule string, evidence string"
        )
        .localCheckpoint()
    )
    keys = None
    if with_keys:  # computed now: the frames they come from are dropped when resolve ends
        keys = (
            feats.select("idx", *(f"k{k}" for k in range(len(KEY_LAYOUT))))
            .mapInPandas(_keyer, "idx long, keys binary")
            .join(uids, "idx")
            .select("uid", "keys")
            .localCheckpoint()
        )
    counts = {
        "records": n,
        "candidate_pairs": pairs.count(),
        "accepted_pairs": accepted.count(),
        "kept_pairs": kept.count(),
        "persons": resolved.count(),
        "overshared_values": overshared.count(),
        "oversized_blocks": oversized.count(),
        "em_iterations": model.iterations,
    }
    person_ids = issued_ids(resolved, previous, at).localCheckpoint()
    return SparkIdentity(
        out, matches, counted, model, lineage, person_ids, keys, counts, pairs_by_rule
    )


def _clusters(indexed: DataFrame, guarded: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Each record's cluster (``idx, uid, source, sourceCustomerId, cluster``: a part of a
    component after the guards, or the record alone) and each cluster's smallest uid and
    first record (``cluster, first_uid, first_idx``)."""
    from pyspark.sql import functions as F

    parts = guarded.filter(F.col("kind") == "node").select(F.col("i").alias("idx"), "comp", "part")
    clustered = indexed.select("idx", "uid", "source", "sourceCustomerId").join(
        parts, "idx", "left"
    )
    clustered = clustered.withColumn(
        "cluster",
        F.when(F.col("comp").isNull(), F.concat(F.lit("r"), F.col("idx").cast("string"))).otherwise(
            F.concat(
                F.lit("c"), F.col("comp").cast("string"), F.lit("."), F.col("part").cast("string")
            )
        ),
    )
    firsts = clustered.groupBy("cluster").agg(
        F.min("uid").alias("first_uid"), F.min("idx").alias("first_idx")
    )
    return clustered, firsts


def _with(pairs: DataFrame, more: DataFrame | None) -> DataFrame:
    return pairs if more is None else pairs.unionByName(more)


def _scored(levels: DataFrame, model: FSModel, must: DataFrame | None) -> DataFrame:
    """Each compared pair's match probability, personal evidence and rule: a must-link
    pair (``must``) scores 1 under the rule ``must-link override`` (``forced``)."""
    from pyspark.sql import functions as F

    scored = levels.mapInPandas(_scorer(model), _LEVEL_SCHEMA + ", prob double, personal boolean")
    if must is None:  # no join (and no shuffle of every pair) without must-link decisions
        scored = scored.withColumn("forced", F.lit(None).cast("boolean"))
    else:
        scored = scored.join(must.withColumn("forced", F.lit(True)), ["i", "j"], "left")
    forced = F.coalesce(F.col("forced"), F.lit(False))
    return (
        scored.withColumn("prob", F.when(forced, F.lit(1.0)).otherwise(F.col("prob")))
        .withColumn(
            "rule",
            F.when(forced, F.lit("must-link override")).otherwise(F.lit("fellegi-sunter")),
        )
        .withColumn("forced", forced)
    )


def _guarded(accepted: DataFrame, cannot: DataFrame | None, bridge_threshold: float) -> DataFrame:
    """The connected components of the accepted pairs, then per component the in-process
    guards with the component's cannot-link pairs: the rows of :func:`_guards`."""
    from pyspark.sql import functions as F

    comps = components(accepted.select("i", "j"))
    with_comp = accepted.select("i", "j", "prob", F.lit(False).alias("cannot")).join(
        comps.select(F.col("node").alias("i"), "comp"), "i"
    )
    # a cannot-link pair matters only inside one component: it goes to that component's guards
    apart = (
        None
        if cannot is None
        else (
            cannot.join(comps.select(F.col("node").alias("i"), "comp"), "i")
            .join(comps.select(F.col("node").alias("j"), F.col("comp").alias("comp_j")), "j")
            .filter(F.col("comp") == F.col("comp_j"))
            .select(
                "i",
                "j",
                F.lit(None).cast("double").alias("prob"),
                F.lit(True).alias("cannot"),
                "comp",
            )
        )
    )
    return (
        _with(with_comp, apart)
        .groupBy("comp")
        .applyInPandas(
            _guards(bridge_threshold), "kind string, i long, j long, part long, comp long"
        )
    )


def _override_pairs(
    indexed: DataFrame, overrides: Sequence[Mapping[str, str]], decision: str
) -> DataFrame | None:
    """The record pairs (``i < j``, record indexes) of one kind of decision (None: no such
    decision); pairs naming a record the input does not hold are left out, as in process."""
    from pyspark.sql import functions as F

    chosen = [(o["a"], o["b"]) for o in overrides if o["decision"] == decision]
    if not chosen:
        return None
    named = indexed.sparkSession.createDataFrame(chosen, "a string, b string")
    ids = indexed.select("idx", "uid")
    found = named.join(ids.select(F.col("uid").alias("a"), F.col("idx").alias("x")), "a").join(
        ids.select(F.col("uid").alias("b"), F.col("idx").alias("y")), "b"
    )
    return found.select(F.least("x", "y").alias("i"), F.greatest("x", "y").alias("j")).distinct()
