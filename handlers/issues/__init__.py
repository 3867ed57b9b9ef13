"""`/pmo issue` and `/pmo issues`."""
