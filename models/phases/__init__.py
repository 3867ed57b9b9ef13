"""The project's phases and the gates between them."""
