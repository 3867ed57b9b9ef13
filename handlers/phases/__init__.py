"""`/pmo phase`: moving a project through its gates."""
