"""A plan file's people by their email addresses, as Slack knows them: for `/pmo import` and
`pmo-bot import` alike."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.slack.directory import NOT_FOUND
from models.schedule.mspdi import PlanFile

log = logging.getLogger(__name__)

# Slack answers about 50 users.lookupByEmail a minute: a plan's people beyond are matched by name.
EMAILS_LOOKED_UP = 50


def emailed_people(client: WebClient, plan: PlanFile) -> dict[str, str]:
    """The user ids Slack gives the plan's email addresses: a best effort beside the names, so
    an address Slack doesn't know (or won't say) only leaves that person to be matched by name."""
    found: dict[str, str] = {}
    emails = sorted({person.email.casefold() for person in plan.resources if person.email})
    for email in emails[:EMAILS_LOOKED_UP]:
        try:
            found[email] = str(client.users_lookupByEmail(email=email)["user"]["id"])
        except SlackApiError as error:
            if error.response.get("error") not in NOT_FOUND:
                log.warning("no email lookup for a plan's person: %s", error.response.get("error"))
    return found
