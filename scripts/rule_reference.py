"""Write docs/rule-reference.md from the shipped rulebook (run after changing a rule or a template).

    python scripts/rule_reference.py
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.reports.rule_reference import reference_markdown
from auditor.rulebook import load_rulebook


def main() -> None:
    (ROOT / "docs" / "rule-reference.md").write_text(reference_markdown(load_rulebook(ROOT / "rules")))
    print("wrote docs/rule-reference.md")


if __name__ == "__main__":
    main()
