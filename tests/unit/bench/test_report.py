"""bench/report.py: the summary table of every bench's JSON result, written between its markers
in docs/performance.md (made near the top the first time) and left alone with --quick."""

from __future__ import annotations

import json

from bench import report

PAGES = {"bench": "pages", "quick": False, "date": "2026-12-07", "machine": "2 cores", "loadavg": [1.5, 1.2, 0.9],
         "figures": [{"key": "home_rps", "label": "Home page, requests/s", "value": 412.3, "unit": "req/s",
                      "anchor_label": "bare Flask page", "anchor_value": 1312.0, "ratio": 0.314,
                      "goal": "≥ 200 req/s", "met": True},
                     {"key": "home_server_ms", "label": "Home | server time", "value": 2.5, "unit": "ms",
                      "anchor_label": "", "anchor_value": None, "ratio": None, "goal": "", "met": None}]}
SEARCH = {"bench": "search", "quick": True, "date": "2026-12-07", "machine": "2 cores", "loadavg": [3.0],
          "figures": [{"key": "index_build", "label": "Index build", "value": 61.2, "unit": "s",
                       "anchor_label": "SQLite FTS5 build", "anchor_value": 9.0, "ratio": 6.8, "goal": "≤ 3× FTS5",
                       "met": False}]}


def _results(tmp_path, *results) -> None:
    for result in results:
        (tmp_path / f"{result['bench']}.json").write_text(json.dumps(result))


def test_the_table_has_a_row_a_figure_with_its_anchor_ratio_goal_and_whether_it_is_met(tmp_path):
    _results(tmp_path, PAGES, SEARCH)
    (tmp_path / "broken.json").write_text("{not json")
    results, problems = report.load(tmp_path)
    text = report.summary(results)
    assert [r["bench"] for r in results] == ["pages", "search"] and problems[0].startswith("broken.json")
    assert "| pages | Home page, requests/s | 412 req/s | bare Flask page: 1,312 | 0.31× | ≥ 200 req/s | yes |" in text
    assert "| pages | Home \\| server time | 2.5 ms |  |  |  |  |" in text
    assert "| search | Index build | 61.2 s | SQLite FTS5 build: 9 | 6.8× | ≤ 3× FTS5 | **no** |" in text
    assert "- `search` (quick run): 2026-12-07; 2 cores; load average 3." in text
    assert "- `pages`: 2026-12-07; 2 cores; load average 1.5, 1.2, 0.9." in text


def test_the_block_is_made_near_the_top_once_and_then_replaced(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nIntro.\n\n## Search\n\nText.\n")
    report.write_doc("first table", doc)
    report.write_doc("second table", doc)
    text = doc.read_text()
    assert text.count(report.BEGIN) == 1 and "first table" not in text
    assert text.index("second table") < text.index("## Search")
    assert text.startswith("# Performance\n\nIntro.\n\n## Summary\n\n<!-- bench_summary:begin -->\nsecond table\n")


def test_no_results_says_how_to_make_them(tmp_path):
    assert "make bench" in report.summary(report.load(tmp_path)[0])
