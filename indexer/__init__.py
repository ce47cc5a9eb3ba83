"""Rådsarkiv's indexer: Danish council minutes → records → a searchable index."""
