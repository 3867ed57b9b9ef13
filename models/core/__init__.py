"""What every domain stands on: the base and column types, the engine and sessions scoped to a
workspace, migrations, the clock, errors, item keys, limits, the audit log and the bot's own records."""
