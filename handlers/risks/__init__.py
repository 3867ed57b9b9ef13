"""`/pmo risk`, `/pmo risks`, risk lines and review prompts."""
