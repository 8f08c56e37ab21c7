"""Batch audits for safeguarding boards: many chronologies in, one board pack out, no case lost."""
