"""Closing: the checklist, settling what is open, lessons learned and the final report."""
