"""Project templates in Slack: the charter form's picker and `/pmo template save`."""
