"""The dashboard's portfolio page for 1,000 projects, against one `/pmo status` per ten projects.

    python -m benchmarks dashboard [--projects 1000] [--rounds 5] [--database-url URL]

A PMO administrator (who sees every project) reads the portfolio page over HTTP; the baseline
is `/pmo status KEY` for every tenth project, answered one after the other by the same server.
Both read the status snapshots; the first page builds them (shown apart, as "cold"), the timed
rounds find them kept, as a reader does when nothing moved. The figure is the ratio of the two.
"""

from __future__ import annotations

import argparse
from datetime import date
from statistics import median

from benchmarks.harness import Figure, fake_slack, pmo_app, report, scratch_database, timed
from benchmarks.scenario import Shape, build_workspace
from bot.scopes import DASHBOARD_PATH
from models.core.database import Database
from tests.support.dashboard import CLIENT_ID, CLIENT_SECRET, NOT_YET_LISTENING, sign_in
from tests.support.served import serving
from tests.support.workspace import ADMIN, TEAM

NAME = "dashboard"
SMALL = Shape(tasks=20, members=3, milestones=2, risks=4, costs=5, checked_tasks=2)
RATIO_TARGET = 2.0
PER_STATUS = 10  # one `/pmo status` per this many projects


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--projects", type=int, default=1000, help="projects in the workspace")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of each")


def run(args: argparse.Namespace) -> None:
    with scratch_database(args.database_url) as url:
        database = Database(url)
        built = build_workspace(database, TEAM, projects=args.projects, shape=SMALL, today=date.today())
        fake = fake_slack(people=[ADMIN, *(project.manager for project in built)])
        settings = {"slack_client_id": CLIENT_ID, "slack_client_secret": CLIENT_SECRET}
        app = pmo_app(database, fake, pmo_public_url=NOT_YET_LISTENING, **settings)
        try:
            with serving(app, fake) as running:
                app.runtime.settings.pmo_public_url = running.url
                # Landing on one project page, so the first portfolio page below builds the snapshots.
                reader = sign_in(running, ADMIN, page=f"{DASHBOARD_PATH}/projects/{built[0].key}")
                portfolio = running.url + DASHBOARD_PATH

                def page() -> None:
                    answer = reader.get(portfolio)
                    assert answer.status_code == 200 and answer.text.count('<tr id="row-') == args.projects

                cold = timed(page)
                asked = built[::PER_STATUS]

                def statuses() -> None:
                    for project in asked:
                        said = running.slack.command(f"status {project.key}", user=project.manager).json()
                        assert project.key in said["text"], said

                statuses()  # each asker's profile is fetched once, as in a day's use
                pages = [timed(page) for _ in range(args.rounds)]
                answers = [timed(statuses) for _ in range(args.rounds)]
        finally:
            fake.stop()
            database.dispose()
    print(f"portfolio page: {args.projects} rows; baseline: {len(asked)} `/pmo status` answers")
    report(
        f"dashboard portfolio, {args.projects} projects of {SMALL.tasks} tasks",
        url,
        [
            Figure("portfolio page, cold (snapshots built)", cold, "s"),
            Figure(
                "portfolio page",
                median(pages),
                "s",
                baseline=median(answers),
                baseline_name=f"{len(asked)} × /pmo status",
                target=f"≤ {RATIO_TARGET:g}×",
                met=median(pages) <= RATIO_TARGET * median(answers),
            ),
        ],
    )
