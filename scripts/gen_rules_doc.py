"""Write docs/rules.md from the rule catalogue (src/icpflow/data/rules.toml).

    .venv/bin/python scripts/gen_rules_doc.py          # rewrite docs/rules.md
    .venv/bin/python scripts/gen_rules_doc.py --check  # exit 1 if docs/rules.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from icpflow.bootstrap import load_catalogue, load_regions
from icpflow.config import Settings
from icpflow.domain.enums import FilingKind, ProgramType, SubjectNature, label
from icpflow.domain.regions import RegionTable
from icpflow.domain.rules.catalogue import Rule

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "rules.md"

HEADER = """# Rule catalogue

Generated from `src/icpflow/data/rules.toml` by `scripts/gen_rules_doc.py` (catalogue version {version},
{count} rules); `scripts/test` fails when this file is out of date. Every rule cites the seed document
(`shared/seeds/`) or reference section it comes from. Severity `error` blocks submission, `warning` means
a bureau may reject, `info` is advice. Requirements (materials a case needs) block while unmet.

The same list, filtered by province, is printed by `icpflow rules [--province 440000] [--format json]`.

## Overrides

An operator changes or disables any rule without a deploy: point `ICPFLOW_RULES_OVERRIDE_FILE` at a TOML
file with one table per rule id. Every field is optional; `params` keys are merged into the rule's params;
`scope` replaces the whole scope. Unknown rule ids or keys stop start-up with the path of the mistake.

```toml
[rules."province.chongqing.public_commitment"]
reason  = "seed 004 §1.3 重庆 4: 上传至【附件-主体补充材料】"   # shown as the rule's `overridden` note
params  = {{ slot = "subject_supplementary" }}
# enabled = false | severity = "warning" | effective_from = "2027-01-01" | effective_to = ...
# message = "…" | fix = "…" | source = "…" | note = "…" | scope = {{ provinces = ["500000"], ... }}
```

Examples ship in `examples/overrides/`. Where the seeds contradict each other the catalogue picks one
reading and says so in the rule's note; the other reading ships as an override there.

Operators also override rules in the database, from the console (`/operator/rules`), the API
(`PUT /api/v1/operator/rules/{{rule_id}}/override`) or `icpflow operator rules override ID --disable --note …`.
Precedence: `rules.toml` → the override file → the database override, field by field (enabled, severity,
effective dates, message, fix; scope and params stay file-only). Every process picks a change up within
`ICPFLOW_CONFIG_REFRESH_SECONDS` (default 5 s); docs/operator-config.md has the details. `icpflow check` and
`icpflow rules` run without a database and use the files only.
"""

GROUPS = (
    ("field.", "Field formats"),
    ("nationwide.", "Nationwide rules"),
    ("province.", "Province rules (管局特殊规则)"),
)


def _where(rule: Rule, regions: RegionTable) -> str:
    scope = rule.scope
    parts = []
    if scope.provinces is None:
        parts.append("全国")
    else:
        parts.append("、".join(regions.province_short(p) for p in sorted(scope.provinces)))
    if scope.provinces_excluded:
        parts.append("除 " + "、".join(regions.province_short(p) for p in sorted(scope.provinces_excluded)))
    if scope.natures is not None:
        parts.append("主体：" + "、".join(label(SubjectNature(n)) for n in sorted(scope.natures)))
    if scope.natures_excluded:
        parts.append("不含 " + "、".join(label(SubjectNature(n)) for n in sorted(scope.natures_excluded)))
    if scope.program_types is not None:
        parts.append("、".join(label(ProgramType(t)) for t in sorted(scope.program_types)))
    if scope.kinds is not None and set(scope.kinds) != set(FilingKind):
        parts.append("、".join(label(FilingKind(k)) for k in sorted(scope.kinds)))
    return "；".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    catalogue = load_catalogue(Settings(rules_override_file=None))
    regions = load_regions()
    out = [HEADER.format(version=catalogue.version, count=len(catalogue.rules))]
    for prefix, title in GROUPS:
        rules = [r for r in catalogue.rules if r.id.startswith(prefix)]
        out.append(f"\n## {title}\n")
        out.append("| id | what it checks | where it applies | severity | source | effective |")
        out.append("| --- | --- | --- | --- | --- | --- |")
        for r in rules:
            what = r.title + (f"<br>*Note:* {r.note}" if r.note else "")
            out.append(
                f"| `{r.id}` | {_cell(what)} | {_cell(_where(r, regions))} | {r.severity.value} | "
                f"{_cell(r.source)} | {r.effective_from.isoformat()} |"
            )
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print("docs/rules.md is out of date: run .venv/bin/python scripts/gen_rules_doc.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
