"""The Slack plumbing every domain uses: the request context, middleware, the slash-command
router, forms, payload checks, errors, the directory of people, replays and once-only saves,
scheduled passes and notices."""
