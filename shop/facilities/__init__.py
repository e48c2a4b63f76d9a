"""Facilities' public profiles, delivery rates and the regions they belong to."""
