"""The summary of every benchmark (issue #21): reads bench/results/*.json, which each
bench/bench_*.py writes, and prints one table (figure, value, anchor, ratio, goal, met); without
--quick it also writes the table between `<!-- bench_summary:begin -->` and
`<!-- bench_summary:end -->` near the top of docs/performance.md. `make bench` runs it last.

Each JSON file: {"bench": "search", "quick": false, "date": "2026-12-07", "machine": "...",
"loadavg": [...], "figures": [{"key", "label", "value", "unit", "anchor_label", "anchor_value",
"ratio", "goal", "met"}]}. Figures are read as ratios to their anchor, measured in the same run on
the same machine: the absolute values move with the machine's load, shown beside each bench.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench_summary:begin -->", "<!-- bench_summary:end -->"
MET = {True: "yes", False: "**no**", None: ""}


def _number(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, int | float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:,.1f}"
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value else "0"
    return str(value)


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def load(folder: Path = RESULTS) -> tuple[list[dict], list[str]]:
    """Every result file, by bench name; and the files that could not be read (named, not fatal)."""
    results, problems = [], []
    for path in sorted(folder.glob("*.json")):
        try:
            result = json.loads(path.read_text())
            if not isinstance(result.get("figures"), list):
                raise ValueError("no list of figures")
        except (OSError, ValueError) as problem:
            problems.append(f"{path.name}: {problem}")
            continue
        result.setdefault("bench", path.stem)
        results.append(result)
    return results, problems


def table(results: list[dict]) -> str:
    lines = ["| Bench | Figure | Value | Anchor | Ratio | Goal | Met |", "|---|---|---:|---|---:|---|:-:|"]
    for result in results:
        for figure in result["figures"]:
            unit = figure.get("unit") or ""
            value = f"{_number(figure.get('value'))} {unit}".strip()
            anchor = figure.get("anchor_label") or ""
            if figure.get("anchor_value") is not None:
                anchor = f"{anchor}: {_number(figure['anchor_value'])}" if anchor else _number(figure["anchor_value"])
            ratio = figure.get("ratio")
            lines.append("| " + " | ".join(_cell(cell) for cell in (
                result["bench"], figure.get("label") or figure.get("key", ""), value, anchor,
                f"{_number(ratio)}×" if ratio not in (None, "") else "", figure.get("goal") or "",
                MET.get(figure.get("met"), str(figure.get("met")))) ) + " |")
    return "\n".join(lines)


def runs(results: list[dict]) -> str:
    """One line a bench: when, where, how loaded the machine was, and whether it was a quick run."""
    lines = []
    for result in results:
        loadavg = result.get("loadavg") or []
        load_text = (f"load average {', '.join(_number(x) for x in loadavg[:3])}" if loadavg
                     else "load average not given")
        quick = " (quick run)" if result.get("quick") else ""
        where = f"{result.get('date', '?')}; {result.get('machine', '?')}"
        lines.append(f"- `{result['bench']}`{quick}: {where}; {load_text}.")
    return "\n".join(lines)


def summary(results: list[dict]) -> str:
    if not results:
        return "_No results yet: run `make bench`._"
    return "\n".join([table(results), "", runs(results)])


def write_doc(block: str, doc: Path = DOC) -> None:
    text = doc.read_text()
    wrapped = f"{BEGIN}\n{block}\n{END}"
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: wrapped, text, count=1, flags=re.S)
    else:
        # Near the top: after the title and its first paragraph.
        head, _, rest = text.partition("\n## ")
        text = f"{head.rstrip()}\n\n## Summary\n\n{wrapped}\n\n## {rest}" if rest else f"{text.rstrip()}\n\n{wrapped}\n"
    doc.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="print only; leave docs/performance.md as it is")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder of the JSON results")
    args = parser.parse_args()
    results, problems = load(args.results)
    block = summary(results)
    print(block)
    for problem in problems:
        print(f"could not read {problem}", file=sys.stderr)
    if not args.quick:
        write_doc(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
