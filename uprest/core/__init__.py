"""Pieces every domain shares: time, templating, errors, security headers, the home page."""
