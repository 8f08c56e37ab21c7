"""The rule author's tools: `auditor rules check`, `rules test` and `rules list`, and the published catalogue."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.reports.catalogue import catalogue_markdown
from auditor.rulebook import load_rulebook
from auditor.rulebook.catalogue import RuleFilter, citations_of, coverage_problems, level_counts, select

from .conftest import ROOT, RULES

WT2010 = '{document: Working Together to Safeguard Children, edition: "2010", verified: false, checked: 2026-11-25}'
WT2013 = '{document: Working Together to Safeguard Children, edition: "2013", verified: false, checked: 2026-11-25}'


def run(*args):
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, timeout=120)


def rule(editions: str, tests: str = "", rule_id: str = "conference-in-time") -> str:
    return f"""family: trial
jurisdiction: england
rules:
  - id: {rule_id}
    title: A conference within 15 working days
    severity: must
    jurisdiction: england
    theme: timeliness
    agency: childrens-social-care
    check:
      template: within
      trigger: {{type: strategy-discussion}}
      counterpart: {{type: initial-child-protection-conference}}
      limit: 15 working-days
    editions:
{editions}
    tests:
{tests or '      []'}
"""


ONE_EDITION = f"""      - label: WT 2010
        in_force: {{from: 2010-03-01}}
        cite: [{WT2010}]"""

GOOD_TESTS = """      - name: on the 15th working day, across the Diamond Jubilee holidays
        boundary: true
        events:
          - {id: sd, type: strategy-discussion, date: 2012-05-23}
          - {id: c, type: initial-child-protection-conference, date: 2012-06-15}
        expect: met
      - name: on the 16th working day
        events:
          - {id: sd, type: strategy-discussion, date: 2012-05-23}
          - {id: c, type: initial-child-protection-conference, date: 2012-06-18}
        expect: breach"""


def rulebook_with(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "rules"
    (root / "national").mkdir(parents=True)
    for name in ("rulebook.yaml", "vocabulary.yaml"):
        shutil.copy(RULES / name, root / name)
    (root / "national" / "trial.yaml").write_text(text)
    return root


def test_a_gap_between_editions_is_refused_unless_explained(tmp_path):
    gap = f"""      - label: WT 2010
        in_force: {{from: 2010-03-01, to: 2013-03-31}}
        cite: [{WT2010}]
      - label: WT 2013
        in_force: {{from: 2013-04-15}}
        cite: [{WT2013}]"""
    with pytest.raises(InputError) as caught:
        load_rulebook(rulebook_with(tmp_path / "a", rule(gap, GOOD_TESTS)))
    assert "no edition is in force from 01/04/2013 to 14/04/2013" in str(caught.value)
    assert caught.value.problems[0].line is not None
    explained = gap.replace("      - label: WT 2013\n", "      - label: WT 2013\n        after_gap: no standard applied\n")
    book = load_rulebook(rulebook_with(tmp_path / "b", rule(explained, GOOD_TESTS)))
    assert [v.edition for v in book.variants] == ["WT 2010", "WT 2013"]


def test_rules_check_refuses_a_rule_without_a_boundary_example(tmp_path):
    untested = GOOD_TESTS.replace("        boundary: true\n", "")
    root = rulebook_with(tmp_path, rule(ONE_EDITION, untested))
    [problem] = coverage_problems(load_rulebook(root))
    assert problem.file.endswith("trial.yaml") and problem.line == 4 and problem.field == "rules[0].tests"
    assert "needs a boundary example" in problem.message and "breach" not in problem.message
    proc = run("rules", "check", str(root))
    assert proc.returncode == 2 and "needs a boundary example" in proc.stderr and "Traceback" not in proc.stderr


def test_rules_check_refuses_a_rule_with_no_examples(tmp_path):
    proc = run("rules", "check", str(rulebook_with(tmp_path, rule(ONE_EDITION))))
    assert proc.returncode == 2
    assert "needs an example that breaches it (expect: breach), an example that meets it" in proc.stderr


def test_example_events_are_checked_against_the_vocabulary(tmp_path):
    misspelt = GOOD_TESTS.replace("type: initial-child-protection-conference, date: 2012-06-18",
                                  "type: initial-child-protection-conferense, date: 2012-06-18")
    with pytest.raises(InputError) as caught:
        load_rulebook(rulebook_with(tmp_path, rule(ONE_EDITION, misspelt)))
    assert "tests[1].events[1].type: unknown event type 'initial-child-protection-conferense'" in str(caught.value)


def test_case_facts_in_conditions_and_examples_are_checked_against_the_vocabulary(tmp_path):
    text = rule(ONE_EDITION, GOOD_TESTS.replace("        boundary: true\n", "        boundary: true\n        facts: {young_childern: true}\n"))
    text = text.replace("trigger: {type: strategy-discussion}",
                        "trigger: {type: strategy-discussion, where: {case: domestc_abuse, eq: true}}")
    with pytest.raises(InputError) as caught:
        load_rulebook(rulebook_with(tmp_path, text))
    message = str(caught.value)
    assert "check.trigger.where: unknown case fact 'domestc_abuse'" in message
    assert "tests[0].facts.young_childern: unknown case fact 'young_childern'" in message


def test_rules_test_reports_the_rule_the_example_and_the_difference(tmp_path):
    wrong = GOOD_TESTS.replace("expect: breach", "expect: met")
    root = rulebook_with(tmp_path, rule(ONE_EDITION, wrong))
    proc = run("rules", "test", str(root), "--engine", "reference")
    assert proc.returncode == 1
    assert "FAIL conference-in-time (" in proc.stderr and "trial.yaml:4" in proc.stderr
    assert "on the 16th working day" in proc.stderr and "expected met; got breach" in proc.stderr
    assert "later than expected by 1 working day" in proc.stderr
    assert "1/2 examples pass" in proc.stdout


def test_rules_test_on_one_folder_runs_only_that_folders_rules():
    proc = run("rules", "test", str(RULES / "local" / "birmingham"), "--engine", "reference")
    assert proc.returncode == 0, proc.stderr
    book = load_rulebook(RULES)
    local = [r for r in book.rules.values() if r.area == "birmingham"]
    assert f"({len(local)} rules, engine reference)" in proc.stdout
    assert len(local) < len(book.rules)


def test_the_installed_rulebook_passes_check_and_its_examples_pass_in_durable_rules(rulebook):
    assert coverage_problems(rulebook) == []
    proc = run("rules", "check", str(RULES))
    assert proc.returncode == 0, proc.stderr
    assert "no problems found" in proc.stdout
    proc = run("rules", "test", str(RULES))
    examples = sum(len(r.tests) for r in rulebook.rules.values())
    assert proc.returncode == 0, proc.stderr
    assert f"{examples}/{examples} examples pass ({len(rulebook.rules)} rules, engine durable)" in proc.stdout


def test_list_filters_by_edition_severity_document_and_verification(rulebook):
    must_2010 = select(rulebook, RuleFilter(edition="2010", severity="must"))
    assert must_2010 and all(r.severity == "must" for r in must_2010)
    assert all(any("2010" in e.label for e in r.editions) or any("2010" in (c.edition or "") for e in r.editions
               for c in e.cite) for r in must_2010)
    local = select(rulebook, RuleFilter(document="Birmingham Safeguarding"))
    assert "conference-report-before-conference" in {r.id for r in local}  # through the Birmingham override
    verified = {r.id for r in select(rulebook, RuleFilter(verified="primary"))}
    unverified = {r.id for r in select(rulebook, RuleFilter(verified="no"))}
    assert verified | unverified == set(rulebook.rules) and verified and unverified
    proc = run("rules", "list", "--severity", "should", "--unverified")
    assert proc.returncode == 0, proc.stderr
    *rows, counts = proc.stdout.splitlines()[1:]
    listed = [line.split()[0] for line in rows]
    chosen = select(rulebook, RuleFilter(severity="should", verified="no"))
    assert listed == [r.id for r in chosen]
    levels = level_counts([c for r in chosen for c in citations_of(rulebook, r.id)])
    assert counts == (f"citations of these rules: {sum(levels.values())}; checked against the primary text "
                      f"{levels['primary']}, against a secondary source {levels['secondary']}, not verified {levels['no']}")
    assert levels["no"] > 0


def test_catalogue_names_every_rule_edition_and_unverified_citation(rulebook):
    text = catalogue_markdown(rulebook, select(rulebook, RuleFilter()))
    for rule_id, r in rulebook.rules.items():
        assert f"`{rule_id}`" in text
        for edition in r.editions:
            assert edition.in_force.human() in text
    assert "**Not verified**" in text and "Checked against the primary text on 25/11/2026" in text
    assert "30 working days" not in text


def test_published_catalogue_is_up_to_date(tmp_path):
    """docs/catalogue.md is what `auditor rules list --format markdown` prints; regenerate it when rules change."""
    proc = run("rules", "list", "--format", "markdown", "--output", str(tmp_path / "catalogue.md"))
    assert proc.returncode == 0, proc.stderr
    assert (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8") == \
        (tmp_path / "catalogue.md").read_text(encoding="utf-8"), \
        "run: auditor rules list --format markdown --output docs/catalogue.md"


def test_what_counts_for_each_template_is_the_same_in_rules_show_and_the_format_docs(rulebook):
    from auditor.rulebook.catalogue import EVIDENCE, evidence_lines

    docs = (ROOT / "docs" / "rulebook-format.md").read_text(encoding="utf-8")
    templates = {v.check.template for v in rulebook.variants}
    assert templates <= set(EVIDENCE)
    for template, (met, departure, nothing) in EVIDENCE.items():
        assert f"| `{template}` | met when {met} | a departure when {departure} | not evaluable when {nothing} |" in docs
    shown = run("rules", "show", "single-assessment-within-45-working-days")
    assert shown.returncode == 0, shown.stderr
    for line in evidence_lines("within"):
        assert f"  {line}\n" in shown.stdout
    assert "unless a referral decision (decision is one of no further action" in shown.stdout
