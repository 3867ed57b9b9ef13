"""A project's figures day by day: the snapshots the tick keeps, which trend charts read."""
