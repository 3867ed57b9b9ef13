"""`/pmo team` and `/pmo people`."""
