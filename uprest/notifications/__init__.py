"""E-mail notifications: what is due, sent once each by a worker command, and opt-outs."""
