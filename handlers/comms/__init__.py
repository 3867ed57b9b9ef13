"""`/pmo comms` and the `reports` pass."""
