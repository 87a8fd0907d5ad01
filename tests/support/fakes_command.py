"""The command behind ``python -m tests.support.cloud`` and ``python -m tests.support.sources``.

Each starts its stack of fakes and prints the environment that points the runtime at them: as
one JSON object (then stops), or with ``--serve`` as ``export`` lines for a shell, keeping the
fakes up until Ctrl-C or SIGTERM (see docs/cloud-providers.md).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shlex
import signal
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol


class FakeStack(Protocol):
    """A started stack of fakes that can say how to reach them."""

    def env(self) -> dict[str, str]:
        """The runtime's environment variables pointing at the fakes."""
        ...


def run(
    start: Callable[[], AbstractContextManager[FakeStack]],
    description: str,
    argv: Sequence[str] | None = None,
) -> int:
    """Start the fakes; print the environment (``--serve``: as ``export`` lines, until Ctrl-C)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--serve", action="store_true", help="keep running until interrupted")
    args = parser.parse_args(argv)
    with start() as stack:
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
