"""Building blocks every domain uses: errors, money, numbers, locks, audit, storage, mail, the
unit of work, the clock and time zones, absolute URLs."""
