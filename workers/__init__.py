"""Background work: the scheduler that fires timers, escalates and delivers notifications."""
