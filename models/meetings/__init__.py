"""Meetings and the decision log."""
