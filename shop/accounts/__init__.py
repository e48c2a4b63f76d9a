"""Staff accounts, sign-in and the scope (facility, region, all) each role may see."""
