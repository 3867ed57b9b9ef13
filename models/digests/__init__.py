"""The weekly digest's content."""
