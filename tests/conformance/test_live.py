"""The suite against a server it was not shaped to pass (tests/apps/realistic_server.py, over HTTP).

Proves what makes a live run trustworthy: preflight failures are one line and exit 2; coverage truth;
no masking (a drift and a 500 on one operation are both reported); classes; stable keys; the baseline
workflow (known findings pass, a newly injected defect is the only new one and fails); the rate limit
holds as measured at the server; 429 is backpressure; what a write run creates is cleaned up or listed.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from datasync_openapi import cli, conformance
from datasync_openapi.findings import FOREIGN_DEFAULT_FAIL_ON, FindingClass
from datasync_openapi.findings.report import render_html
from datasync_openapi.server import free_port, running
from tests.apps.realistic_server import RealisticServer

TOKEN = "live-token"
QUICK = conformance.Budget(max_examples=3, phases=("examples", "coverage", "fuzzing"))


@pytest.fixture
def server() -> Iterator[tuple[RealisticServer, str]]:
    app = RealisticServer()
    with running(app) as base:
        yield app, base


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(["conformance", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _live(app: RealisticServer, base: str, api: str = "grades", **kwargs: object) -> conformance.Result:
    url = f"{base}/v2/{api}"
    credentials = conformance.Credentials(token=TOKEN, basic=("live-key", "live-secret"))
    preflight = conformance.run_preflight(api, url, credentials)  # type: ignore[arg-type]
    options: dict[str, object] = {"budget": QUICK, "manners": conformance.Manners(rate=200), "ids": preflight.ids}
    options.update(kwargs)
    return conformance.run(
        api,  # type: ignore[arg-type]
        base_url=url,
        credentials=credentials,
        bearer=preflight.bearer,
        fail_on=FOREIGN_DEFAULT_FAIL_ON,
        **options,  # type: ignore[arg-type]
    )


# -- preflight: could not run = exit 2, one line naming the Make variable -------------------------------------
def test_wrong_token_exits_2_with_one_line(
    server: tuple[RealisticServer, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, base = server
    status, out, err = _cli(capsys, "--api", "grades", "--base-url", f"{base}/v2/grades", "--token", "wrong-token")
    assert status == 2
    assert (
        err.strip() == f"datasync: error: credentials rejected: 401 from GET {base}/v2/grades/exchanges (check TOKEN)"
    )
    assert "wrong-token" not in out + err


def test_wrong_base_path_names_the_expected_one(
    server: tuple[RealisticServer, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, base = server
    status, _, err = _cli(capsys, "--api", "interop", "--base-url", base, "--token", TOKEN)
    assert status == 2
    assert "answered 404: BASE_URL must be the API's base URL, ending in /v2/interop" in err
    assert f"BASE_URL={base}/v2/interop" in err
    assert len(err.strip().splitlines()) == 1


def test_unreachable_is_one_clear_error_quickly(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/v2/grades"  # nothing listens there
    started = time.monotonic()
    status, out, err = _cli(capsys, "--api", "grades", "--base-url", url, "--token", TOKEN)
    elapsed = time.monotonic() - started
    assert status == 2
    assert (
        err.strip()
        == f"datasync: error: cannot reach {url}: connection refused (check BASE_URL; is the server running?)"
    )
    assert out == ""
    assert elapsed < 5, elapsed


def test_client_credentials_without_token_url(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _cli(
        capsys,
        "--api",
        "grades",
        "--base-url",
        "http://127.0.0.1:9/v2/grades",
        "--client-id",
        "a",
        "--client-secret",
        "b",
    )
    assert status == 2
    assert "need TOKEN_URL" in err
    assert "TOKEN_URL=http://127.0.0.1:9/oauth/token" in err
    assert "Traceback" not in err


def test_rejected_client_credentials(server: tuple[RealisticServer, str], capsys: pytest.CaptureFixture[str]) -> None:
    _, base = server
    status, _, err = _cli(
        capsys,
        *("--api", "grades", "--base-url", f"{base}/v2/grades", "--client-id", "live-client"),
        *("--client-secret", "not-the-secret", "--token-url", f"{base}/oauth/token"),
    )
    assert status == 2
    assert f"token request rejected: 401 from POST {base}/oauth/token" in err
    assert "not-the-secret" not in err


# -- coverage truth, no masking, classes, hints ---------------------------------------------------------------
@pytest.mark.slow
def test_drift_and_500_on_one_operation_are_both_reported(server: tuple[RealisticServer, str]) -> None:
    app, base = server
    app.set_defects({"error_count_string", "negative_page_500"})
    result = _live(app, base, only=["listExchanges", "getExchange"])
    on_list = {f.key: f for f in result.findings if f.operation == "GET /exchanges"}
    drift = on_list["grades GET /exchanges response_schema_conformance /data/*/error_count type"]
    assert drift.cls is FindingClass.RESPONSE_CONTRACT
    assert drift.hint is not None
    assert "`Exchange.error_count` was a string" in drift.hint
    assert "declare `type: [integer, string]`" in drift.hint
    crash = on_list["grades GET /exchanges not_a_server_error status 500"]
    assert crash.cls is FindingClass.SERVER_ERROR
    assert "page=-" in crash.reproduce
    assert 'Authorization: Bearer $TOKEN"' in crash.reproduce
    assert TOKEN not in crash.reproduce
    # the always-on quirk: null for an absent optional field, with its own key and hint
    null = on_list["grades GET /exchanges response_schema_conformance /data/*/batch_exchange_id null"]
    assert (
        null.hint
        == "`Exchange.batch_exchange_id` was null: declare it `type: [string, 'null']` (or have the server omit it)"
    )
    # lenient paging is reported, but by default does not fail a run against a foreign server
    lenient = [f for f in result.findings if f.cls is FindingClass.ACCEPTS_INVALID]
    assert lenient
    failing = {f.key for f in result.failing()}
    assert not {f.key for f in lenient} & failing
    assert drift.key in failing
    assert crash.key in failing
    # both operations were exercised (getExchange through the id discovered from the list)
    assert result.not_exercised() == {}
    assert not result.ok


def test_an_operation_that_never_reaches_a_2xx_fails_the_run(server: tuple[RealisticServer, str]) -> None:
    app, base = server
    # without the section id the preflight finds in the exchanges' conditions (tests/conformance/test_config.py)
    # every request of resolveSection is for an unknown section
    result = _live(app, base, only=["resolveSection", "getConsumer"], ids={})
    assert result.not_exercised() == {
        "GET /sections/{id}/resolve": result.operations["GET /sections/{id}/resolve"].not_exercised_reason()
    }
    assert "404" in result.not_exercised()["GET /sections/{id}/resolve"]
    assert result.operations["GET /consumer"].reached_2xx
    assert not result.ok
    result.allow_not_exercised = True
    assert result.ok, [f.key for f in result.failing()]


@pytest.mark.slow
def test_keys_are_stable_across_seeds(server: tuple[RealisticServer, str]) -> None:
    app, base = server
    app.set_defects({"error_count_string", "negative_page_500"})
    keys = []
    for seed in (1, 987654):
        budget = conformance.Budget(max_examples=3, phases=("examples", "coverage", "fuzzing"), seed=seed)
        result = _live(app, base, only=["listExchanges", "listSchedules"], budget=budget)
        keys.append({f.key for f in result.findings if f.cls is not FindingClass.ACCEPTS_INVALID})
    assert keys[0] == keys[1]
    assert "grades GET /exchanges response_schema_conformance /data/*/error_count type" in keys[0]


# -- baseline: known findings pass, a new defect is the only new one -------------------------------------------
@pytest.mark.slow
def test_baseline_workflow(
    server: tuple[RealisticServer, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app, base = server
    baseline = tmp_path / "conformance-baseline.json"
    common = [
        *("--api", "grades", "--base-url", f"{base}/v2/grades", "--token", TOKEN, "--rate", "200"),
        *("--phases", "examples,coverage,fuzzing", "--max-examples", "3", "--reports", str(tmp_path / "reports")),
        *("--include", "listExchanges,getExchange,listSchedules", "--baseline", str(baseline)),
    ]
    status, out, _ = _cli(capsys, *common, "--update-baseline")
    assert status == 0, out
    entries = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    assert entries, "the quirks must be in the baseline"
    assert all(TOKEN not in json.dumps(e) for e in entries)

    status, out, _ = _cli(capsys, *common)
    assert status == 0, out
    assert "[NEW]" not in out

    app.set_defects({"schedule_enabled_string"})
    status, out, _ = _cli(capsys, *common)
    assert status == 1, out
    report = json.loads((tmp_path / "reports" / "conformance-grades.json").read_text(encoding="utf-8"))
    new = [f for f in report["findings"] if f["new"] and f["fails_run"]]
    assert [f["key"] for f in new] == ["grades GET /schedules response_schema_conformance /data/*/enabled type"]
    assert "[NEW] GET /schedules" in out
    assert "curl -X GET" in out  # stdout prints each new finding's curl line

    app.set_defects(set())
    status, out, _ = _cli(capsys, *common)
    assert status == 0


def test_missing_baseline_file_is_exit_2(
    server: tuple[RealisticServer, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, base = server
    status, _, err = _cli(
        capsys,
        "--api",
        "grades",
        "--base-url",
        f"{base}/v2/grades",
        "--token",
        TOKEN,
        "--baseline",
        str(tmp_path / "no.json"),
    )
    assert status == 2
    assert "create it with UPDATE_BASELINE=1" in err


# -- manners ---------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_rate_limit_holds_at_the_server(server: tuple[RealisticServer, str]) -> None:
    app, base = server
    budget = conformance.Budget(max_examples=50, phases=("examples", "fuzzing"), max_time=4)
    started = time.monotonic()
    result = conformance.run(
        "grades",
        base_url=f"{base}/v2/grades",
        credentials=conformance.Credentials(token=TOKEN),
        only=["listExchanges", "getConsumer"],
        budget=budget,
        manners=conformance.Manners(rate=5),
    )
    times = [t for t, *_ in app.requests if t >= started]
    assert len(times) >= 10, "the run sent too little to measure"
    # at most 5 requests in any one-second window (plus the one on its boundary), measured where they arrived
    worst = max(sum(1 for u in times if t <= u < t + 1.0) for t in times)
    assert worst <= 6, worst
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert rate <= 5.5, rate
    assert any("stopped by MAX_TIME" in n for n in result.notes)


@pytest.mark.slow
def test_429_is_backpressure_not_a_finding() -> None:
    app = RealisticServer(rate_limit=4, burst=2)
    with running(app) as base:
        result = _live(app, base, only=["getConsumer", "countExchanges"], manners=conformance.Manners(rate=50))
    statuses = [status for *_, status in app.requests]
    assert statuses.count(429) > 0, "the server never pushed back: the test proves nothing"
    assert not [f for f in result.findings if f.status == 429]
    assert all(429 not in op.statuses for op in result.operations.values())
    assert any("429 waited out" in n for n in result.notes)
    assert result.findings == [] or all(f.cls is FindingClass.ACCEPTS_INVALID for f in result.findings)


@pytest.mark.slow
def test_writes_are_announced_marked_and_cleaned_up(
    server: tuple[RealisticServer, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app, base = server
    before = app.created()
    status, out, _ = _cli(
        capsys,
        *("--api", "interop", "--base-url", f"{base}/v2/interop", "--token", TOKEN, "--writes", "--rate", "200"),
        *("--phases", "examples,fuzzing", "--max-examples", "3", "--reports", str(tmp_path)),
        *("--include", "createScopingSchools,listScopingSchools"),
    )
    assert "WRITES=1: this run sends writes to" in out
    assert "POST /tenant/scoping/schools creates scoping schools, deleted afterwards" in out
    report = json.loads((tmp_path / "conformance-interop.json").read_text(encoding="utf-8"))
    assert any(n.startswith("created ") and "deleted" in n for n in report["notes"]), report["notes"]
    assert app.created()["scoping_schools"] == before["scoping_schools"], "what the run created is deleted"
    assert app.deleted()["scoping_schools"], "nothing was created and deleted: the test proves nothing"
    del status

    result = _live(app, base, writes=True, only=["createExchange"])
    made = [i for i in app.created()["exchanges"] if i not in before["exchanges"]]
    assert made, "no exchange was created"
    listed = " ".join(result.left_behind)
    assert all(object_id in listed for object_id in made)
    assert "the API has no DELETE" in listed


# -- reports ---------------------------------------------------------------------------------------------------
def test_reports_start_with_parameters_and_hold_no_secret(
    server: tuple[RealisticServer, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app, base = server
    app.set_defects({"error_count_string"})
    status, _, _ = _cli(
        capsys,
        *("--api", "grades", "--base-url", f"{base}/v2/grades", "--token", TOKEN, "--rate", "200"),
        *("--phases", "coverage", "--max-examples", "2", "--reports", str(tmp_path)),
        *("--include", "listExchanges"),
    )
    assert status == 1
    (tmp_path / "stale.txt").write_text("not ours", encoding="utf-8")
    for name in ("conformance.md", "conformance.html", "conformance-grades.json", "conformance-grades.xml"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert TOKEN not in text, name
        for parameter in ("seed", "phases", "rate", "schemathesis", "sha256:"):
            assert parameter in text, (name, parameter)
    markdown = (tmp_path / "conformance.md").read_text(encoding="utf-8")
    assert markdown.index("| seed |") < markdown.index("### response-contract")
    data = json.loads((tmp_path / "conformance-grades.json").read_text(encoding="utf-8"))
    assert data["coverage"]["reached_2xx"] == 1
    assert {f["class"] for f in data["findings"]} >= {"response-contract"}
    assert all(f["key"] and f["hint"] is not None for f in data["findings"] if f["class"] == "response-contract")


@pytest.mark.slow
def test_html_report_is_self_contained_and_renders_in_chromium(
    server: tuple[RealisticServer, str], tmp_path: Path
) -> None:
    app, base = server
    app.set_defects({"error_count_string"})
    result = _live(app, base, only=["listExchanges"], budget=conformance.Budget(max_examples=2, phases=("coverage",)))
    page = render_html([result])
    assert "<script" not in page
    assert "http://" not in page.split("<body>")[0]  # no network assets in the head
    assert "src=" not in page
    assert "href=" not in page
    path = tmp_path / "conformance.html"
    path.write_text(page, encoding="utf-8")
    chromium = _chromium()
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Conformance report" in dom.stdout
    assert "Exchange.error_count" in dom.stdout
    assert "1 of 1 operations reached a 2xx" in dom.stdout


def _chromium() -> str:
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError("chromium is not installed: `make install` installs it (Debian package chromium)")
