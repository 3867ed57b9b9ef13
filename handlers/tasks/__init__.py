"""`/pmo task`, `/pmo tasks`, `/pmo done`, `/pmo update`, and the task buttons."""
