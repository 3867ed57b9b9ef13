"""A project's status: its figures, the report and the health rules."""
