"""Human-task rows: inbox, claim, assign, complete."""
