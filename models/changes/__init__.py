"""Change requests: tables, raising them and deciding them."""
