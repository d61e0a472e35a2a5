"""Streamlit helpers shared by pages: auth, formatting, i18n, the database bootstrap."""
