"""The `digests` pass: weekly and portfolio digests."""
