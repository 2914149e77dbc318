"""The Spark engine: the jobs on Apache Spark from input files to Parquet (docs/scale.md)."""
