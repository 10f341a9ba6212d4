"""`chuchu report`: the store's feedback and statistics for operators, as CSV or JSON.

    chuchu report                 statistics and recent reports as one JSON object
    chuchu report --csv           every vote, one row each (question, quotes, speakers shown)
"""

from __future__ import annotations

import csv
import json
from typing import TextIO

from bot.service import Service

FIELDS = ["at", "vote", "adapter", "user", "chat", "question", "passages", "speakers", "quotes"]


def write_report(service: Service, out: TextIO, as_csv: bool = False, days: int = 7) -> None:
    if as_csv:
        writer = csv.DictWriter(out, fieldnames=FIELDS)
        writer.writeheader()
        for row in service.feedback.rows_for_report():
            writer.writerow(row)
        return
    data = {
        "stats": service.feedback.stats(days=days).to_json(),
        "reports": [r.to_json() for r in service.feedback.reports(limit=100)],
        "corrections": [
            {"passage": c.passage_id, "text_hash": c.text_hash, **c.to_json()}
            for c in service.fixes.all()
        ],
    }
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
