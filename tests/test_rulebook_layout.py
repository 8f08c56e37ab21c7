"""How a rulebook is laid out and written: one rule to a file beside its family's index.yaml, parameters that
persist from one edition to the next, aliases that keep decisions files working after a renaming, and the
published JSON Schema."""

import datetime
import fnmatch
import json
import shutil
import tomllib

import jsonschema
import pytest

from auditor.appendix.decision_files import load_decisions
from auditor.appendix.decisions import Decision, dump_decisions
from auditor.audit.run import audit
from auditor.chronology.loader import load_chronology
from auditor.errors import InputError
from auditor.files.reading import load_file
from auditor.rulebook import load_rulebook
from auditor.rulebook.json_schema import SCHEMAS

from .conftest import FOUNDING_CASE, ROOT, RULES

WT = '{{document: Working Together to Safeguard Children, edition: "{}", verified: false, checked: 2026-11-25}}'
INDEX = "family: trial\njurisdiction: england\ndescription: A family written one rule to a file.\n"


def own_file_rule(rule_id: str, editions: str, extra: str = "") -> str:
    return f"""id: {rule_id}
title: A conference within a number of working days
severity: must
jurisdiction: england
theme: timeliness
agency: childrens-social-care
{extra}check:
  template: within
  trigger: {{type: strategy-discussion}}
  counterpart: {{type: initial-child-protection-conference}}
  limit: 15 working-days
editions:
{editions}
"""


THREE_EDITIONS = f"""  - label: WT 2006
    in_force: {{from: 2006-04-01, to: 2010-02-28}}
    cite: [{WT.format("2006")}]
  - label: WT 2010
    in_force: {{from: 2010-03-01, to: 2013-04-14}}
    params: {{limit: 10 working-days}}
    cite: [{WT.format("2010")}]
  - label: WT 2013
    in_force: {{from: 2013-04-15}}
    cite: [{WT.format("2013")}]
"""


def folder_rulebook(tmp_path, files: dict[str, str]):
    root = tmp_path / "rules"
    (root / "england" / "trial").mkdir(parents=True)
    for name in ("rulebook.yaml", "vocabulary.yaml"):
        shutil.copy(RULES / name, root / name)
    for name, text in files.items():
        (root / "england" / "trial" / name).write_text(text)
    return root


def test_a_parameter_holds_in_later_editions_until_one_changes_it(tmp_path):
    root = folder_rulebook(tmp_path, {"index.yaml": INDEX, "conference.yaml": own_file_rule("conference", THREE_EDITIONS)})
    book = load_rulebook(root)
    limits = {v.edition: v.check.limit.human() for v in book.variants}
    assert limits == {"WT 2006": "15 working days", "WT 2010": "10 working days", "WT 2013": "10 working days"}
    changed = THREE_EDITIONS.replace("""    in_force: {from: 2013-04-15}
""", """    in_force: {from: 2013-04-15}
    params: {limit: 20 working-days}
""")
    book = load_rulebook(folder_rulebook(tmp_path / "b", {"index.yaml": INDEX, "conference.yaml": own_file_rule("conference", changed)}))
    assert {v.edition: v.check.limit.n for v in book.variants} == {"WT 2006": 15, "WT 2010": 10, "WT 2013": 20}


def test_editions_written_out_of_date_order_still_inherit_by_date(tmp_path):
    blocks = THREE_EDITIONS.split("  - label: ")[1:]
    shuffled = "".join("  - label: " + blocks[i] for i in (2, 0, 1))
    book = load_rulebook(folder_rulebook(tmp_path, {"index.yaml": INDEX, "c.yaml": own_file_rule("conference", shuffled)}))
    assert {v.edition: v.check.limit.n for v in book.variants} == {"WT 2006": 15, "WT 2010": 10, "WT 2013": 10}


def test_a_rule_in_its_own_file_takes_its_family_from_the_index_and_the_index_orders_the_folder(tmp_path):
    files = {"index.yaml": INDEX + "order: [zeta, alpha]\n",
             "alpha.yaml": own_file_rule("alpha", THREE_EDITIONS), "zeta.yaml": own_file_rule("zeta", THREE_EDITIONS)}
    book = load_rulebook(folder_rulebook(tmp_path, files))
    assert list(book.rules) == ["zeta", "alpha"]
    assert book.origins["alpha"].family == "trial" and book.origins["alpha"].file.endswith("alpha.yaml")


