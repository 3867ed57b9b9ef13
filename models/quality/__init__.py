"""Quality: acceptance criteria, the quality plan, reviews and the sponsor's acceptance."""
