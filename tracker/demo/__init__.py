"""Demo data for `make run`: an organization, its divisions and one account per role."""
