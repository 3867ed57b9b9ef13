"""Standups: who is asked, their answers, and blockers turned into issues."""
