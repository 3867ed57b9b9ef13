"""The bot scopes the app asks for; manifest.yml must list exactly these (a test checks)."""

BOT_SCOPES = (
    "commands",  # /pmo and message shortcuts
    "chat:write",  # answers, posts and DMs
    "im:write",  # opening DMs for reminders and prompts
    "users:read",  # time zones, locales and away statuses
    "channels:read",  # whether a project's channel is public
    "groups:read",  # ... or private, which keeps its project from outsiders
    "files:write",  # the Gantt chart and the final report
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
EVENTS_PATH = "/slack/events"
