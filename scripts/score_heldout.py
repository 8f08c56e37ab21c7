"""Score the audit on the held-out cases: recall of the departures each source names, and what else it raises.

    python scripts/score_heldout.py                 # a table per case, and the totals
    python scripts/score_heldout.py --detail        # every departure: found, missed (and the finding's status)
    python scripts/score_heldout.py --pin           # rewrite each case's findings.yaml (the suite's pin)

Each case in fixtures/heldout/ has the chronology an independent encoder wrote from a published source
(never seeing rules/), the source's own departures (departures.yaml) and, written before any audit, which
rules encode each one (scoring.yaml). A departure is *found* when the audit gives a departure or possible
departure for one of its rules citing one of its entries. The audit's other departures are listed so a
person can judge each plausible or false (scoring.yaml `raised:`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.audit.run import AuditResult, audit  # noqa: E402
from auditor.chronology.loader import load_chronology  # noqa: E402
from auditor.engine import engine_version, open_matcher  # noqa: E402
from auditor.rulebook import load_rulebook  # noqa: E402

HELDOUT = ROOT / "fixtures" / "heldout"
FLAGGED = ("breach", "possible-breach")


def cases() -> list[Path]:
    return sorted(p for p in HELDOUT.iterdir() if (p / "chronology.yaml").exists())


def audit_case(folder: Path, book, matcher, engine: str) -> AuditResult:
    chron = load_chronology(folder / "chronology.yaml", book.vocabulary)
    return audit(chron, book, matcher, engine_version(engine))


def _cited(finding) -> set[str]:
    return {e.event_id for e in finding.evidence}


def score(folder: Path, result: AuditResult) -> dict:
    scoring = yaml.safe_load((folder / "scoring.yaml").read_text(encoding="utf-8"))
    departures = scoring["departures"]
    judged = scoring.get("raised") or {}
    flagged = [f for f in result.findings if f.status in FLAGGED]
    rows, matched = [], set()
    for key, d in departures.items():
        rules = set(d.get("rules") or [])
        if not rules:
            continue
        events = set(d.get("events") or [])
        hits = [f for f in result.findings if f.rule_id in rules and (not events or _cited(f) & events)]
        found = [f for f in hits if f.status in FLAGGED]
        matched.update(f.id for f in found)
        rows.append({"departure": key, "rules": sorted(rules), "found": bool(found),
                     "statuses": sorted({f.status for f in hits}) or ["no finding"]})
    raised = [{"id": f.id, "status": f.status, "judged": _verdict((judged.get(f.id) or {}).get("judged")),
               "why": (judged.get(f.id) or {}).get("why", "")} for f in flagged if f.id not in matched]
    return {"case": folder.name, "departures": len(departures), "encodable": len(rows),
            "found": sum(r["found"] for r in rows), "rows": rows, "raised": raised}


def _verdict(value: object) -> str:
    """A reviewer's judgement as written: plausible, or false (YAML reads a bare `false` as a boolean)."""
    if value is None:
        return "unjudged"
    return "false" if value is False else str(value).lower()


def pin(folder: Path, result: AuditResult) -> None:
    findings = {f.id: f.status for f in result.findings if f.status != "not-applicable"}
    text = ("# The audit's findings on this held-out case (ids and statuses), pinned by tests/test_heldout.py.\n"
            "# Regenerate with `python scripts/score_heldout.py --pin` after a deliberate rule change, and say why\n"
            "# in the commit; never edit the chronology to change them.\n")
    text += yaml.safe_dump({"findings": findings}, sort_keys=True, allow_unicode=True)
    (folder / "findings.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", default="durable", choices=["durable", "reference"])
    parser.add_argument("--detail", action="store_true")
    parser.add_argument("--pin", action="store_true")
    args = parser.parse_args()
    book = load_rulebook(None)
    totals = {"encodable": 0, "found": 0, "raised": 0, "false": 0, "plausible": 0, "unjudged": 0}
    with open_matcher(book, args.engine) as matcher:
        for folder in cases():
            result = audit_case(folder, book, matcher, args.engine)
            if args.pin:
                pin(folder, result)
            s = score(folder, result)
            kinds = {k: sum(r["judged"] == k for r in s["raised"]) for k in ("plausible", "false", "unjudged")}
            recall = f"{s['found'] / s['encodable']:.0%}" if s["encodable"] else "n/a"
            print(f"{s['case']}: {s['departures']} departures named, {s['encodable']} encodable, {s['found']} found "
                  f"(recall {recall}); {len(s['raised'])} other departures raised: {kinds['plausible']} plausible, "
                  f"{kinds['false']} false, {kinds['unjudged']} not yet judged")
            if args.detail:
                for r in s["rows"]:
                    print(f"  {'found ' if r['found'] else 'MISSED'} {r['departure']}: {', '.join(r['rules'])} "
                          f"({', '.join(r['statuses'])})")
                for r in s["raised"]:
                    print(f"  raised {r['id']} ({r['status']}): {r['judged']} {r['why']}")
            totals["encodable"] += s["encodable"]
            totals["found"] += s["found"]
            totals["raised"] += len(s["raised"])
            for k in ("plausible", "false", "unjudged"):
                totals[k] += kinds[k]
    recall = f"{totals['found'] / totals['encodable']:.0%}" if totals["encodable"] else "n/a"
    print(f"all: {totals['found']} of {totals['encodable']} encodable departures found (recall {recall}); "
          f"{totals['raised']} others raised: {totals['plausible']} plausible, {totals['false']} false, "
          f"{totals['unjudged']} not yet judged")


if __name__ == "__main__":
    main()
