"""Command line: ``python -m runtime serve`` starts the local chat server.

The server runs the Lambda handler unchanged with the embedded default (local NLU, local
sentiment, SQLite history under ``--data-dir``): no cloud account and no key needed. Links in
replies start with ``--public-url`` (or ``TRAVELBOT_PUBLIC_BASE_URL``), by default the address
the server listens on; never with what a client puts in ``Host``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from runtime.analytics.cli import add_analytics_command, add_store_arguments


def _serve(args: argparse.Namespace) -> int:
    # Local defaults, set before Powertools reads them at import time: EMF metrics off (they
    # would flood the console), warnings and errors only in the JSON log.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("TRAVELBOT_STAGE", "local")

    from runtime import services
    from runtime.analytics.cli import settings_from_args
    from runtime.api.server import make_server
    from runtime.spool.file import FileSpool, ReplayWorker

    server = make_server(args.host, args.port, quiet=args.quiet, timeout_s=args.timeout)
    host, port = str(server.server_address[0]), int(server.server_address[1])
    settings = settings_from_args(args)
    public_url = args.public_url or settings.public_base_url or f"http://{host}:{port}"
    settings = dataclasses.replace(settings, public_base_url=public_url.rstrip("/"))
    data_dir = Path(args.data_dir)
    current = services.build_services(settings, data_dir=data_dir)
    services.configure(current)
    spool = current.spool
    worker = ReplayWorker(spool, current.store) if isinstance(spool, FileSpool) else None
    if worker is not None:
        worker.start()
    print(
        f"Travel Bot listening on http://{host}:{port} (history in {data_dir.resolve()})",
        flush=True,
    )

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if worker is not None:
            worker.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m runtime", description="Travel Bot runtime")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the local chat server")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)"
    )
    serve.add_argument("--data-dir", default=".data", help="where history is kept (default .data/)")
    serve.add_argument("--quiet", action="store_true", help="no access log")
    serve.add_argument(
        "--public-url",
        default="",
        help="the URL clients reach the server at, for links in replies (default: the bound "
        "address; TRAVELBOT_PUBLIC_BASE_URL also sets it)",
    )
    serve.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds a request may take to arrive, and an idle connection may stay (default 30)",
    )
    add_store_arguments(serve)
    serve.set_defaults(run=_serve)
    add_analytics_command(commands)
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
