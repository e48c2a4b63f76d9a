"""Building blocks every domain uses: errors, money, numbers, locks, audit, storage, mail."""
