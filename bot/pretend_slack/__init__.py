"""A pretend Slack on loopback, as strict as real Slack about what it accepts.

`pmo-bot console` runs the real app against it, and the end-to-end tests build on it
(`tests/support/fakeslack.py` adds what only tests need: injected faults, held and dropped
calls, OAuth grants, Socket Mode URLs and waiting for calls). It holds:

- `world`: workspaces, people, channels, and the calls, views and uploads the app made;
- `web_api`: the Web API methods the app calls, with the arguments each requires;
- `blockkit`: Slack's Block Kit checks, against the limits `bot.blocks` defines;
- `answers`: Slack's answers and refusals;
- `server`: `PretendSlack`, the loopback HTTP server that records calls and violations.
"""

from bot.pretend_slack.server import PretendSlack
from bot.pretend_slack.world import Call

__all__ = ["Call", "PretendSlack"]
