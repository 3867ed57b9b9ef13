"""Servers in processes of their own, as operators run them: `pmo-bot serve` and the bare baseline.

A server in its own process is measured as it runs in production (its own interpreter, memory
and threads), and the benchmark's clients do not share its interpreter lock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from bot.web import DEFAULT_THREADS
from tests.support.processes import clean_env, free_port, pmo_bot
from tests.support.workspace import ADMIN, BOT_TOKEN, SIGNING_SECRET

START_TIMEOUT_S = 60
POLL_S = 0.005


@dataclass(frozen=True)
class Served:
    process: subprocess.Popen[bytes]
    url: str
    started_in: float  # seconds from spawning the process to /healthz answering 200

    def rss_mb(self) -> float:
        """Resident memory now, from the kernel's own account of the process."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS in /proc: resident memory is measured on Linux only")

    def cpu_seconds(self) -> float:
        """Processor time the process has used so far, user and system, from the kernel's account.

        Unlike answer times, it hardly moves with what else the machine is running.
        """
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        user, system = int(fields[11]), int(fields[12])  # utime and stime, the 14th and 15th fields
        return (user + system) / os.sysconf("SC_CLK_TCK")


def wait_healthy(process: subprocess.Popen[bytes], url: str, started: float) -> float:
    while time.perf_counter() - started < START_TIMEOUT_S:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering /healthz")
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return time.perf_counter() - started
        except requests.ConnectionError:
            pass
        time.sleep(POLL_S)
    raise RuntimeError(f"no answer from {url}/healthz in {START_TIMEOUT_S} s")


@contextmanager
def serving_process(command: list[str], env: dict[str, str], port: int, cwd: Path) -> Iterator[Served]:
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    quiet = subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=quiet, stderr=quiet)
    try:
        yield Served(process, url, wait_healthy(process, url, started))
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def pmo_bot_serve(
    database_url: str, api_url: str, cwd: Path, *, scheduler: bool = False, threads: int | None = None
) -> Iterator[Served]:
    """`pmo-bot serve` with the benchmark's settings, on a free loopback port."""
    port = free_port()
    env = clean_env(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        PMO_ADMINS=ADMIN,
        PMO_LOG_LEVEL="ERROR",
    )
    command = [*pmo_bot(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += [] if scheduler else ["--no-scheduler"]
    command += ["--threads", str(threads)] if threads else []
    with serving_process(command, env, port, cwd) as served:
        yield served


@contextmanager
def bare_serve(api_url: str, cwd: Path) -> Iterator[Served]:
    """The bare Bolt baseline (benchmarks/bare_app.py) in a process of its own."""
    port = free_port()
    command = [sys.executable, "-m", "benchmarks.bare_app", "--port", str(port), "--api-url", api_url]
    command += ["--signing-secret", SIGNING_SECRET, "--token", BOT_TOKEN, "--threads", str(DEFAULT_THREADS)]
    env = clean_env(PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    with serving_process(command, env, port, cwd) as served:
        yield served
