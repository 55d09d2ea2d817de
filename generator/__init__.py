"""Insight Wiki: compile customer-insight notes into a searchable company wiki."""
