"""`/pmo projects`, the App Home tab and CSV exports."""
