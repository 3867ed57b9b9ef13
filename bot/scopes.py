"""The bot scopes the app asks for; manifest.yml must list exactly these (a test checks).

Each Web API method the app calls maps to the scopes Slack requires for it, from Slack's method
reference; tests/test_manifest.py finds every call in the code and checks that these scopes are
exactly what those methods need, no more (a scope unused is a question at install) and no less.
Direct messages go out as `chat.postMessage` to a user id, which needs only `chat:write`; the
portfolio digest posts to a channel the bot was invited to (README says so), so neither
`im:write` nor `chat:write.public` is asked for.
"""

METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "chat.postMessage": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.getPermalink": (),
    "conversations.info": ("channels:read", "groups:read"),  # whether a project's channel is private
    "users.info": ("users:read",),  # time zones, locales and away statuses
    "users.list": ("users:read",),  # the same, for everyone at once, ahead of a pass
    "files.getUploadURLExternal": ("files:write",),  # the Gantt chart, exports and the final report
    "files.completeUploadExternal": ("files:write",),
    "files.info": ("files:read",),  # a plan uploaded into /pmo import's form, fetched to read it
    "users.lookupByEmail": ("users:read.email",),  # a plan's people matched by their email
    "views.open": (),
    "views.push": (),
    "views.update": (),
    "views.publish": (),
    "auth.test": (),
    # Sign in with Slack (the dashboard): called with the app's credentials and the reader's own
    # token, which the user scopes below grant, never with the bot token.
    "openid.connect.token": (),
    "openid.connect.userInfo": (),
}
# Calls Bolt makes itself (it asks who the token belongs to), not written in our code.
FRAMEWORK_METHODS = ("auth.test",)
# Not a Web API method: what /pmo and the message shortcuts need.
COMMAND_SCOPES = ("commands",)
# WebClient helpers that call more than one method.
CLIENT_HELPERS: dict[str, tuple[str, ...]] = {
    "files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal"),
}

BOT_SCOPES = (
    "commands",
    "chat:write",
    "users:read",
    "channels:read",
    "groups:read",
    "files:write",
    "files:read",
    "users:read.email",
)
# Sign in with Slack (OpenID Connect) asks these of the reader, not of the bot.
SIGN_IN_SCOPES = ("openid", "profile", "email")
DASHBOARD_PATH = "/dashboard"
SIGN_IN_REDIRECT_PATH = DASHBOARD_PATH + "/signed-in"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
EVENTS_PATH = "/slack/events"
