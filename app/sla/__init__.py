"""Working-day calendar, due dates and SLA rules."""
