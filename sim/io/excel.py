"""`--excel`: the command's tables as one workbook, `results.xlsx`, for planners who live in Excel.

One sheet per CSV table the command writes (`summary`, `replications`, `sweep`, `staffing`, ...),
numbers as numbers with every digit the CSV has, an empty cell where the CSV has none, the header
row bold and frozen; and a first sheet, `about`, with what made the results. Needs openpyxl
(`pip install 'hotline-sim[excel]'`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

WORKBOOK_NAME = "results.xlsx"
INSTALL = "pip install 'hotline-sim[excel]'"
SHEET_CHARACTERS = 31  # Excel's limit on a sheet's name
FIXED_TIME = datetime(2000, 1, 1)  # the workbook's created/modified stamps: equal tables, equal sheets


def excel_missing() -> str | None:
    """Why `--excel` cannot work here (openpyxl is not installed), or None when it can."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return f"--excel needs openpyxl, which is not installed: {INSTALL}"
    return None


def cell(text: str) -> Any:
    """A CSV cell as Excel should hold it: an int, a float, None for an empty cell, else the text.

    >>> [cell(t) for t in ("12", "0.5", "", "nan", "2021-Q1", "true", "inf")]
    [12, 0.5, None, None, '2021-Q1', 'true', 'inf']
    """
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text
    if value != value:  # NaN: no value
        return None
    return text if value in (math.inf, -math.inf) else value  # Excel has no infinity


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters a workbook cannot hold


def _text(value: Any) -> Any:
    """A cell's value with the control characters a workbook cannot hold replaced by "?"."""
    return CONTROL.sub("?", value) if isinstance(value, str) else value


def sheet_names(files: Sequence[str]) -> list[str]:
    """A sheet name per CSV file: the name without `.csv`, cut to 31 characters, made unique.

    >>> sheet_names(["summary.csv", "takedown_by_country.csv", "a" * 40 + ".csv", "a" * 40 + "b.csv"])
    ['summary', 'takedown_by_country', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa~2']
    """
    names: list[str] = []
    for file in files:
        name = file.removesuffix(".csv")[:SHEET_CHARACTERS]
        number = 2
        while name in names or name == "about":
            suffix = f"~{number}"
            name = file.removesuffix(".csv")[: SHEET_CHARACTERS - len(suffix)] + suffix
            number += 1
        names.append(name)
    return names


def workbook_bytes(tables: dict[str, str], about: Sequence[tuple[str, Any]]) -> bytes:
    """The workbook: `about` (what made the results, as label and value rows), then one sheet per
    CSV table of `tables` (file name -> text), in their order."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    front = book.active
    front.title = "about"
    for label, value in about:
        front.append([label, value])
    front.append([])
    front.append(["The CSV files of the folder hold the same tables, with the same digits."])
    front.column_dimensions["A"].width = 24
    front.column_dimensions["B"].width = 80
    bold = Font(bold=True)
    files = [name for name in tables if name.endswith(".csv")]
    for name, file in zip(sheet_names(files), files, strict=True):
        sheet = book.create_sheet(name)
        rows = list(csv.reader(io.StringIO(tables[file])))
        widths: dict[int, int] = {}
        for index, row in enumerate(rows):
            sheet.append([_text(t) for t in row] if index == 0 else [_text(cell(text)) for text in row])
            for item in sheet[sheet.max_row]:
                if isinstance(item.value, str):
                    item.data_type = "s"  # text stays text: never a formula (=...) or an error (#N/A)
            for column, text in enumerate(row, start=1):
                widths[column] = max(widths.get(column, 0), len(text))
        for item in sheet[1] if rows else ():
            item.font = bold
        sheet.freeze_panes = "A2"
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 40)
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
