"""Measure the import classifier on the labelled rows: precision and recall of event types, and of attributes.

Run: python scripts/evaluate_classification.py [--rows fixtures/import/labelled-rows.yaml] [--errors]
     python scripts/evaluate_classification.py --verbatim [--errors]
     python scripts/evaluate_classification.py --verbatim-dev [--errors]
     python scripts/evaluate_classification.py --agreement

--verbatim measures the held-out tables of published reviews' own sentences (fixtures/import/verbatim/:
each row copied from the review, labelled before the classifier was run on it) and also counts the rows
that name a meeting without it happening (`names_other_event`) which the classifier takes for that meeting.
--verbatim-dev measures the development tables made the same way from other reviews
(fixtures/import/verbatim-dev/*/): the verbatim rows the rules may be improved on. Report both every time;
only the held-out figure says how the rules generalise.
--agreement compares the held-out labels with a second labeller's, made apart (labels-second.yaml there):
how often two people give a row the same type, the ceiling a classifier can fairly be held to.

The labelled rows (fixtures/import/labelled-rows.yaml) were written for the purpose by someone who
did not see the classification rules, so they measure how the rules generalise. A row the
classifier leaves unclassified counts as type `other` (the importer keeps it as `other`).

Types: for each type, precision = rows classified as it that are labelled it / rows classified as
it; recall = rows labelled it that are classified as it / rows labelled it. Micro figures pool
all rows; macro figures average the types. Attributes: each labelled (attribute, value) pair is
one expectation; a predicted pair is correct when it equals the label (lists compared as sets;
`invited_excludes` is correct when the predicted `invited` exists and holds none of the agencies).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.importing.classification import load_classifier  # noqa: E402
from auditor.rulebook import load_rulebook  # noqa: E402

OTHER = "other"


def evaluate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    vocabulary = load_rulebook(None).vocabulary
    classifier = load_classifier(None, vocabulary)
    predicted_types: Counter[str] = Counter()
    labelled_types: Counter[str] = Counter()
    right_types: Counter[str] = Counter()
    attr_expected = attr_found = attr_right = 0
    errors = []
    for row in rows:
        found = classifier.classify(row["text"], row.get("agency"))
        got = found.type or OTHER
        want = row["type"]
        predicted_types[got] += 1
        labelled_types[want] += 1
        if got == want:
            right_types[got] += 1
        else:
            errors.append(f"{row['id']}: labelled {want}, classified {got}: {row['text'][:90]}")
        # Only the attributes measured (ATTRIBUTES): a label set outside them (a newer row's `injury`) would count
        # as found without ever being predicted, and lift precision past what it is.
        labels = {k: v for k, v in (row.get("attrs") or {}).items() if k in ATTRIBUTES or k == "invited_excludes"}
        attr_expected += len(labels)
        comparable = {k: v for k, v in found.attrs.items() if k in ATTRIBUTES}
        attr_found += len(comparable)
        for key, value in labels.items():
            if key == "invited_excludes":
                ok = "invited" in found.attrs and not set(value) & set(found.attrs["invited"])
            else:
                ok = key in found.attrs and _same(found.attrs[key], value)
            attr_right += ok
            if not ok:
                errors.append(f"{row['id']}: {key} labelled {value!r}, classified {found.attrs.get(key)!r}")
        for key, value in comparable.items():  # predicted but not labelled: a false positive
            if key not in labels and not (key == "invited" and "invited_excludes" in labels):
                errors.append(f"{row['id']}: {key} classified {value!r}, not labelled")
    types = sorted(set(predicted_types) | set(labelled_types))
    per_type = {t: (_ratio(right_types[t], predicted_types[t]), _ratio(right_types[t], labelled_types[t]),
                    labelled_types[t]) for t in types}
    correct = sum(right_types.values())
    specific = [t for t in types if t != OTHER]
    return {
        "rows": len(rows),
        "type_accuracy": correct / len(rows),
        "macro_precision": sum(per_type[t][0] for t in specific) / len(specific),
        "macro_recall": sum(per_type[t][1] for t in specific) / len(specific),
        # classifying a row as a specific type when it is not: the costly error for an audit
        "specific_precision": _ratio(sum(right_types[t] for t in specific), sum(predicted_types[t] for t in specific)),
        "specific_recall": _ratio(sum(right_types[t] for t in specific), sum(labelled_types[t] for t in specific)),
        "attribute_precision": _ratio(attr_right, attr_found),
        "attribute_recall": _ratio(attr_right, attr_expected),
        "per_type": per_type,
        "errors": errors,
    }


ATTRIBUTES = frozenset({"children_present", "risk_level", "dash_score", "section47", "invited", "attended", "status",
                        "seen_alone", "routine_enquiry", "to", "perpetrator_present", "history_checked"})


def _same(found: Any, wanted: Any) -> bool:
    if isinstance(wanted, list):
        return isinstance(found, list) and set(found) == set(wanted)
    return found == wanted


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


VERBATIM = ROOT / "fixtures" / "import" / "verbatim"
VERBATIM_DEV = ROOT / "fixtures" / "import" / "verbatim-dev"
MEETINGS = frozenset({"strategy-discussion", "initial-child-protection-conference", "review-child-protection-conference",
                      "core-group-meeting", "marac-meeting"})


def verbatim_rows(folder: Path = VERBATIM) -> list[dict[str, Any]]:
    """A folder's verbatim tables' rows with their blind labels (its labels.yaml), in the labelled rows' shape."""
    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))["rows"]
    tables: dict[str, list[dict[str, str]]] = {}
    out = []
    for label in labels:
        if label["table"] not in tables:
            with open(folder / label["table"], encoding="utf-8", newline="") as handle:
                tables[label["table"]] = list(csv.DictReader(handle))
        cells = tables[label["table"]][label["row"] - 2]  # the header is line 1
        out.append({"id": f"{folder.name}/{label['table']}:{label['row']}", "agency": label["agency"],
                    "text": cells["Details"],
                    "type": label["type"], "attrs": label.get("attrs") or {},
                    "names_other_event": label.get("names_other_event", False)})
    return out


