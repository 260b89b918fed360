"""Findings: what a disagreement between a server and the specs is, and how it is reported.

One place for the concepts the conformance suite and the validating proxy share: finding classes and stable
keys (``model``), spec-fix hints for response-contract findings (``hints``), baselines (``baseline``) and
reports (``report``: text, Markdown, JUnit, JSON, HTML).
"""

from .baseline import BaselineError
from .model import (
    ALL_CLASSES,
    FOREIGN_DEFAULT_FAIL_ON,
    Finding,
    FindingClass,
    OperationCoverage,
    Result,
    classify,
    parse_classes,
)

__all__ = [
    "ALL_CLASSES",
    "FOREIGN_DEFAULT_FAIL_ON",
    "BaselineError",
    "Finding",
    "FindingClass",
    "OperationCoverage",
    "Result",
    "classify",
    "parse_classes",
]
