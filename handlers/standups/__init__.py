"""Standups: the prompt, the answer form and the day's summary."""
