"""Input schemas (pydantic): what a form may send, checked before anything reaches the database."""
