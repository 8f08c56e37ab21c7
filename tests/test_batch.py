"""Batch audits: streamed inputs, stable order, every case accounted for, the board pack's data."""

import json
import subprocess
import sys

import pytest
import yaml

from auditor.batch.inputs import iter_inputs
from auditor.batch.runner import run_batch
from auditor.batch.worker import CaseOptions

from .conftest import FOUNDING_CASE


def run(*args, cwd=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout)


def variant(case_id: str, title: str | None = None, shift_years: int = 0) -> dict:
    """The founding case under another id (and title), as one JSON-lines record."""
    data = yaml.safe_load(FOUNDING_CASE.read_text(encoding="utf-8"))
    data["case"]["id"] = case_id
    if title is not None:
        data["case"]["title"] = title
    return json.loads(json.dumps(data, default=str))


@pytest.fixture()
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-founding.yaml").write_bytes(FOUNDING_CASE.read_bytes())
    (folder / "b-broken.yaml").write_text("case: {id: broken-1}\nevents: []\n")
    (folder / "c-notes.txt").write_text("not a chronology, and not picked up from a folder\n")
    lines = [json.dumps(variant("copy-1")), "{not json", json.dumps(variant("copy-2", "=HYPERLINK(\"http://x\")"))]
    (tmp_path / "more.jsonl").write_text("\n".join(lines) + "\n\n")
    return [str(folder), str(tmp_path / "more.jsonl"), str(tmp_path / "absent.yaml")]


def test_inputs_expand_in_a_stable_order_with_json_lines_by_line(inputs, tmp_path):
    labels = [i.label for i in iter_inputs(inputs)]
    assert labels == [f"{tmp_path}/in/a-founding.yaml", f"{tmp_path}/in/b-broken.yaml", f"{tmp_path}/more.jsonl:1",
                      f"{tmp_path}/more.jsonl:2", f"{tmp_path}/more.jsonl:3", f"{tmp_path}/absent.yaml"]
    assert [i.index for i in iter_inputs(inputs)] == list(range(6))
    assert [i.label for i in iter_inputs([f"{tmp_path}/in/*.yaml"])] == labels[:2]


def test_one_bad_case_never_loses_the_others(inputs, tmp_path):
    out = tmp_path / "out"
    result = run_batch(inputs, out, workers=0, engine="reference", formats=("csv", "json"))
    assert (result.audited, result.failed, result.crashed) == (3, 3, 0)
    assert sorted(p.name for p in (out / "cases").iterdir()) == ["bdhr-2012-13-04.json", "copy-1.json", "copy-2.json"]
    errors = (out / "errors.csv").read_text()
    assert "b-broken.yaml:1: case.scoping: required field is missing" in errors
    assert "more.jsonl:2" in errors and "absent.yaml: file not found" in errors
    data = json.loads((out / "board.json").read_text())
    assert [c["case_id"] for c in data["matrix"]["cases"]] == ["bdhr-2012-13-04", "copy-1", "copy-2"]
    assert data["meta"]["cases_audited"] == 3 and data["meta"]["cases_failed"] == 3
    per_case = json.loads((out / "cases" / "copy-1.json").read_text())
    assert per_case["meta"]["rulebook_version"] == data["meta"]["rulebook_version"]


def test_board_counts_add_up_and_show_good_practice_beside_gaps(inputs, tmp_path):
    out = tmp_path / "out"
    run_batch(inputs, out, workers=0, engine="reference", formats=("json",))
    data = json.loads((out / "board.json").read_text())
    invited = next(s for s in data["standards"] if s["rule_id"] == "police-invited-to-icpc-where-domestic-abuse")
    assert (invited["breach"], invited["cases_with_departure"], invited["departure_rate"]) == (3, 3, 1.0)
    total = sum(s["judged"] for s in data["standards"])
    assert total == sum(a["judged"] for a in data["agencies"]) == sum(y["judged"] for y in data["years"])
    assert any(g["rule_id"] == "victim-seen-alone-where-domestic-abuse" for g in data["good_practice"])
    cells = {c["case_id"]: c["statuses"] for c in data["matrix"]["cases"]}
    assert cells["copy-1"]["icpc-within-15-working-days"] == "possible-breach"


