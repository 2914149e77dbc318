"""custgraph reports: the periodic influence-ranking report."""

from reports.influence import Report, ReportParams, build_report, write_report

__all__ = ["Report", "ReportParams", "build_report", "write_report"]
