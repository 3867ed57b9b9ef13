"""`/pmo meeting` and `/pmo decisions`."""
