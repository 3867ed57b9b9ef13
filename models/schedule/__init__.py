"""The schedule: the dependency network, the critical path and milestones."""
