"""A Prefect server on this machine's loopback, for `huibao schedule` without Docker.

Scheduled runs need a Prefect server with its scheduler service; when PREFECT_API_URL is not
set, huibao starts one (`prefect server start`) with its state under $HUIBAO_HOME/prefect and
stops it on exit.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


class LocalPrefectServer:
    def __init__(self, home: Path, port: int | None = None) -> None:
        self.home = Path(home)
        self.port = port or _free_port()
        self.proc: subprocess.Popen | None = None
        self.log = self.home / "prefect-server.log"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self, timeout: float = 120) -> LocalPrefectServer:
        self.home.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "PREFECT_HOME": str(self.home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
        }
        env.pop("PREFECT_API_URL", None)
        argv = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
        argv += ["--port", str(self.port)]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the Prefect server exited; see {self.log}")
            try:
                with urllib.request.urlopen(self.api_url + "/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the Prefect server did not start in {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
