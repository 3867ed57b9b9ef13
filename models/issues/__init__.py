"""The issue log: its table and raising issues."""
