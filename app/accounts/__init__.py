"""Accounts: users, roles, groups (BPMN lanes), tokens."""
