"""Accounts: users and roles, municipalities, businesses and their staff."""
