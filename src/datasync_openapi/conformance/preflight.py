"""Preflight: in seconds, before any fuzzing, check that the run can mean something.

The target is reachable; the base URL serves the API (a documented read does not answer 404); the
credentials are accepted (it does not answer 401/403); client credentials come with a token URL. Each
problem is one ``PreflightError`` line naming the Make variable to fix; the CLI exits 2 ("could not run").
It also discovers one real id per collection (the first item of each list) and a section id where the data
names one (an exchange's query conditions), so the by-id operations of a live server get requests for objects
that exist.

Its requests go through the run's ``Manners`` (``Manners.session()``): the same method gate, deadline per
exchange, response-size cap and ``MAX_TIME`` as the fuzzing. A preflight request that passes one of those
bounds does not let the preflight pass: it raises ``PreflightBound``, which the run reports as a
``transport`` finding.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from datasync_openapi.contract import API, load_spec, operations, resolve

from .manners import BoundExceeded, Manners
from .options import ConformanceError

BASE_PATHS: dict[str, str] = {"grades": "/v2/grades", "interop": "/v2/interop"}
API_NAMES = {"grades": "Grades Exchange API", "interop": "Interop API"}
# One documented, cheap, authenticated read per API and auth kind.
PROBES: dict[str, str] = {"grades": "/exchanges", "interop": "/tenant/scoping/schools"}
BASIC_PROBE = "/tenants"


class PreflightError(ConformanceError):
    pass


class PreflightBound(PreflightError):
    """A preflight request passed one of the run's bounds: a ``transport`` finding on ``operation``."""

    def __init__(self, operation: str, error: BoundExceeded) -> None:
        super().__init__(f"{operation}: {error}")
        self.operation = operation
        self.bound = error.bound
        self.detail = str(error)


@dataclass
class Credentials:
    """How to authenticate: a ready bearer token, or client credentials to fetch one, and/or Basic."""

    token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_url: str | None = None
    basic: tuple[str, str] | None = None

    def __repr__(self) -> str:  # never print secrets
        return (
            f"Credentials(token={'***' if self.token else None}, client_id={self.client_id!r}, "
            f"token_url={self.token_url!r}, basic={'***' if self.basic else None})"
        )

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.token, self.client_secret, self.basic[1] if self.basic else None) if s)

    def bearer_source(self) -> str:
        """The Make variables a rejected bearer token came from."""
        return "TOKEN" if self.token else "CLIENT_ID / CLIENT_SECRET"

    def check(self, base_url: str | None) -> None:
        """Options that cannot work, as one line naming the variable (before any request)."""
        if self.client_id or self.client_secret:
            if not (self.client_id and self.client_secret):
                missing = "CLIENT_SECRET" if self.client_id else "CLIENT_ID"
                raise PreflightError(f"client credentials need both CLIENT_ID and CLIENT_SECRET: {missing} is not set")
            if not self.token_url and not self.token:
                origin = _origin(base_url) if base_url else "https://host"
                raise PreflightError(
                    "CLIENT_ID / CLIENT_SECRET need TOKEN_URL, the OAuth2 token endpoint "
                    f"(e.g. TOKEN_URL={origin}/oauth/token)"
                )
        if not (self.token or self.client_id or self.basic):
            raise PreflightError(
                "give credentials: TOKEN=..., or CLIENT_ID=... CLIENT_SECRET=... TOKEN_URL=..., "
                "and BASIC=key:secret for GET /tenants (or the DATASYNC_* environment variables)"
            )

    def bearer(self, manners: Manners | None = None) -> str | None:
        """The bearer token: the given one, or one fetched with the client credentials.

        The token request is the one POST a read-only run sends (``Manners.allow``)."""
        if self.token:
            return self.token
        if not (self.client_id and self.client_secret and self.token_url):
            return None
        data = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self.client_secret}
        manners = manners or Manners()
        manners.allow("POST", self.token_url)
        try:
            with manners.session() as http:
                response = http.post(
                    self.token_url, data=data, headers={"Accept": "application/json"}, allow_redirects=False
                )
        except requests.RequestException as exc:
            raise PreflightError(
                f"cannot reach the token URL {self.token_url}: {_reason(exc)} (check TOKEN_URL)"
            ) from None
        if response.status_code != 200:
            raise PreflightError(
                f"token request rejected: {response.status_code} from POST {self.token_url} "
                "(check CLIENT_ID / CLIENT_SECRET and TOKEN_URL)"
            )
        try:
            token = response.json().get("access_token")
        except (ValueError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise PreflightError(f"the token response from {self.token_url} has no access_token (check TOKEN_URL)")
        return token


@dataclass
class Preflight:
    """What the preflight learned: the bearer token to use and real ids per collection path."""

    bearer: str | None
    ids: dict[str, str] = field(default_factory=dict)  # collection path ("/exchanges") -> an id it lists
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, BoundExceeded):
        return str(exc)
    if isinstance(exc, requests.Timeout):
        return "timed out"
    text = str(exc) or type(exc).__name__
    lower = text.lower()
    if "refused" in lower:
        return "connection refused"
    if any(s in lower for s in ("name or service not known", "nodename nor servname", "failed to resolve")):
        return "unknown host"
    return text.splitlines()[0][:120]


