"""The document register."""
