"""A throwaway PostgreSQL server on a free loopback port, for a test that has to stop one."""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import free_port


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not found:
        pytest.fail("PostgreSQL is needed: apt-get install postgresql")
    return Path(found[-1])


class PostgreSQL:
    """One cluster in a folder of its own under /tmp (pytest's folders are closed to other
    users), run as the postgres user when the tests run as root (initdb refuses root), else as
    whoever runs them. Removed when it stops."""

    def __init__(self):
        self.bin = _binaries()
        self.data = Path(tempfile.mkdtemp(prefix="decisionaid-test-pg-"))
        self.port = free_port()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/decisionaid"

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [*self.as_owner, str(self.bin / program), *args], capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.fail(f"{program} failed:\n{done.stdout[-1000:]}{done.stderr[-2000:]}")

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data}"
        log = str(self.data / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-o", options, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    @contextlib.contextmanager
    def running(self) -> Iterator["PostgreSQL"]:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.start()
        try:
            where = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
            self._run("createdb", *where, "decisionaid")
            yield self
        finally:
            with contextlib.suppress(BaseException):
                self.stop()
            shutil.rmtree(self.data, ignore_errors=True)
