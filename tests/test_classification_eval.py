"""The classifier on the held-out labelled rows: a floor under the figures measured when it was written.

The rows (fixtures/import/labelled-rows.yaml) were labelled by someone who did not see the
classification rules. `python scripts/evaluate_classification.py --errors` prints the full figures
and every disagreement; the floors sit a few points under the measured values (393 rows: type
accuracy 60.8%, attribute precision 72.5%), so a change that makes classification worse fails here.
The verbatim tables (reviews' own sentences, `--verbatim`) have floors of their own: 46.9% and 6
meetings misread when measured (issue 18), far from where they need to be.
"""

from __future__ import annotations

import importlib.util

import yaml

from .conftest import ROOT


def _script():
    spec = importlib.util.spec_from_file_location("evaluate_classification",
                                                  ROOT / "scripts" / "evaluate_classification.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def evaluate():
    rows = yaml.safe_load((ROOT / "fixtures" / "import" / "labelled-rows.yaml").read_text(encoding="utf-8"))["rows"]
    return rows, _script().evaluate(rows)


def test_the_verbatim_tables_of_reviews_own_sentences_stay_above_their_measured_floor():
    script = _script()
    rows = script.verbatim_rows()
    assert len(rows) >= 150 and all(r["text"] for r in rows)
    result = script.evaluate(rows)
    assert result["type_accuracy"] >= 0.47
    assert len(script.meeting_misreads(rows)) <= 5


def test_the_labelled_set_is_large_and_covers_every_event_type(rulebook):
    rows, _ = evaluate()
    assert len(rows) >= 200
    assert {r["type"] for r in rows} == set(rulebook.vocabulary.event_type_ids)


def test_classification_stays_above_its_measured_floor():
    _, result = evaluate()
    assert result["type_accuracy"] >= 0.58
    assert result["specific_precision"] >= 0.65
    assert result["attribute_precision"] >= 0.72
    assert result["attribute_recall"] >= 0.55


def test_the_second_labelling_covers_every_held_out_row_with_vocabulary_types(rulebook):
    script = _script()
    found = script.agreement()
    assert found["rows"] == found["both"] >= 150
    types = set(rulebook.vocabulary.event_type_ids) | {"other"}
    second = yaml.safe_load((script.VERBATIM / "labels-second.yaml").read_text(encoding="utf-8"))["rows"]
    assert {r["type"] for r in second} <= types


def test_the_development_tables_are_apart_from_the_held_out_ones():
    script = _script()
    dev = [row for folder in sorted(script.VERBATIM_DEV.iterdir()) if (folder / "labels.yaml").exists()
           for row in script.verbatim_rows(folder)]
    held_out = {row["text"] for row in script.verbatim_rows()}
    assert len(dev) >= 100 and not held_out & {row["text"] for row in dev}
