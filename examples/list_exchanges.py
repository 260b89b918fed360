"""List every Grades Exchange (all pages) with OAuth2 client credentials.

    DATASYNC_URL=http://127.0.0.1:8000 DATASYNC_CLIENT_ID=demo-client DATASYNC_CLIENT_SECRET=demo-secret \\
        python examples/list_exchanges.py [STATE]
"""

import os
import sys
from typing import Any

from datasync_grades.api.exchanges import count_exchanges, list_exchanges
from datasync_grades.runtime import call, connect, paginate

url = os.environ.get("DATASYNC_URL", "")
if not url:  # no default: a script run by mistake must not reach a real tenant
    print(f"{sys.argv[0]}: set DATASYNC_URL to the server, e.g. http://127.0.0.1:8000 for `make mock`", file=sys.stderr)
    raise SystemExit(2)
client = connect(  # tokens come from the same host: {DATASYNC_URL}/oauth/token
    f"{url}/v2/grades",
    client_id=os.environ["DATASYNC_CLIENT_ID"],
    client_secret=os.environ["DATASYNC_CLIENT_SECRET"],
)
state = sys.argv[1] if len(sys.argv) > 1 else None
filters: dict[str, Any] = {"state": state} if state else {}
with client:
    total = call(count_exchanges, client=client, **filters)
    print(f"{total} exchanges")
    for exchange in paginate(list_exchanges, client, page_size=50, **filters):
        print(exchange.id, exchange.state, exchange.error_count)
