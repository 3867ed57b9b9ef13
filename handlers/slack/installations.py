"""Where the app keeps each workspace's installation: slack-sdk's SQLAlchemy stores.

The stores and their tables are Slack's, not the domain's, so they live here; their tables
join the domain's in one schema history (`schema_metadata`), which `pmo-bot db revision`
compares the database against.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData

from models.core.database import Database
from models.core.migrate import target_metadata

INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"
# An install begun and not finished within ten minutes starts again.
OAUTH_STATE_TTL_S = 600


def store_metadata() -> MetaData:
    """The tables of slack-sdk's SQLAlchemy installation and OAuth state stores.

    They are slack-sdk's own definitions; migrating them with ours keeps one schema history.
    """
    metadata = MetaData()
    SQLAlchemyInstallationStore.build_installations_table(metadata, INSTALLATIONS_TABLE)
    SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS_TABLE)
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, OAUTH_STATES_TABLE)
    return metadata


def schema_metadata() -> list[MetaData]:
    """Every table the bot's database holds: the domain's and the stores'."""
    return target_metadata(store_metadata())


def installation_store(database: Database, client_id: str) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(
        client_id=client_id,
        engine=database.engine,
        bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE,
    )


def state_store(database: Database) -> SQLAlchemyOAuthStateStore:
    return SQLAlchemyOAuthStateStore(
        expiration_seconds=OAUTH_STATE_TTL_S, engine=database.engine, table_name=OAUTH_STATES_TABLE
    )
