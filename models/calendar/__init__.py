"""Working days: the week, holidays and people's absences."""
