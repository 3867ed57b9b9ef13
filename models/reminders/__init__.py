"""Reminders: overdue work and when it is chased."""
