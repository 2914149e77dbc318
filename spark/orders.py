"""Orders and order lines from purchase lines, as a load keeps them (Spark).

A load applies purchase lines in file order, so for each order the last line sets who
placed it, when and in which currency; the last line naming a known channel sets its
channel; the last line without a product sets its direct amount; each product line is the
last line for that (order, product); a product's category is the last one a line gave.
The order's amount is its direct amount plus its product lines, rounded to the cent
(``load/total_orders``).

Example: ``orders_of(purchase_lines(inputs.rows["purchases"]))`` has the columns
``orderId, uid, purchasedAt, currency, channelId, directAmount, amount``. A run builds them
once (``Purchases.of(rows)``, cached on disk) and hands them to every job that reads
orders; the Neo4j import files (``spark.neo4j``) write the same orders and lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["Purchases", "latest", "order_lines_of", "orders_of", "purchase_lines"]

#: The fields of a validated purchase line the Spark engine reads.
LINE_FIELDS = (
    "orderId string, uid string, purchasedAt string, currency string, channelId string, "
    "productId string, category string, quantity double, amount double"
)


def latest(frame: DataFrame, keys: list[str]) -> DataFrame:
    """The last row (by file order, then line) per ``keys``: what an upsert keeps."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    window = Window.partitionBy(*keys).orderBy(F.desc("ord"), F.desc("line"))
    return frame.withColumn("_k", F.row_number().over(window)).filter("_k = 1").drop("_k")


def purchase_lines(rows: DataFrame) -> DataFrame:
    """The validated purchase lines' fields, with their file order and line."""
    from pyspark.sql import functions as F

    return rows.select("ord", "line", F.from_json("row", LINE_FIELDS).alias("r")).select(
        "ord", "line", "r.*"
    )


def order_lines_of(lines: DataFrame) -> DataFrame:
    """Product lines (``orderId, productId, quantity, amount``) and each product's
    ``category``."""
    from pyspark.sql import functions as F

    products = lines.filter(F.col("productId").isNotNull())
    kept = latest(products, ["orderId", "productId"]).select(
        "orderId", "productId", "quantity", "amount"
    )
    category = latest(products.filter(F.col("category").isNotNull()), ["productId"]).select(
        "productId", "category"
    )
    return kept.join(category, "productId", "left")


def orders_of(lines: DataFrame) -> DataFrame:
    """One row per order: ``orderId, uid, purchasedAt, currency, channelId, directAmount``
    (None when no line is without a product) and ``amount``."""
    from pyspark.sql import functions as F

    head = latest(lines, ["orderId"]).select("orderId", "uid", "purchasedAt", "currency")
    channel = latest(lines.filter(F.col("channelId").isNotNull()), ["orderId"]).select(
        "orderId", "channelId"
    )
    direct = latest(lines.filter(F.col("productId").isNull()), ["orderId"]).select(
        "orderId", F.col("amount").alias("directAmount")
    )
    products = order_lines_of(lines).groupBy("orderId").agg(F.sum("amount").alias("products"))
    total = F.round(F.coalesce("directAmount", F.lit(0.0)) + F.coalesce("products", F.lit(0.0)), 2)
    return (
        head.join(channel, "orderId", "left")
        .join(direct, "orderId", "left")
        .join(products, "orderId", "left")
        .select(
            "orderId",
            "uid",
            "purchasedAt",
            "currency",
            "channelId",
            "directAmount",
            total.alias("amount"),
        )
    )


@dataclass(frozen=True, slots=True)
class Purchases:
    """A run's purchase lines and the orders rebuilt from them, built once and shared by
    influence (referred revenue), journeys and profiles: rebuilding the orders is a few
    shuffles of every line, so each job doing it again cost a run as much as its reading.
    Both frames are cached on disk only (in memory they would compete with the jobs'
    aggregations, as the validated rows did); the run drops them at its end.

    Example: ``purchases = Purchases.of(inputs.rows)``; ``purchases.orders`` (None when
    there is no purchases file), then ``held.keep(purchases.lines, purchases.orders)``
    (:class:`spark.session.Held`).
    """

    lines: DataFrame | None
    orders: DataFrame | None

    @classmethod
    def of(cls, rows: dict[str, DataFrame]) -> Purchases:
        """The lines and orders of the validated ``rows`` (both None without purchases)."""
        from pyspark import StorageLevel

        if "purchases" not in rows:
            return cls(None, None)
        lines = purchase_lines(rows["purchases"]).persist(StorageLevel.DISK_ONLY)
        return cls(lines, orders_of(lines).persist(StorageLevel.DISK_ONLY))