def patient_request(
    http: requests.Session, method: str, url: str, *, base_url: str = "", **kwargs: Any
) -> requests.Response:
    """A request outside the engine (preflight, snapshots, cleanup) through a ``Manners.session()``: it waits
    out 429s, is bounded and gated like the run's own requests. A bound passed raises ``PreflightBound``
    naming the operation (its path below ``base_url``)."""
    try:
        return http.request(method, url, allow_redirects=False, **kwargs)
    except BoundExceeded as exc:
        path = url[len(base_url) :] if base_url and url.startswith(base_url) else urlsplit(url).path
        raise PreflightBound(f"{method} {path}", exc) from None


def run_preflight(
    api: API,
    base_url: str,
    credentials: Credentials,
    *,
    timeout: float = 3.0,
    discover: bool = True,
    manners: Manners | None = None,
) -> Preflight:
    """Check the target and the credentials; raise ``PreflightError`` with one line on the first problem."""
    started = time.perf_counter()
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PreflightError(f"BASE_URL must be an http(s) URL such as https://host{BASE_PATHS[api]}, got {base_url!r}")
    credentials.check(base_url)
    manners = manners or Manners()
    with manners.session() as http:
        probe = base_url + PROBES[api]
        try:
            # reachable at all? (any answer will do; connecting gets at most `timeout`)
            http.request("GET", probe, params={"page_size": 1}, allow_redirects=False, timeout=(timeout, None))
        except BoundExceeded as exc:
            raise PreflightBound(f"GET {PROBES[api]}", exc) from None
        except requests.RequestException as exc:
            raise PreflightError(
                f"cannot reach {base_url}: {_reason(exc)} (check BASE_URL; is the server running?)"
            ) from None
        bearer = credentials.bearer(manners)
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        notes: list[str] = []
        if bearer:
            response = patient_request(http, "GET", probe, base_url=base_url, params={"page_size": 1}, headers=headers)
            _judge(api, base_url, "GET " + probe, response, credentials.bearer_source())
            if response.status_code >= 500:
                notes.append(f"preflight: GET {probe} answered {response.status_code}")
        if credentials.basic and api == "interop":
            url = base_url + BASIC_PROBE
            response = patient_request(http, "GET", url, base_url=base_url, auth=credentials.basic)
            _judge(api, base_url, "GET " + url, response, "BASIC")
        ids = _discover(api, http, base_url, headers) if discover and bearer else {}
    return Preflight(bearer=bearer, ids=ids, notes=notes, seconds=time.perf_counter() - started)


def _judge(api: API, base_url: str, request: str, response: requests.Response, variable: str) -> None:
    status = response.status_code
    if status == 404:
        expected = BASE_PATHS[api]
        path = urlsplit(base_url).path.rstrip("/")
        if path.endswith(expected):
            raise PreflightError(
                f"{request} (a documented read below BASE_URL) answered 404, though BASE_URL={base_url} already "
                f"ends in {expected}: the server does not serve the {API_NAMES[api]} at that URL (check the host, "
                f"and any prefix before {expected})"
            )
        other = next((a for a, p in BASE_PATHS.items() if a != api and path.endswith(p)), None)
        if other is not None:
            raise PreflightError(
                f"{request} answered 404: BASE_URL ends in {BASE_PATHS[other]}, the {API_NAMES[other]}'s base "
                f"path, but API={api} (use API={other}, or BASE_URL={_origin(base_url)}{expected})"
            )
        raise PreflightError(
            f"{request} answered 404: BASE_URL must be the API's base URL, ending in {expected} "
            f"(e.g. BASE_URL={_origin(base_url)}{expected})"
        )
    if status in (401, 403):
        raise PreflightError(f"credentials rejected: {status} from {request} (check {variable})")