def test_duplicate_case_ids_are_reported_not_overwritten(tmp_path):
    jsonl = tmp_path / "dups.jsonl"
    jsonl.write_text(json.dumps(variant("same")) + "\n" + json.dumps(variant("same")) + "\n")
    result = run_batch([str(jsonl)], tmp_path / "out", workers=0, engine="reference", formats=("json",))
    assert (result.audited, result.failed) == (1, 1)
    assert "case id 'same' is also the id of" in (tmp_path / "out" / "errors.csv").read_text()


def test_since_and_until_count_only_events_in_the_window(tmp_path):
    out_all, out_2012 = tmp_path / "all", tmp_path / "2012"
    run_batch([str(FOUNDING_CASE)], out_all, workers=0, engine="reference", formats=("json",))
    from datetime import date
    run_batch([str(FOUNDING_CASE)], out_2012, workers=0, engine="reference", formats=("json",),
              since=date(2012, 1, 1), until=date(2012, 12, 31))
    years_all = [y["year"] for y in json.loads((out_all / "board.json").read_text())["years"]]
    years_2012 = [y["year"] for y in json.loads((out_2012 / "board.json").read_text())["years"]]
    assert "2010" in years_all and years_2012 == ["2012"]


def test_compare_gives_rates_then_and_now(tmp_path):
    first, second = tmp_path / "q1", tmp_path / "q2"
    run_batch([str(FOUNDING_CASE)], first, workers=0, engine="reference", formats=("json",))
    run_batch([str(FOUNDING_CASE)], second, workers=0, engine="reference", formats=("json", "csv"), compare=first)
    comparison = json.loads((second / "board.json").read_text())["comparison"]
    row = next(r for r in comparison["standards"] if r["rule_id"] == "police-invited-to-icpc-where-domestic-abuse")
    assert row["departure_rate_before"] == row["departure_rate_now"] == 1.0
    assert (second / "board-csv" / "compare-standards.csv").exists()


def test_spreadsheet_cells_from_chronology_text_are_neutralised(inputs, tmp_path):
    out = tmp_path / "out"
    run_batch(inputs, out, workers=0, engine="reference", formats=("csv",))
    matrix = (out / "board-csv" / "matrix.csv").read_text()
    assert "'=HYPERLINK" in matrix and ",=HYPERLINK" not in matrix


def test_the_command_line_exit_code_says_whether_any_case_failed(inputs, tmp_path):
    proc = run("batch", *inputs, "--out", str(tmp_path / "out"), "--workers", "1", "--format", "json")
    assert proc.returncode == 2, proc.stderr
    assert "3 cases audited, 3 could not be" in proc.stdout
    proc = run("batch", str(FOUNDING_CASE), "--out", str(tmp_path / "ok"), "--workers", "1", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal
    proc = run("batch", str(FOUNDING_CASE), "--format", "pdf")
    assert proc.returncode == 2 and "unknown format" in proc.stderr


def test_results_are_byte_identical_whatever_the_number_of_workers(inputs, tmp_path):
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        proc = run("batch", *inputs, "--out", str(out), "--workers", workers, "--format", "csv,json")
        assert proc.returncode == 2, proc.stderr
        outs.append(out)
    files = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file())
    assert len(files) > 8
    for rel in files:
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), rel


def test_dask_executor_gives_exactly_the_local_results(inputs, tmp_path):
    from distributed import Client, LocalCluster

    local = tmp_path / "local"
    run_batch(inputs, local, workers=0, engine="reference", formats=("json", "csv"))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        result = run_batch(inputs, tmp_path / "dask", engine="reference", formats=("json", "csv"), executor="dask",
                           scheduler=client)
    assert (result.audited, result.failed) == (3, 3)
    for rel in sorted(p.relative_to(local) for p in local.rglob("*") if p.is_file()):
        assert (local / rel).read_bytes() == (tmp_path / "dask" / rel).read_bytes(), rel


