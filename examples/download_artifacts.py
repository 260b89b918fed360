"""Download and decode the details and consumer-log artifacts of a completed exchange.

DATASYNC_URL=... DATASYNC_TOKEN=... python examples/download_artifacts.py EXCHANGE_ID [OUT_DIR]
"""

import json
import os
import sys
from pathlib import Path

from datasync_grades.runtime import ArtifactNotAvailable, connect
from datasync_grades.workflows import decode_artifact, download_consumer_logs, download_details

url = os.environ.get("DATASYNC_URL", "")
if not url:  # no default: a script run by mistake must not reach a real tenant
    print(f"{sys.argv[0]}: set DATASYNC_URL to the server, e.g. http://127.0.0.1:8000 for `make mock`", file=sys.stderr)
    raise SystemExit(2)
exchange_id = sys.argv[1]
out = Path(sys.argv[2] if len(sys.argv) > 2 else ".")
with connect(f"{url}/v2/grades", token=os.environ["DATASYNC_TOKEN"]) as client:
    for name, download in (("details", download_details), ("consumerlogs", download_consumer_logs)):
        try:
            document = decode_artifact(download(client, exchange_id))
        except ArtifactNotAvailable as error:
            print(f"{name}: not available ({error.status})")
            continue
        target = out / f"{exchange_id}.{name}.json"
        target.write_text(json.dumps(document, indent=2), encoding="utf-8")
        print(f"{name}: wrote {target}")
