"""`/pmo status`."""
