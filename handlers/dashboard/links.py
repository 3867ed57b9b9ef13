""" "Open in the dashboard": the link Slack's status, digests and Home carry once it is served."""

from __future__ import annotations

from bot.blocks import Block, context
from bot.i18n import Translator
from bot.scopes import DASHBOARD_PATH
from bot.settings import Settings

PROJECTS_PATH = DASHBOARD_PATH + "/projects/"


def dashboard_url(settings: Settings, key: str | None = None) -> str | None:
    """The portfolio's address, or a project's; None while the dashboard is off."""
    if settings.pmo_public_url is None:
        return None
    return settings.pmo_public_url + (PROJECTS_PATH + key if key else DASHBOARD_PATH)


def link_text(settings: Settings, t: Translator, key: str | None = None) -> str | None:
    url = dashboard_url(settings, key)
    return None if url is None else f"<{url}|{t('dashboard.open')}>"


def link_blocks(settings: Settings, t: Translator, key: str | None = None) -> list[Block]:
    """The link as a context block, or none while the dashboard is off."""
    text = link_text(settings, t, key)
    return [] if text is None else [context(text)]