def agreement() -> dict[str, float]:
    """How far the two blind labellings of the held-out rows agree: type, names_other_event, Cohen's kappa."""
    first, second = ({(r["table"], r["row"]): r for r in yaml.safe_load((VERBATIM / name).read_text(encoding="utf-8"))
                      ["rows"]} for name in ("labels.yaml", "labels-second.yaml"))
    keys = sorted(first)
    n = len(keys)
    same = sum(first[k]["type"] == second[k]["type"] for k in keys) / n
    a, b = Counter(first[k]["type"] for k in keys), Counter(second[k]["type"] for k in keys)
    chance = sum(a[t] * b[t] for t in a) / n / n
    return {"rows": n, "both": len(set(first) & set(second)), "type": same, "kappa": (same - chance) / (1 - chance),
            "names_other_event": sum(first[k]["names_other_event"] == second[k]["names_other_event"]
                                     for k in keys) / n}


def meeting_misreads(rows: list[dict[str, Any]]) -> list[str]:
    """Rows that name a meeting without it happening, which the classifier takes for a meeting they are not."""
    vocabulary = load_rulebook(None).vocabulary
    classifier = load_classifier(None, vocabulary)
    out = []
    for row in rows:
        if row.get("names_other_event"):
            got = classifier.classify(row["text"], row.get("agency")).type or OTHER
            if got in MEETINGS and got != row["type"]:
                out.append(f"{row['id']}: labelled {row['type']}, imported as {got}: {row['text'][:90]}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=Path, default=ROOT / "fixtures" / "import" / "labelled-rows.yaml")
    parser.add_argument("--verbatim", action="store_true", help="the held-out tables of reviews' own sentences")
    parser.add_argument("--verbatim-dev", action="store_true", help="the development tables of reviews' own sentences")
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    parser.add_argument("--agreement", action="store_true", help="two labellers' agreement on the held-out rows")
    args = parser.parse_args()
    if args.agreement:
        found = agreement()
        print(f"{found['rows']} held-out rows, {found['both']} labelled by both: type agreement {found['type']:.1%} "
              f"(Cohen's kappa {found['kappa']:.2f}); names another event: {found['names_other_event']:.1%}")
        return
    if args.verbatim:
        rows = verbatim_rows()
    elif args.verbatim_dev:
        rows = [row for folder in sorted(VERBATIM_DEV.iterdir()) if (folder / "labels.yaml").exists()
                for row in verbatim_rows(folder)]
    else:
        rows = yaml.safe_load(args.rows.read_text(encoding="utf-8"))["rows"]
    result = evaluate(rows)
    print(f"{result['rows']} labelled rows")
    if args.verbatim or args.verbatim_dev:
        misread = meeting_misreads(rows)
        print(f"rows naming another event: {sum(1 for r in rows if r['names_other_event'])}; of them imported as a "
              f"meeting they do not record: {len(misread)}")
        if args.errors:
            print("\n".join(misread))
    print(f"event type: accuracy {result['type_accuracy']:.1%}; rows given a specific type: precision "
          f"{result['specific_precision']:.1%}, recall {result['specific_recall']:.1%}; macro over "
          f"{len(result['per_type']) - 1} types: precision {result['macro_precision']:.1%}, "
          f"recall {result['macro_recall']:.1%}")
    print(f"attributes: precision {result['attribute_precision']:.1%}, recall {result['attribute_recall']:.1%}")
    print(f"{'type':40} {'precision':>9} {'recall':>7} {'rows':>5}")
    for name, (precision, recall, n) in sorted(result["per_type"].items()):
        print(f"{name:40} {precision:9.0%} {recall:7.0%} {n:5}")
    if args.errors:
        print("\n".join(result["errors"]))


if __name__ == "__main__":
    main()
