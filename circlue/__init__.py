"""Circlue ops dashboard: Korean brands x Chinese KOL campaigns."""
