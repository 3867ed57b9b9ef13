"""`/pmo doc` and `/pmo docs`."""