def test_a_rule_file_without_an_index_and_an_order_naming_no_rule_are_refused_with_the_file(tmp_path):
    root = folder_rulebook(tmp_path, {"alpha.yaml": own_file_rule("alpha", THREE_EDITIONS)})
    with pytest.raises(InputError) as caught:
        load_rulebook(root)
    [problem] = caught.value.problems
    assert problem.file.endswith("alpha.yaml") and "needs an index.yaml beside it" in problem.message
    (root / "england" / "trial" / "index.yaml").write_text(INDEX + "order: [alpha, beta]\n")
    with pytest.raises(InputError) as caught:
        load_rulebook(root)
    [problem] = caught.value.problems
    assert problem.file.endswith("index.yaml") and problem.field == "order[1]" and problem.line == 4
    assert "no rule 'beta' in this folder" in problem.message


def test_a_problem_in_a_rule_file_names_its_own_line_and_field(tmp_path):
    text = own_file_rule("alpha", THREE_EDITIONS).replace("agency: childrens-social-care\n", "agency: nobody\n", 1)
    with pytest.raises(InputError) as caught:
        load_rulebook(folder_rulebook(tmp_path, {"index.yaml": INDEX, "alpha.yaml": text}))
    [problem] = caught.value.problems
    assert problem.file.endswith("alpha.yaml") and problem.field == "agency" and problem.line == 6


def test_a_decision_written_under_a_former_rule_id_attaches_to_the_renamed_rule(tmp_path):
    renamed = tmp_path / "rules"
    shutil.copytree(RULES, renamed)
    path = renamed / "england" / "child-protection-conferences" / "icpc-within-15-working-days.yaml"
    text = path.read_text().replace("id: icpc-within-15-working-days\n", "id: icpc-timescale\naliases: [icpc-within-15-working-days]\n", 1)
    path.write_text(text)
    (renamed / "england" / "child-protection-conferences" / "index.yaml").write_text(
        (renamed / "england" / "child-protection-conferences" / "index.yaml").read_text()
        .replace("  - icpc-within-15-working-days\n", "  - icpc-timescale\n"))
    book = load_rulebook(renamed)
    assert book.aliases == {"icpc-within-15-working-days": "icpc-timescale"}
    from auditor.engine.plan import plan_variant
    from auditor.engine.reference import ReferenceEngine

    chron = load_chronology(FOUNDING_CASE, book.vocabulary)
    result = audit(chron, book, ReferenceEngine([plan_variant(v) for v in book.variants]), "x")
    [finding] = [f for f in result.findings if f.rule_id == "icpc-timescale"]
    old_id = finding.id.replace("icpc-timescale", "icpc-within-15-working-days", 1)
    decisions = tmp_path / "decisions.yaml"
    decisions.write_text(dump_decisions(chron.case.id, [Decision(finding=old_id, decision="confirmed", reason="agreed",
                                                                 date=datetime.date(2026, 12, 1))]))
    assert [d.finding for d in load_decisions(decisions, result).stale] == [old_id]  # without the aliases: no finding
    assert load_decisions(decisions, result, book.aliases).by_finding[finding.id].decision == "confirmed"


def test_an_alias_that_is_another_rules_id_is_refused(tmp_path):
    files = {"index.yaml": INDEX, "alpha.yaml": own_file_rule("alpha", THREE_EDITIONS, "aliases: [zeta]\n"),
             "zeta.yaml": own_file_rule("zeta", THREE_EDITIONS)}
    with pytest.raises(InputError) as caught:
        load_rulebook(folder_rulebook(tmp_path, files))
    assert "alias 'zeta' of 'alpha' is another rule's id" in str(caught.value)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value


def test_the_published_json_schemas_are_the_models_own():
    for name, make in SCHEMAS.items():
        published = json.loads((ROOT / "docs" / "schema" / name).read_text())
        assert published == json.loads(json.dumps(make())), f"docs/schema/{name} is stale: run scripts/export_rule_schema.py"


