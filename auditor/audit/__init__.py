"""The audit: a chronology and a rulebook in, findings out.

`run` (the entry point: `audit` and `AuditResult`), `readings` (which readings of conflicting records each
finding needs), `verdicts` (each trigger judged: pairing, release, the templates' statuses), `clock`
(windows judged on every possible day, and deadlines), `wording` (statements, dates and names as people read
them), `prepared` (what a rulebook says the same way for every case, worked out once), `findings` (what a finding holds), `gaps` (what a chronology does not
record) and `examples` (the rules' own examples, run)."""
