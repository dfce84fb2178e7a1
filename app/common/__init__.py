"""Shared building blocks: clock, column types, errors, pagination, authorization helpers."""
