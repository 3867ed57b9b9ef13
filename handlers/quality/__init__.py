"""`/pmo quality`, quality reviews and the sponsor's acceptance."""
