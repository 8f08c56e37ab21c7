"""The breach appendix a review author drops into an overview report: model, decisions, redaction."""
