"""Helpers shared by the test packages: the SMTP server, waiting, the outbox."""
