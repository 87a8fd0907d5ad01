"""``python -m runtime analytics``: the daily report in the terminal (and as an HTML file).

Also the store options shared with ``serve`` (``--store``, ``--dynamodb-endpoint``, ``--table``),
which override the ``TRAVELBOT_*`` environment. Runs standalone too:
``python -m runtime.analytics.cli analytics --date 2026-03-01``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Only light modules at import time: ``python -m runtime`` sets Powertools' environment
# defaults before anything that reads them (boto3, Powertools) is imported.
from runtime.analytics.report import analyse, format_table, parse_date, yesterday
from runtime.errors import ConfigError, StoreError
from runtime.settings import Settings


def _date(value: str) -> str:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """``--store``, ``--dynamodb-endpoint`` and ``--table`` (defaults: the environment)."""
    parser.add_argument(
        "--store",
        choices=("sqlite", "dynamodb"),
        help="history store (default: $TRAVELBOT_STORE or sqlite)",
    )
    parser.add_argument(
        "--dynamodb-endpoint",
        metavar="URL",
        help="a local DynamoDB-compatible server, e.g. http://127.0.0.1:4567 (dynalite)",
    )
    parser.add_argument(
        "--table", metavar="NAME", help="DynamoDB table (default: $TRAVELBOT_TABLE_NAME)"
    )


def settings_from_args(args: argparse.Namespace, base: Settings | None = None) -> Settings:
    """The environment's settings with the store options of the command line applied.

    ``--dynamodb-endpoint`` alone implies ``--store dynamodb``.
    """
    base = base or Settings.from_env()
    endpoint = getattr(args, "dynamodb_endpoint", None)
    store = getattr(args, "store", None) or ("dynamodb" if endpoint else base.store)
    return dataclasses.replace(
        base,
        store=store,
        dynamodb_endpoint=endpoint or base.dynamodb_endpoint,
        table_name=getattr(args, "table", None) or base.table_name,
    )


def add_analytics_command(subparsers: Any) -> None:
    """Register ``analytics`` on an ``argparse`` sub-parsers object."""
    parser = subparsers.add_parser(
        "analytics",
        help="print the daily analytics report",
        description="Daily analytics of one UTC day: sessions, messages, destinations, "
        "conversion, response times, providers, sentiment and experiment variants.",
    )
    parser.add_argument(
        "--date", type=_date, help="the UTC day, YYYY-MM-DD (default: yesterday, UTC)"
    )
    add_store_arguments(parser)
    parser.add_argument(
        "--data-dir", default=".data", help="the SQLite store's directory (default .data/)"
    )
    parser.add_argument("--html", type=Path, metavar="FILE", help="also write the HTML report")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.set_defaults(run=run_analytics)


def run_analytics(args: argparse.Namespace) -> int:
    """Compute and print the report; 1 with a one-line message when the store fails."""
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    from runtime.analytics.html import render_report
    from runtime.store.factory import SQLITE_FILE, build_store

    day = args.date or yesterday(dt.datetime.now(dt.UTC))
    try:
        settings = settings_from_args(args)
        if settings.store == "sqlite" and not (Path(args.data_dir) / SQLITE_FILE).exists():
            raise ConfigError(
                f"no history in {args.data_dir}/ (start the server with --data-dir"
                f" {args.data_dir}, or pass --store dynamodb)"
            )
        store = build_store(settings, data_dir=args.data_dir, create_table=False)
        report = analyse(store, day)
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False), flush=True)
    else:
        print(format_table(report), flush=True)
    if args.html:
        page, _csp = render_report(report)
        args.html.write_text(page, encoding="utf-8")
        print(f"HTML report written to {args.html}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Standalone entry point (``python -m runtime.analytics.cli analytics ...``)."""
    parser = argparse.ArgumentParser(prog="python -m runtime", description="Travel Bot runtime")
    commands = parser.add_subparsers(dest="command", required=True)
    add_analytics_command(commands)
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
