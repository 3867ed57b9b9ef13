"""The charter: what a project is for, who runs it, by when and for how much."""
