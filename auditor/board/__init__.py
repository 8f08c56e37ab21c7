"""The board pack: what a safeguarding partnership reads after a round of case audits."""
