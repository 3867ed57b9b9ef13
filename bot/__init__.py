"""The runtime shell of PMO bot: settings, app factory, CLI, scheduler, i18n and Block Kit helpers."""
