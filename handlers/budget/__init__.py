"""`/pmo budget` and `/pmo cost`."""
