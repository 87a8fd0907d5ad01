"""``analytics`` on the command line, against SQLite and against DynamoDB on dynalite.

The subprocess tests run ``python -m runtime.analytics.cli`` (the same command ``python -m runtime
analytics`` dispatches to), with the data written by the test for yesterday (the default day).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.analytics.cli import main
from runtime.store.dynamodb import DynamoDbStore
from runtime.store.sqlite import SqliteStore
from tests.integration.analytics_day import write_day
from tests.support.dynalite import ROOT, DynamoTable

pytest_plugins = ["tests.integration.dynamo_fixtures"]


def yesterday_start_ms() -> int:
    today = dt.datetime.now(dt.UTC).date()
    midnight = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(), dt.UTC)
    return int(midnight.timestamp() * 1000)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TRAVELBOT_"))}
    env["POWERTOOLS_METRICS_DISABLED"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "runtime.analytics.cli", "analytics", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_report_of_a_sqlite_history_is_printed_as_a_table(tmp_path: Path) -> None:
    # GIVEN yesterday's generated traffic in the local server's SQLite history
    store = SqliteStore(tmp_path / "history.sqlite3")
    write_day(store, yesterday_start_ms())
    store.close()

    # WHEN the command runs without --date (yesterday is the default)
    result = run_cli("--data-dir", str(tmp_path))

    # THEN it prints the day's table
    assert result.returncode == 0, result.stderr
    assert re.search(r"Daily active sessions\s+6\n", result.stdout)
    assert re.search(r"Conversion rate\s+50.0 %", result.stdout)
    assert "1. Lisbon" in result.stdout


def test_the_report_of_a_dynamodb_history_is_printed_as_json(dynamo_table: DynamoTable) -> None:
    # GIVEN yesterday's generated traffic in a DynamoDB table on dynalite
    start = yesterday_start_ms()
    write_day(DynamoDbStore(dynamo_table.client, dynamo_table.name), start)
    day = dt.datetime.fromtimestamp(start / 1000, dt.UTC).date().isoformat()

    # WHEN the command runs against that endpoint and table
    result = run_cli(
        "--date", day, "--store", "dynamodb", "--dynamodb-endpoint", dynamo_table.endpoint,
        "--table", dynamo_table.name, "--json",
    )  # fmt: skip

    # THEN the JSON report has the known figures
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["date"], report["active_sessions"], report["messages"]) == (day, 6, 9)
    assert report["destinations"][0] == {"destination": "Lisbon", "sessions": 2}


def test_the_html_report_is_written_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a SQLite history with yesterday's traffic
    store = SqliteStore(tmp_path / "history.sqlite3")
    write_day(store, yesterday_start_ms())
    out = tmp_path / "report.html"

    # WHEN the command runs with --html
    code = main(["analytics", "--data-dir", str(tmp_path), "--html", str(out)])

    # THEN the page with its charts is written
    assert code == 0
    page = out.read_text()
    assert page.count("<svg") >= 4 and "Lisbon" in page
    assert "Daily active sessions" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["2026-02-30", "01/03/2026", "2026-3-1", "tomorrow"])
def test_a_malformed_date_gets_a_clear_message(
    bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a date that is not YYYY-MM-DD or not a real day
    # WHEN the command runs
    with pytest.raises(SystemExit) as exit_info:
        main(["analytics", "--date", bad])

    # THEN it stops with a usage error that says what a date must look like
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --date: date must be a calendar day written YYYY-MM-DD" in err
    assert repr(bad) in err


def test_a_missing_sqlite_history_is_reported_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a data directory without history
    # WHEN the command runs
    code = main(["analytics", "--date", "2026-03-01", "--data-dir", str(tmp_path / "nothing")])

    # THEN it says so instead of printing an empty report
    assert code == 1
    assert "no history in" in capsys.readouterr().err
    assert not (tmp_path / "nothing").exists()


def test_an_unreachable_dynamodb_is_one_clear_line(
    closed_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a DynamoDB endpoint that refuses connections
    # WHEN the command runs against it
    code = main(
        [
            "analytics",
            "--date",
            "2026-03-01",
            "--dynamodb-endpoint",
            closed_endpoint,
            "--table",
            "h",
        ]
    )

    # THEN it exits 1 with a one-line error, no traceback
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: DynamoDB") and "Traceback" not in err
