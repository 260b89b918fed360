"""Manage Interop scoping: list schools, append one, update it, delete it.

DATASYNC_URL=... DATASYNC_TOKEN=... python examples/manage_scoping.py
"""

import os
import sys

from datasync_interop.api.scoping_schools import (
    create_scoping_schools,
    delete_scoping_school,
    list_scoping_schools,
    update_scoping_school,
)
from datasync_interop.models import ScopingSchool, ScopingSchoolsCreate
from datasync_interop.runtime import ApiError, call, connect, paginate

url = os.environ.get("DATASYNC_URL", "")
if not url:  # no default: a script run by mistake must not reach a real tenant
    print(f"{sys.argv[0]}: set DATASYNC_URL to the server, e.g. http://127.0.0.1:8000 for `make mock`", file=sys.stderr)
    raise SystemExit(2)
with connect(f"{url}/v2/interop", token=os.environ["DATASYNC_TOKEN"]) as client:
    print("schools:", [school.name for school in paginate(list_scoping_schools, client)])
    body = ScopingSchoolsCreate(data=[ScopingSchool(name="Example Elementary", selected=True)])
    created = call(create_scoping_schools, client=client, body=body, replace=False).data
    print("appended:", created.school_id, created.name)
    updated = call(update_scoping_school, created.school_id, client=client, body=ScopingSchool(selected=False)).data
    print("updated: selected =", updated.selected)
    call(delete_scoping_school, created.school_id, client=client)
    try:
        call(update_scoping_school, created.school_id, client=client, body=ScopingSchool(selected=True))
    except ApiError as error:
        print("after delete:", error.status, error.message)
