"""Repository: every query and write use case, one module per domain."""
