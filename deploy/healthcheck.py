"""The container's health check: GET /healthz of the webhook server, exit 0 when it answers 200.

Reads WEBHOOK_LISTEN (host:port) and WEBHOOK_BASE_URL from the environment like fairbot does.
Without WEBHOOK_BASE_URL the bot long-polls and serves no HTTP: healthy while it runs.
Standard library only, so that it starts fast and needs nothing from the bot's packages.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    if not os.environ.get("WEBHOOK_BASE_URL", "").strip():
        return 0
    host, _, port = os.environ.get("WEBHOOK_LISTEN", "127.0.0.1:8080").rpartition(":")
    host = host.strip("[]")
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    url = f"http://{host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"healthcheck: {url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
