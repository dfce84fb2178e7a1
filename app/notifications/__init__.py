"""Notification outbox, transports and templates."""
