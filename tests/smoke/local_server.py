"""Start ``python -m runtime serve`` as a subprocess on a free loopback port, and stop it.

Used by the smoke suite (when no ``TRAVELBOT_BASE_URL`` is set) and by the browser tests. The
server picks its own port (``--port 0``) and prints it on its "listening" line, so no port is
ever guessed; readiness is then confirmed on ``GET /health``. Standard library only.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

REPO_ROOT = Path(__file__).resolve().parents[2]
LISTENING_RE = re.compile(r"listening on (http://[0-9.]+:\d+)")
# Provider settings a developer may have exported; the local server must use the embedded default.
PROVIDER_ENV_PREFIXES = (
    "TRAVELBOT_",
    "LEX_",
    "DIALOGFLOW_",
    "AZURE_LANGUAGE_",
    "OPENWEATHER_",
    "SECRETS_MANAGER_",
)


class ServerStartError(RuntimeError):
    """The server process exited or did not become healthy in time."""


def server_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for the server: ours without provider settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PROVIDER_ENV_PREFIXES)}
    env["PYTHONUNBUFFERED"] = "1"
    env["TRAVELBOT_SOURCES"] = "off"  # no public open-data API from a test's server
    env.update(extra or {})
    return env


class LocalServer:
    """One local chat server with its own data directory; use as a context manager.

    ``base_url`` is known once :meth:`start` returns. The server's output goes to
    ``<data_dir>/server.log``, which start-up errors quote.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        startup_timeout_s: float = 60.0,
        extra_env: dict[str, str] | None = None,
        extra_args: tuple[str, ...] = (),
        quiet: bool = True,
    ) -> None:
        self.data_dir = data_dir
        self.log_path = data_dir / "server.log"
        self.startup_timeout_s = startup_timeout_s
        self.extra_env = extra_env
        self.extra_args = extra_args
        self.quiet = quiet
        self.base_url = ""
        self._log_offset = 0
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        """Start the server and wait until ``/health`` answers; returns the base URL.

        Raises:
            ServerStartError: the process exited, or no healthy server within the timeout.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "runtime", "serve", "--host", "127.0.0.1", "--port", "0"]
        command += ["--data-dir", str(self.data_dir / "history"), *self.extra_args]
        command += ["--quiet"] if self.quiet else []
        self._log_offset = len(self._log_text())
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=server_env(self.extra_env),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + self.startup_timeout_s
        self.base_url = self._wait_for_url(deadline)
        self._wait_for_health(deadline)
        return self.base_url

    def log_text(self) -> str:
        """Everything the server printed so far (each start appends to the same log)."""
        return self._log_text()

    def kill(self) -> None:
        """SIGKILL: the process dies mid-whatever, as in a crash or an OOM kill."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=10)

    def _log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def _fail(self, why: str) -> ServerStartError:
        self.stop()
        return ServerStartError(f"local server {why}; its output:\n{self._log_text()[-4000:]}")

    def _wait_for_url(self, deadline: float) -> str:
        assert self._process is not None
        while time.monotonic() < deadline:
            match = LISTENING_RE.search(self._log_text()[self._log_offset :])
            if match:
                return match.group(1)
            if self._process.poll() is not None:
                raise self._fail(f"exited with status {self._process.returncode}")
            time.sleep(0.05)
        raise self._fail(f"printed no 'listening' line within {self.startup_timeout_s:.0f} s")

    def _wait_for_health(self, deadline: float) -> None:
        url = self.base_url + "/health"
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise self._fail(f"did not answer GET /health within {self.startup_timeout_s:.0f} s")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s); safe to call twice."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
