"""The `reminders` and `reviews` passes and their buttons."""
