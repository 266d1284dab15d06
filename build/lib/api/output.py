"""JSON or CSV responses: CSV flattens nested objects (``a.b`` columns) and joins lists with `` | ``."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

import pandas as pd
from fastapi.responses import Response

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One CSV row from a nested record.

    >>> flatten({"a": 1, "b": {"c": "x"}, "d": ["u", "v"], "e": [{"f": 1}]})
    {'a': 1, 'b.c': 'x', 'd': 'u | v', 'e': '[{"f": 1}]'}
    """
    row: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, prefix=f"{name}."))
        elif isinstance(value, (list, tuple)):
            if all(not isinstance(v, (dict, list, tuple)) for v in value):
                row[name] = " | ".join(str(v) for v in value)
            else:
                row[name] = json.dumps(value, ensure_ascii=False, default=str)
        else:
            row[name] = value
    return row


def csv_response(rows: Iterable[dict[str, Any]] | pd.DataFrame, *, filename: str) -> Response:
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame([flatten(r) for r in rows])
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return Response(buffer.getvalue(), media_type=CSV_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


CSV_RESPONSE_DOC = {"content": {"text/csv": {"schema": {"type": "string"}}},
                    "description": "CSV (``?format=csv`` ou ``Accept: text/csv``)"}