def test_ctrl_c_stops_cleanly_and_leaves_nothing_half_written(tmp_path):
    import signal
    import time

    jsonl = tmp_path / "many.jsonl"
    jsonl.write_text("".join(json.dumps(variant(f"case-{i:04d}")) + "\n" for i in range(60)))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "batch", str(jsonl), "--out", str(out),
                             "--workers", "1", "--engine", "reference"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out / "cases").exists() or len(list((out / "cases").iterdir())) < 3:
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "nothing was left half-written" in stderr
    leftovers = [p.name for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == [] and not (out / "board.json").exists()
    for written in (out / "cases").iterdir():
        assert json.loads(written.read_text())["case"]["id"] == written.stem


def test_fixtures_two_hundred_synthetic_cases_and_three_broken_files_give_the_whole_pack(tmp_path):
    """The issue's acceptance run: every format written, the 3 broken files named, every other case audited."""
    from auditor.synth import iter_cases

    synthetic = tmp_path / "synthetic.jsonl"
    synthetic.write_text("".join(case.to_json() + "\n" for case in iter_cases(200, seed=7)))
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "not-yaml.yaml").write_text("case: [unclosed\n")
    (broken / "no-scoping.yaml").write_text("case: {id: x, title: t, jurisdiction: england}\nevents: []\n")
    (broken / "bad-date.json").write_text(json.dumps(variant("bad-date")).replace('"2012-06-11"', '"2012-02-30"'))
    out = tmp_path / "out"
    result = run_batch([str(FOUNDING_CASE.parent), str(synthetic), str(broken)], out, workers=0, engine="reference")
    assert (result.audited, result.failed) == (201, 3)
    failed = {row.split(",")[0] for row in (out / "errors.csv").read_text().splitlines()[1:]}
    assert failed == {str(broken / name) for name in ("not-yaml.yaml", "no-scoping.yaml", "bad-date.json")}
    assert len(list((out / "cases").iterdir())) == 201
    for name in ("board.json", "board.xlsx", "board.html", "board-csv/matrix.csv", "board-csv/standards.csv",
                 "board-csv/agencies.csv", "board-csv/years.csv", "board-csv/themes.csv", "board-csv/good-practice.csv"):
        assert (out / name).stat().st_size > 200, name
    data = json.loads((out / "board.json").read_text())
    assert len(data["matrix"]["cases"]) == 201 and len(data["years"]) > 10


def test_compact_case_files_give_back_every_full_finding_and_full_keeps_the_full_layout(inputs, tmp_path, rulebook):
    """The compact layout drops nothing: with citations.json and the rulebook, each case file gives back exactly
    the findings the full layout (and `auditor audit --format json`) writes."""
    from auditor.reports.compact import LAYOUT, expand

    run_batch(inputs, tmp_path / "compact", workers=0, engine="reference", formats=("json",))
    run_batch(inputs, tmp_path / "full", workers=0, engine="reference", formats=("json",),
              options=CaseOptions(full=True))
    catalogue = json.loads((tmp_path / "compact" / "citations.json").read_text())
    assert catalogue["meta"]["rulebook_version"] == rulebook.version and not (tmp_path / "full" / "citations.json").exists()
    names = sorted(p.name for p in (tmp_path / "full" / "cases").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "compact" / "cases").iterdir()) and len(names) == 3
    for name in names:
        full = json.loads((tmp_path / "full" / "cases" / name).read_text())
        compact = json.loads((tmp_path / "compact" / "cases" / name).read_text())
        assert "layout" not in full and compact["layout"] == LAYOUT
        assert all(f["status"] != "not-applicable" and "citations" not in f for f in compact["findings"])
        assert expand(compact, catalogue["citations"], rulebook) == full["findings"]
        assert {k: compact[k] for k in ("meta", "case", "readings", "summary", "limits")} == \
               {k: full[k] for k in ("meta", "case", "readings", "summary", "limits")}
        assert len((tmp_path / "compact" / "cases" / name).read_bytes()) < 0.6 * len((tmp_path / "full" / "cases" / name).read_bytes())
    assert (tmp_path / "compact" / "board.json").read_bytes() == (tmp_path / "full" / "board.json").read_bytes()
