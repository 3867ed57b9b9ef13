"""Projects as a whole: the project, member, budget-line and cost tables, the portfolio, one
person's work across projects, and CSV exports."""
