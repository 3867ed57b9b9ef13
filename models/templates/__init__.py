"""Project templates: the PMO's standard way to run a kind of project, kept per workspace."""
