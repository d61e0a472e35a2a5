"""Offline AI helpers: Chinese comment sentiment (personas and matching will live here too)."""
