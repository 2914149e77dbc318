"""The synthetic data generator: multi-source customer files with ground truth, for demos,
tests and benchmarks (``custgraph generate``). Not a loader: it writes the files the loaders
read, and the ``truth/`` no job reads.

- :mod:`synthetic.generator`: :func:`generate_dataset` and :class:`GenerateParams`;
- :mod:`synthetic.noise`: the errors real exports carry;
- :mod:`synthetic.vocab`: names and places (data files in ``synthetic/vocab/``);
- :mod:`synthetic.truth`: readers of ``truth/``;
- :mod:`synthetic.partition`: the planted-partition graph model.
"""

from synthetic.generator import DatasetSummary, GenerateParams, generate_dataset
from synthetic.partition import planted_partition
from synthetic.truth import planted_communities, record_persons

__all__ = [
    "DatasetSummary",
    "GenerateParams",
    "generate_dataset",
    "planted_communities",
    "planted_partition",
    "record_persons",
]
