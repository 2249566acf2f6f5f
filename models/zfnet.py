"""Placeholder: this family is being implemented."""
