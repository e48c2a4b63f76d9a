"""Demo data that looks real: facilities named as real units, their workshops and products."""