def _discover(api: API, http: requests.Session, base_url: str, headers: dict[str, str]) -> dict[str, str]:
    """The first id of each list that has by-id operations below it (``/exchanges`` -> ``/exchanges/{id}``)."""
    ops = operations(api)
    lists = {op.path for op in ops if op.method == "get" and "{" not in op.path}
    wanted = sorted({op.path.split("/{")[0] for op in ops if "/{id}" in op.path} & lists)
    ids: dict[str, str] = {}
    for path in wanted:
        if path == BASIC_PROBE:
            continue  # Basic only; discovered through the bearer-less probe below if Basic is given
        try:
            response = patient_request(
                http, "GET", base_url + path, base_url=base_url, params={"page_size": 1}, headers=headers
            )
            items = response.json().get("data") if response.status_code == 200 else None
        except (requests.RequestException, ValueError, AttributeError):
            continue
        if isinstance(items, list) and items and isinstance(items[0], dict):
            found = id_of(items[0], path)
            if found:
                ids[path] = found
    if "/sections" not in ids and any(op.path.startswith("/sections/{id}") for op in ops):
        section = _section_in_exchanges(http, base_url, headers)
        if section:
            ids["/sections"] = section
    return ids


SECTION_SCOPES = ("course", "section")  # a Grades Exchange query condition scoped to a course names its section


def _section_in_exchanges(http: requests.Session, base_url: str, headers: dict[str, str]) -> str | None:
    """A section id the data names: ``query.conditions[].scope_id.$sys.id`` of a condition scoped to a course
    (Grades has no list of sections, and ``GET /sections/{id}/resolve`` needs one)."""
    try:
        response = patient_request(
            http, "GET", base_url + "/exchanges", base_url=base_url, params={"page_size": 20}, headers=headers
        )
        items = response.json().get("data") if response.status_code == 200 else None
    except (requests.RequestException, ValueError, AttributeError):
        return None
    for item in items if isinstance(items, list) else []:
        query = item.get("query") if isinstance(item, dict) else None
        conditions = query.get("conditions") if isinstance(query, dict) else None
        for condition in conditions if isinstance(conditions, list) else []:
            if not isinstance(condition, dict) or condition.get("scope") not in SECTION_SCOPES:
                continue
            ref = condition.get("scope_id")
            sys_ids = ref.get("$sys") if isinstance(ref, dict) else None
            found = sys_ids.get("id") if isinstance(sys_ids, dict) else None
            if isinstance(found, str) and found:
                return found
    return None


def id_of(item: dict[str, Any], path: str) -> str | None:
    kind = path.rstrip("/").rsplit("/", 1)[-1].rstrip("s")  # /tenant/scoping/schools -> school
    for key in ("id", f"{kind}_id"):
        if isinstance(item.get(key), str):
            return str(item[key])
    return None


def with_discovered_ids(
    api: API, ids: dict[str, str], values: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The spec with each discovered id added as the first example of its collection's ``{id}`` parameter, and
    each given value (operationId -> parameter name -> value, from the config file) as the first example of
    that operation's parameter, before the discovered one."""
    spec = load_spec(api)
    for item in spec.get("paths", {}).values():
        for method, definition in item.items():
            given = (values or {}).get(definition.get("operationId", "")) if isinstance(definition, dict) else None
            if method == "parameters" or not given:
                continue
            declared = [resolve(spec, p) for p in definition.get("parameters", [])]
            shared = [resolve(spec, p) for p in item.get("parameters", [])]
            names = {p["name"] for p in declared}
            definition["parameters"] = declared + [p for p in shared if p["name"] not in names]
            for index, parameter in enumerate(definition["parameters"]):
                if parameter.get("name") in given:
                    changed = {k: v for k, v in parameter.items() if k != "example"}
                    single = {"spec": {"value": parameter["example"]}} if "example" in parameter else {}
                    changed["examples"] = {
                        "given": {"summary": "from the config file", "value": given[parameter["name"]]},
                        **parameter.get("examples", single),
                    }
                    definition["parameters"][index] = changed
    for path, item in spec.get("paths", {}).items():
        collection = path.split("/{id}")[0]
        if "/{id}" not in path or collection not in ids:
            continue
        for definition in item.values():
            if not isinstance(definition, dict) or "parameters" not in definition:
                continue
            for index, parameter in enumerate(definition["parameters"]):
                resolved = resolve(spec, parameter)
                if resolved.get("in") != "path" or resolved.get("name") != "id":
                    continue
                own = dict(resolved)
                examples = dict(resolved.get("examples", {}))
                given = examples.pop("given", None)
                own["examples"] = {
                    **({"given": given} if given else {}),
                    "discovered": {"summary": "listed by the target", "value": ids[collection]},
                    **examples,
                }
                definition["parameters"][index] = own
    return spec


__all__ = [
    "Credentials",
    "Preflight",
    "PreflightBound",
    "PreflightError",
    "id_of",
    "patient_request",
    "run_preflight",
    "with_discovered_ids",
]
