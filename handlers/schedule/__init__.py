"""`/pmo plan`, `/pmo milestone` and `/pmo gantt`."""
