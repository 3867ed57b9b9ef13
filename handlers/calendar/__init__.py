"""`/pmo holidays` and `/pmo away`."""
