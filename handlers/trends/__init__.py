"""Trends: the daily snapshot pass, and `/pmo trend` with its charts."""
