"""The outbox: every email the board sends is a row here first (see services.py)."""
