"""`/pmo close`, the closing checklist, lessons learned and the final report."""
