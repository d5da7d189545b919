"""Queries and inserts, one module per area. Repositories never commit: the unit of work does."""
