"""Start and stop dynalite (npm, declared in ``package.json``) on a free loopback port.

Used by the pytest fixtures in :mod:`tests.integration.dynamo_fixtures` and by ``bench/store.py``.
dynalite keeps its tables in memory and implements DynamoDB's wire protocol and validation
(no TTL, transactions or PITR APIs: moto's server covers those where needed).
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

ROOT = Path(__file__).resolve().parents[2]
DYNALITE = ROOT / "node_modules" / "dynalite"
#: Starts dynalite like its CLI, surviving clients that reset a connection mid-request.
LAUNCHER = Path(__file__).with_name("dynalite_server.js")
REGION = "us-east-1"


@dataclass(frozen=True)
class DynamoTable:
    """A table created for one test: its client, name and server endpoint."""

    client: DynamoDBClient
    name: str
    endpoint: str


def unique_table_name(prefix: str = "test") -> str:
    """A table name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def local_client(endpoint: str, *, read_timeout_s: float = 5.0) -> DynamoDBClient:
    """A boto3 DynamoDB client for a local server: dummy keys, no botocore retries."""
    return boto3.session.Session().client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # a local server checks no signature
        config=Config(
            connect_timeout=1,
            read_timeout=read_timeout_s,
            retries={"total_max_attempts": 1, "mode": "standard"},
            max_pool_connections=64,
        ),
    )


class DynaliteServer:
    """One dynalite process; ``with DynaliteServer() as server: server.endpoint``."""

    def __init__(self) -> None:
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        # dynalite's stderr, shown if it dies; open as long as the server object (see __exit__)
        self._log = tempfile.TemporaryFile()  # noqa: SIM115

    @property
    def endpoint(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 20.0) -> Self:
        """Start on a free port and wait until it accepts connections.

        Raises:
            RuntimeError: dynalite is not installed (run ``npm ci``) or does not come up.
        """
        if not DYNALITE.exists():
            raise RuntimeError(f"{DYNALITE} is missing: run `npm ci` (or `make install-dev`)")
        for _ in range(3):  # the free port may be taken between probing and binding
            self.port = free_port()
            self._process = self._spawn(self.port)
            if self._wait_ready(timeout_s):
                return self
            self.stop()
        raise RuntimeError("dynalite did not start")

    def ensure_running(self) -> None:
        """Restart dynalite on its port if it died (it is in-memory: its tables are gone).

        The launcher (``dynalite_server.js``) already keeps dynalite up when a client resets a
        connection mid-request, which its own CLI does not survive; should it exit anyway, a
        session-long server must not turn one exit into every later test's failure. The exit is
        reported as a warning with dynalite's last words.
        """
        process = self._process
        if process is None or process.poll() is None:
            return
        self._log.seek(0)
        last_words = self._log.read()[-2000:].decode("utf-8", "replace")
        warnings.warn(
            f"dynalite exited (status {process.returncode}); restarting it: {last_words}",
            stacklevel=2,
        )
        self._process = self._spawn(self.port)
        if not self._wait_ready(20.0):
            raise RuntimeError(f"dynalite could not be restarted on port {self.port}")

    def _spawn(self, port: int) -> subprocess.Popen[bytes]:
        instant = ["--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"]
        return subprocess.Popen(
            ["node", str(LAUNCHER), "--host", "127.0.0.1", "--port", str(port), *instant],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )

    def _wait_ready(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        """Terminate the process (kill it if it does not exit within 5 s)."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        self._log.close()
