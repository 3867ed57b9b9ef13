"""`/pmo new` and `/pmo charter`: the charter modal."""
