"""Certificates as Open Badges 3.0 verifiable credentials: issuing, signing, status, baking, PDF."""
