"""Money: the budget by category, what was spent, currencies and earned value."""
