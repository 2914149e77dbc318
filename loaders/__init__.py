"""Loaders: input files → validated, normalised, idempotent batched upserts into a store."""

from loaders.kinds import KINDS, LOAD_ORDER, detect_kind
from loaders.load import FileReport, LoadProgress, LoadReport, Reject, load_files
from loaders.mapping import Mapping, load_mapping

__all__ = [
    "KINDS",
    "LOAD_ORDER",
    "FileReport",
    "LoadProgress",
    "LoadReport",
    "Mapping",
    "Reject",
    "detect_kind",
    "load_files",
    "load_mapping",
]
