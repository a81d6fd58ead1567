"""Recipient messages: templates (what is said) and channels (how it gets there).

The outbox service (station.services.outbox) decides when; nothing here touches the database.
"""
