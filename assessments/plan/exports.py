"""The action plan as CSV and as an Excel workbook, every cell formula-safe like the gaps CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from assessments.results.gaps_csv import csv_safe

from .selectors import PlanRow

PLAN_COLUMNS = [
    "number",
    "framework",
    "question",
    "finding",
    "action",
    "owner",
    "due",
    "status",
    "overdue",
    "risk accepted because",
    "accepted by",
    "would move",
    "finding gone",
]


def plan_row(number: int, row: PlanRow) -> list[str]:
    action = row.action
    cells = [
        number,
        row.framework_name,
        action.question,
        row.finding_text,
        action.title,
        action.owner.username if action.owner else "",
        action.due.isoformat() if action.due else "",
        action.get_status_display(),
        "yes" if row.overdue else "no",
        action.reason,
        action.accepted_by.username if action.accepted_by else "",
        "; ".join(m.text for m in row.moves.items),
        "yes" if row.finding is None else "no",
    ]
    return [csv_safe(cell) for cell in cells]


def plan_table(rows: Sequence[PlanRow]) -> list[list[str]]:
    return [plan_row(number, row) for number, row in enumerate(rows, start=1)]


def plan_csv(rows: Sequence[PlanRow]) -> str:
    """The plan as CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PLAN_COLUMNS)
    writer.writerows(plan_table(rows))
    return out.getvalue()


def plan_xlsx(rows: Sequence[PlanRow], *, title: str) -> bytes:
    """The plan as an .xlsx workbook: one sheet, a header row, text cells only."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Action plan"
    sheet.append(PLAN_COLUMNS)
    for cells in plan_table(rows):
        sheet.append(cells)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    workbook.properties.title = csv_safe(title)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
