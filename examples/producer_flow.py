"""The SIS side of an exchange: answer its query with grade data (chunked), or report that it cannot.

DATASYNC_URL=... DATASYNC_CLIENT_ID=... DATASYNC_CLIENT_SECRET=... python examples/producer_flow.py
"""

import os
from typing import Any

from datasync_grades.api.exchanges import list_exchanges
from datasync_grades.runtime import connect, paginate
from datasync_grades.workflows import QueryNotAnswerable, produce

url = os.environ.get("DATASYNC_URL", "https://api.us2.kimonocloud.com")
client = connect(
    f"{url}/v2/grades",
    client_id=os.environ["DATASYNC_CLIENT_ID"],
    client_secret=os.environ["DATASYNC_CLIENT_SECRET"],
    token_url=f"{url}/oauth/token",
)


def answer(exchange: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Look the query up in the SIS (here: made-up scores); raise QueryNotAnswerable if the SIS cannot."""
    query = exchange.get("query") or {}
    if query.get("type") != "assignment_scores":
        raise QueryNotAnswerable("query_type_not_supported", f"cannot answer {query.get('type')!r}")
    assignments = [{"grade": "A", "score": 95.0}, {"grade": "B", "score": 84.5}]
    summaries = [{"summary_type": "final", "score": 89.75}]
    return assignments, summaries


with client:
    for exchange in paginate(list_exchanges, client, state="created"):
        chunks = produce(client, exchange.id, answer)
        print(f"{exchange.id}: " + (f"posted {chunks} chunk(s)" if chunks else "posted an exchange error"))
