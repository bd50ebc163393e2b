"""CSV and JSON downloads. Spreadsheet programs run cells that start with a
formula character, so every such text cell is defused with a leading quote."""

import csv
import datetime
import json
import unicodedata
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

# What a spreadsheet may take as the start of a formula: the ASCII signs (OWASP's list, with tab
# and CR), their full-width forms, which Excel and LibreOffice normalise to ASCII, and the other
# minus and small signs that some of them treat the same way.
FORMULA_START = frozenset("=+-@\t\r" "\uff1d\uff0b\uff0d\uff20" "\u2212\ufe62\ufe63\ufe66\ufe6b")


def _invisible(char: str) -> bool:
    """Characters a spreadsheet skips before the first visible one: whitespace (U+00A0 too),
    control characters and format characters (zero-width spaces and joiners, U+2060, U+FEFF)."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def neutralise(value):
    """A cell value that a spreadsheet shows as text, never evaluates.

    Only text is touched. Numbers (int, float, Decimal) stay numbers, negative ones included:
    a spreadsheet reads `-5` as a value, and prefixing it would turn a numeric column into
    text. A text cell is prefixed with an apostrophe (OWASP's advice) when its first character
    is a formula sign, or when only whitespace, control or zero-width characters stand before
    one; so `-5` written as text in a text column is defused too.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    for char in value:
        if char in FORMULA_START:
            return "'" + value
        if not _invisible(char):
            break
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # lets Excel read UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralise(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _default(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not serialisable: {type(value)}")


def json_response(payload, *, filename: str = "", status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(payload, default=_default, ensure_ascii=False, indent=1 if filename else None),
        content_type="application/json",
        status=status,
    )
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


DISPUTE_HEADER = ["slug", "title", "country", "status", "start", "start_precision", "end", "end_precision",
                  "platforms", "url"]


def dispute_rows(disputes, absolute):
    for d in disputes:
        yield [
            d.slug, d.title, d.country, d.status, d.start_date, d.start_precision, d.end_date, d.end_precision,
            "; ".join(sorted({p.actor.platform or p.actor.name for p in d.targets})), absolute(d.get_absolute_url()),
        ]


def dispute_dict(d, absolute) -> dict:
    return dict(zip(DISPUTE_HEADER, next(dispute_rows([d], absolute))))
