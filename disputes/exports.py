"""CSV and JSON downloads. Spreadsheet programs run cells that start with a
formula character, so every such text cell is defused with a leading quote."""

import csv
import datetime
import json
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell value that a spreadsheet shows as text, never evaluates."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
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
