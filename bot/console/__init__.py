"""`pmo-bot console`: the real app against a pretend Slack, driven from a terminal or a script."""
