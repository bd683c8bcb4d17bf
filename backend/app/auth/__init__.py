"""Accounts and JWT authentication (DESIGN 4.1): passwords, tokens, users; routes/auth.py."""
