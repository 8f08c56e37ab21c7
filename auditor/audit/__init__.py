"""The audit: a chronology and a rulebook in, findings out.

`run` (the entry point: `audit` and `AuditResult`), `readings` (which readings of conflicting records each
finding needs), `verdicts` (each trigger judged: pairing, release, the templates' statuses and words), `clock`
(windows judged on every possible day), `findings` (what a finding holds), `gaps` (what a chronology does not
record) and `examples` (the rules' own examples, run)."""
