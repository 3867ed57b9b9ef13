"""The risk register: tables, raising and scoring risks, and their reviews."""
