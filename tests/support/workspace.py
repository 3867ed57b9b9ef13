"""The pretend Slack workspaces every test bot serves: their ids, tokens and people."""

from __future__ import annotations

SIGNING_SECRET = "test-signing-secret"
TEAM = "T0001"
OTHER_TEAM = "T0002"
BOT_TOKEN = "xoxb-test-T0001"
OTHER_BOT_TOKEN = "xoxb-test-T0002"
ALICE, BOB, CAROL = "U0001", "U0002", "U0003"
WEI = "U0005"  # reads Slack in Simplified Chinese (zh-CN), in Alice's time zone
ADMIN = "U0009"  # a PMO administrator (PMO_ADMINS) in every running bot
