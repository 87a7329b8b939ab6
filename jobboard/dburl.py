"""The URL of a Django database connection, for child processes that must use it."""

from __future__ import annotations

from urllib.parse import quote


def url_for(settings_dict: dict) -> str:
    """A postgresql:// URL for Django connection settings (Unix-socket hosts included)."""
    s = settings_dict
    user = quote(s["USER"] or "")
    password = quote(s["PASSWORD"] or "")
    auth = f"{user}:{password}@" if password else f"{user}@"
    host = s["HOST"] or ""
    if host.startswith("/"):
        return f"postgresql://{auth}/{s['NAME']}?host={quote(host)}"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgresql://{auth}{host}{port}/{s['NAME']}"