def test_every_rule_file_is_valid_under_the_published_schema_and_the_schema_refuses_a_slip():
    schemas = {name: json.loads((ROOT / "docs" / "schema" / name).read_text()) for name in SCHEMAS}
    files = [p for p in sorted(RULES.rglob("*.yaml")) if p.name not in ("rulebook.yaml", "vocabulary.yaml", "classification.yaml")]
    assert len(files) > 40
    for path in files:
        schema = schemas["family.schema.json" if path.name == "index.yaml" else "rule.schema.json"]
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(_jsonable(load_file(path).data)))
        assert not errors, (path, [e.message for e in errors])
    rule = _jsonable(load_file(RULES / "england" / "child-protection-conferences" / "icpc-within-15-working-days.yaml").data)
    validator = jsonschema.Draft202012Validator(schemas["rule.schema.json"])
    assert not list(validator.iter_errors(rule))
    for slip in ({"check": {**rule["check"], "limit": "15 working dayz"}},
                 {"check": {**rule["check"], "trigger": {"type": "strategy-discussion", "where": {"attr": "x", "equals": 1}}}},
                 {"severity": "could"}, {"editions": []}, {"titel": "typo"}):
        assert list(validator.iter_errors({**rule, **slip})), slip


def test_the_package_installs_every_rule_file():
    """A new folder level under rules/ needs its pattern in pyproject.toml, or an installed auditor loses its rules."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["auditor_rules"]
    missing = [p.relative_to(RULES).as_posix() for p in RULES.rglob("*.yaml")
               if not any(fnmatch.fnmatch(p.relative_to(RULES).as_posix(), pat) and
                          p.relative_to(RULES).as_posix().count("/") == pat.count("/") for pat in patterns)]
    assert not missing


def test_the_rule_reference_page_is_generated_from_the_rulebook_and_covers_every_template_and_operator(rulebook):
    from auditor.reports.rule_reference import reference_markdown
    from auditor.rulebook.conditions import OPS
    from auditor.rulebook.schema import TEMPLATES

    page = reference_markdown(rulebook)
    assert (ROOT / "docs" / "rule-reference.md").read_text() == page, "run scripts/rule_reference.py"
    for template in TEMPLATES:
        assert f"### `{template}`" in page and "No shipped rule uses this template" not in page
    for op in OPS:
        assert f"| `{op}` |" in page


def test_the_reference_pages_illustrations_are_conditions_the_loader_accepts(rulebook):
    from auditor.files.reading import Document
    from auditor.reports.rule_reference import _illustration
    from auditor.rulebook.conditions import parse_condition
    from auditor.rulebook.loader import _condition_problems

    for op in ("not_empty", "gt", "gte", "lt", "lte"):
        condition = parse_condition(_illustration(rulebook, op))
        assert not _condition_problems(condition, Document("x", {}), (), rulebook.vocabulary), op


def test_every_rule_says_what_it_expects_in_one_plain_sentence(rulebook):
    """Reports say what the standard expects in its author's words (Rule.expects), not the check's generated
    text: a sentence, in British English, that leaves the severity ("must", "should") to the finding."""
    for rule in rulebook.rules.values():
        assert rule.expects, rule.id
        assert rule.expects[0].isupper() and rule.expects.endswith(".") and len(rule.expects.split()) <= 35, rule.id
        assert not {"must", "should"} & set(rule.expects.lower().replace(",", " ").split()), rule.id


def test_the_appendix_gives_the_standard_in_its_author_s_words(rulebook, tmp_path):
    from auditor.appendix.model import build_appendix
    from auditor.audit.run import audit
    from auditor.chronology.loader import load_chronology
    from auditor.engine.reference import ReferenceEngine
    from auditor.engine.plan import plan_variant

    from .conftest import FOUNDING_CASE

    chron = load_chronology(FOUNDING_CASE, rulebook.vocabulary)
    result = audit(chron, rulebook, ReferenceEngine([plan_variant(v) for v in rulebook.variants]), "test")
    appendix = build_appendix(result, rulebook)
    assert appendix.summary and all(row.standard == rulebook.rules[f.rule_id].expects
                                    for row in appendix.summary for f in appendix.findings if f.number == row.number)


def test_every_rule_says_why_it_matters_and_what_to_do_now(rulebook):
    """The briefing's grid reads each rule's `why` (why it matters) and `do_now` (what you should do now)."""
    for rule in rulebook.rules.values():
        assert rule.why and rule.why.endswith("."), rule.id
        assert rule.do_now and rule.do_now[0].isupper() and rule.do_now.endswith("."), rule.id
        assert not {"must", "should"} & set(rule.do_now.lower().replace(",", " ").split()), rule.id


def test_every_rule_has_a_distinct_short_title_for_column_headers(rulebook):
    shorts = [rule.short_title for rule in rulebook.rules.values()]
    assert all(shorts) and len(set(shorts)) == len(shorts) and max(map(len, shorts)) <= 32
    assert all(rule.short_title.startswith("Wales: ") == (rule.jurisdiction == ["wales"])
               for rule in rulebook.rules.values())
