"""Performance scores for the supervision bureau: JSON, or CSV/XLSX exports for Excel."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, current_app
from marshmallow import Schema, ValidationError, fields, validate, validates
from openpyxl import Workbook
from openpyxl.styles import Font

from monitor.scores import ScoreSettings, parse_period, score_table, scores

from ..auth import requires
from ..extensions import Blueprint, db, services

blp = Blueprint("scores", __name__, url_prefix="/api", description="E-supervision: scores")

SCORE_VIEW = ("supervisor", "admin")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SETTINGS_KEY = "ONEWINDOW_SCORE_SETTINGS"  # app.config: a ScoreSettings, or a dict of its fields


class ScoreQuerySchema(Schema):
    period = fields.String(required=True, metadata={"description": "a month 2026-11 or a quarter 2026-Q4"})
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv", "xlsx"]))

    @validates("period")
    def _period(self, value: str, **_: Any) -> None:
        try:
            parse_period(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def score_settings() -> ScoreSettings:
    """Return the configured weights and deductions, or the defaults in monitor.scores."""
    configured = current_app.config.get(SETTINGS_KEY)
    if isinstance(configured, ScoreSettings):
        return configured
    return ScoreSettings(**configured) if configured else ScoreSettings()


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese headers correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    """One sheet named after the period: a bold header row, then numbers as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@blp.route("/supervision/scores", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ScoreQuerySchema, location="query")
@requires(*SCORE_VIEW)
def department_scores(args: dict[str, Any]) -> Any:
    """Rates, weighted score and card deductions per department (and rates per window user) for a period."""
    period = parse_period(args["period"])
    report = scores(db.session, services().runtime.calendar, period, score_settings())
    if args["format"] == "json":
        return report
    header, rows = score_table(report)
    name = f"scores-{period.label}"
    if args["format"] == "csv":
        body, mimetype, filename = _csv(header, rows), "text/csv", f"{name}.csv"
    else:
        body, mimetype, filename = _xlsx(period.label, header, rows), XLSX_MIMETYPE, f"{name}.xlsx"
    disposition = f'attachment; filename="{filename}"'
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})
