"""The work breakdown: task tables, building the tree, daily updates and which tasks are leaves."""
