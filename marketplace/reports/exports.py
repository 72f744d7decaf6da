"""A report as a file: .xlsx, .pdf or .csv, for the /reports page and `marketplace report`."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from marketplace.reports import csv_report, document, pdf_report, xlsx_report
from marketplace.reports.filing import Report, commune_names

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}


def filename(report: Report, fmt: str) -> str:
    """"bao-cao-82-2026-H1.xlsx"; a filed one says so: "bao-cao-82-2026-H1-da-nop.xlsx"."""
    figures = report.figures
    return f"bao-cao-{figures.unit_code}-{figures.period}{'-da-nop' if report.filed else ''}.{fmt}"


def file_bytes(db: Session, report: Report, fmt: str) -> bytes:
    names = commune_names(db, report.figures)
    if fmt == "csv":
        return csv_report.csv_bytes(report.figures, commune_names=names, filed_on=report.filed_on)
    doc = document.build(report.figures, commune_names=names, filed_on=report.filed_on, note=report.note,
                         site_url=current_app.config.get("PUBLIC_URL", ""))
    if fmt == "xlsx":
        return xlsx_report.workbook_bytes(doc)
    if fmt == "pdf":
        return pdf_report.pdf_bytes(doc)
    raise ValueError(fmt)
