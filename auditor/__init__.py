"""auditor: a rule-based missed-opportunity auditor for safeguarding case reviews."""

__version__ = "0.1.0"
