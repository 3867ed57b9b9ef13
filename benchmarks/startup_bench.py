"""Start-up and memory: `pmo-bot serve` to `/healthz` 200, and its resident memory when idle.

    python -m benchmarks startup [--runs 5] [--database-url URL]

Each run starts a fresh process on a migrated database (with its scheduler, as operators run
it), waits for `/healthz`, answers a few commands, then sits idle for two seconds before its
memory is read. The baseline is the bare Bolt app on waitress, started and measured the same way.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Figure, fake_slack, median, report, scratch_database
from benchmarks.processes import Served, bare_serve, pmo_bot_serve
from tests.support.slackdriver import SlackDriver
from tests.support.workspace import SIGNING_SECRET

NAME = "startup"
START_TARGET_S = 2.0
RSS_TARGET_MB = 120.0
IDLE_S = 2.0


def settle(served: Served) -> float:
    """A few commands, then idle: the memory a quiet afternoon finds the process using."""
    slack = SlackDriver(served.url, SIGNING_SECRET)
    for text in ("help", "projects", "status", "tasks"):
        slack.command(text)
    slack.session.close()
    time.sleep(IDLE_S)
    return served.rss_mb()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=5, help="processes started of each kind")


def run(args: argparse.Namespace) -> None:
    starts: dict[str, list[float]] = {"pmo": [], "bare": []}
    memory: dict[str, list[float]] = {"pmo": [], "bare": []}
    fake = fake_slack()
    with scratch_database(args.database_url) as url, tempfile.TemporaryDirectory() as folder:
        for _ in range(args.runs):
            with pmo_bot_serve(url, fake.api_url, Path(folder), scheduler=True) as served:
                starts["pmo"].append(served.started_in)
                memory["pmo"].append(settle(served))
            with bare_serve(fake.api_url, Path(folder)) as served:
                starts["bare"].append(served.started_in)
                memory["bare"].append(settle(served))
    fake.stop()
    start, rss = median(starts["pmo"]), max(memory["pmo"])
    report(
        f"start and memory, {args.runs} runs",
        url,
        [
            Figure(
                "serve to /healthz 200 (median)",
                start,
                "s",
                baseline=median(starts["bare"]),
                baseline_name="bare Bolt",
                target=f"< {START_TARGET_S:g} s",
                met=start < START_TARGET_S,
            ),
            Figure("serve to /healthz 200 (slowest)", max(starts["pmo"]), "s"),
            Figure(
                "idle RSS (largest)",
                rss,
                "MB",
                baseline=max(memory["bare"]),
                baseline_name="bare Bolt",
                target=f"< {RSS_TARGET_MB:g} MB",
                met=rss < RSS_TARGET_MB,
            ),
        ],
    )
