"""The one CSV writer of the site: every download goes through csv_response().

A file is plain data that Excel and `pandas.read_csv` open with no options:
- the header row first, then one row per record, every row as wide as the header;
- numbers as numbers: digits, a point and a leading minus, no "$", no thousands separators;
- UTF-8 with a byte-order mark, which Excel on Windows needs to read UTF-8 at all (pandas and
  Python's "utf-8-sig" codec drop it).

Text cells are neutralised against formula injection (OWASP, "CSV Injection"): a spreadsheet
runs a cell that begins with =, +, -, @, a tab or a carriage return as a formula, and titles come
from staff and from BLS and O*NET files. Such a cell gets a leading single quote, which a
spreadsheet shows as text. Numbers are written from int and Decimal values only, never from text,
so a signed figure such as -3000 stays a number and is never mistaken for a formula.
"""

import csv
import re
from decimal import Decimal

from django.http import HttpResponse

BOM = "\ufeff"
# What makes a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Content-Disposition takes the file name as a quoted string: keep it to safe characters.
_UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def neutralise(text: str) -> str:
    """Text as a spreadsheet must show it: with a leading ' if it would start a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cell(value) -> str:
    """One cell as written: "" for None, a number as plain digits, any other value as
    neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        # A bool is an int to Python; as data it is a word.
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        # Fixed-point always: str() would write 1E+1 or 0E-7 for some values.
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("Write figures as int or Decimal, not float, so that they stay exact.")
    return neutralise(str(value))


def csv_rows(rows) -> list[list[str]]:
    """`rows` (the header first) as the cells written; every row must be as wide as the header."""
    written = [[cell(value) for value in row] for row in rows]
    if not written:
        raise ValueError("A CSV file needs at least its header row.")
    width = len(written[0])
    for number, row in enumerate(written[1:], start=2):
        if len(row) != width:
            raise ValueError(f"Row {number} has {len(row)} cells; the header has {width}.")
    return written


def csv_response(rows, *, filename: str) -> HttpResponse:
    """An attachment holding `rows` (the header row first), written as this module says."""
    written = csv_rows(rows)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    safe_name = _UNSAFE_IN_FILENAME.sub("-", filename).strip("-.") or "download.csv"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response.write(BOM)
    csv.writer(response).writerows(written)
    return response
