"""The team: members, roles, allocation and load."""
