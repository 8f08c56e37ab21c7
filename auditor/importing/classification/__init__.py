"""Classify a panel's free-text chronology row by explicit rules kept as data (rules/classification.yaml).

Panels write rows like "Strat disc held with police, S47 agreed". The auditor's verdicts must be
explainable and repeatable, so the event type and attributes come from phrases a rule author wrote
down, never from a statistical guess: every imported event records the ids of the patterns that
classified it, and the same text always gives the same answer.

How a row is read (the file's own header documents the format for rule authors):
  1. normalised: curly quotes straightened, dashes unified, whitespace and line breaks collapsed;
     abbreviations and misspellings in `expansions` rewritten (phrases are rewritten the same way);
  2. cut into clauses at `clauses.breaks` (a comma between two agency names is a list, not a break);
  3. every pattern's phrases and regexes are found; each occurrence is *negated*, *planned* or
     *referenced* when a cue of that context is close enough in its clause, and the pattern's
     `when_negated` / `when_planned` / `when_referenced` says what the occurrence does then;
  4. the type comes from the highest-priority type occurrence (ties: the earlier pattern in the
     file), unless the table's own type column gave one;
  5. attributes are set by every occurrence whose type agrees with the row's type, a scalar by the
     highest-priority pattern (ties: earlier pattern, then earlier in the text), lists as the union
     of what was added less what was removed.

The package, in the order a rule file and then a row meet it: `loading` reads the file (its shape is
`schema`), checks it against the vocabulary and compiles it (`compiled`), with `phrase_text` turning
phrases, cues and agency names into words as rows are cut into words; `classifier` classifies a row:
`row` prepares its text once, `phrase_index` finds every phrase in one pass, `contexts` says whether
an occurrence is negated, planned or referenced (step 3), the type is chosen (step 4) and
`attributes` sets what the occurrences say (step 5). `LinkRule`s, read from the same file, are
applied across rows by the importer.
"""

from .classifier import COLUMN, Classification, Classifier
from .compiled import LinkRule
from .loading import default_classification_path, load_classifier

__all__ = ["COLUMN", "Classification", "Classifier", "LinkRule", "default_classification_path", "load_classifier"]
