"""Write the rule files' JSON Schemas to docs/schema/ (run after changing auditor/rulebook/schema.py).

    python scripts/export_rule_schema.py
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.rulebook.json_schema import SCHEMAS


def main() -> None:
    folder = ROOT / "docs" / "schema"
    folder.mkdir(exist_ok=True)
    for name, make in SCHEMAS.items():
        (folder / name).write_text(json.dumps(make(), indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        print(f"wrote docs/schema/{name}")


if __name__ == "__main__":
    main()
