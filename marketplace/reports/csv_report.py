"""The report as one flat CSV table for other spreadsheets and scripts: a row per figure, with
its section, key, label, commune, value, goal and note. UTF-8 with a BOM, so Excel reads the
diacritics; a text cell starting with = + - @ is neutralised (marketplace.spreadsheets), so a name
someone typed never runs as a formula. The first rows say which report it is."""

from __future__ import annotations

import csv
import io

from marketplace.reports.document import (
    ACTIVITY_LABELS,
    CONCERN_KINDS,
    CONCERN_STATUSES,
    EVENT_KINDS,
    MET,
    NOT_MET,
    OVERDUE,
    RECORD_KINDS,
    TITLE,
    detail_note,
    period_label,
    target_label,
    vn_day,
)
from marketplace.reports.figures import ReportFigures
from marketplace.spreadsheets import safe_row

COLUMNS = ("section", "key", "label", "commune", "value", "goal", "note")


def rows(figures: ReportFigures, *, commune_names: dict[str, str] | None = None,
         filed_on=None) -> list[list]:
    names = commune_names or {}

    def commune(code: str | None) -> str:
        return names.get(code or "", code or "")

    out: list[list] = [
        ["report", "title", f"{TITLE} {period_label(figures.period)}", "", "", "", ""],
        ["report", "unit", figures.unit_name, "", figures.unit_code, "", ""],
        ["report", "period", period_label(figures.period), "", figures.period, "", ""],
        ["report", "as_of", "Số liệu đến ngày", "", figures.as_of.isoformat(), "", vn_day(figures.as_of)],
        ["report", "filed_on", "Đã nộp ngày", "", filed_on.isoformat() if filed_on else "", "",
         vn_day(filed_on) if filed_on else "chưa nộp"],
    ]
    for t in figures.targets:
        out.append(["targets", t.key, target_label(t.key), "", t.actual, "" if t.goal is None else t.goal,
                    "; ".join(filter(None, [MET if t.met else NOT_MET, detail_note(t.key, t.detail)]))])
        for code, value in sorted(t.by_commune.items()):
            out.append(["targets_by_commune", t.key, target_label(t.key), commune(code), value, "", code])
    for a in figures.activity:
        out.append(["marketplace_activity", a.key, ACTIVITY_LABELS.get(a.key, a.key), "", a.value, "", ""])
        for code, value in sorted(a.by_commune.items()):
            out.append(["marketplace_activity_by_commune", a.key, ACTIVITY_LABELS.get(a.key, a.key), commune(code),
                        value, "", code])
    for e in sorted(figures.club_events, key=lambda e: (e.held_on, e.organization)):
        out.append(["club_events", e.kind, e.topic, commune(e.commune_code), "" if e.attendees is None else e.attendees,
                    "", f"{vn_day(e.held_on)}; {e.organization}; {EVENT_KINDS.get(e.kind, e.kind)}"
                        + (f"; chuyên gia: {e.experts}" if e.experts else "")])
    for f in sorted(figures.fairs, key=lambda f: (f.starts_on, f.name)):
        out.append(["trade_promotion", "fair", f.name, "", f.leads, "",
                    f"{vn_day(f.starts_on)}; {f.exhibitors} đơn vị tham gia; {f.leads} đầu mối"])
    for c in sorted(figures.concerns, key=lambda c: (c.raised_on, c.organization)):
        note = "; ".join(filter(None, [
            c.organization, CONCERN_KINDS.get(c.kind, c.kind), f"nêu {vn_day(c.raised_on)}",
            CONCERN_STATUSES.get(c.status, c.status), f"xử lý: {c.handler}" if c.handler else "",
            f"hạn {vn_day(c.due_on)}" if c.due_on else "", f"trả lời: {c.answer}" if c.answer else "",
            OVERDUE if c.overdue else ""]))
        out.append(["concerns", c.status, c.title, commune(c.commune_code), "", "", note])
    for t in figures.targets:
        for r in t.records:
            out.append(["records", t.key, r.label, commune(r.commune_code), "", "",
                        "; ".join(filter(None, [RECORD_KINDS.get(r.kind, r.kind), r.note, r.url]))])
    return out


def csv_text(figures: ReportFigures, **kwargs) -> str:
    """The CSV with its BOM, ready to send or write as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(safe_row(row) for row in rows(figures, **kwargs))
    return "\ufeff" + out.getvalue()


def csv_bytes(figures: ReportFigures, **kwargs) -> bytes:
    return csv_text(figures, **kwargs).encode("utf-8")
