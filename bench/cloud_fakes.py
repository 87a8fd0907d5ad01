"""Run every cloud the runtime can use as a local fake, and print the environment that points
the runtime at them.

    .venv/bin/python bench/cloud_fakes.py --serve        # keeps running; prints `export` lines
    .venv/bin/python bench/cloud_fakes.py                # starts, prints the env as JSON, stops

Started: the Lex V2, Dialogflow ES, Azure Language and OpenWeather fakes (``tests/fakes``) and
moto's Secrets Manager, with one secret holding the fakes' keys and a freshly generated
service-account key. See ``docs/cloud-providers.md``. Used by ``bench/coldstart.py`` and
``bench/fanout.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shlex
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.integration.cloud_support import CloudStack, cloud_stack  # noqa: E402

__all__ = ["CloudStack", "cloud_stack", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Start the fakes; print the environment (``--serve``: as ``export`` lines, until Ctrl-C)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", action="store_true", help="keep running until interrupted")
    args = parser.parse_args(argv)
    with cloud_stack() as stack:
        env = stack.env()
        if not args.serve:
            print(json.dumps(env, sort_keys=True))
            return 0
        for name, value in sorted(env.items()):
            print(f"export {name}={shlex.quote(value)}")
        print("# fakes running; Ctrl-C to stop", flush=True)
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
