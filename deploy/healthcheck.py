"""The container's health check: GET /healthz of the webhook server, exit 0 when it answers 200.

Reads WEBHOOK_LISTEN (host:port), WEBHOOK_BASE_URL and METRICS_LISTEN from the environment like
fairbot does. A long-polling bot (no WEBHOOK_BASE_URL) is asked on METRICS_LISTEN when it is set;
without it there is no HTTP server to ask: healthy while it runs.
Standard library only, so that it starts fast and needs nothing from the bot's packages.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    listen = os.environ.get("METRICS_LISTEN", "").strip()
    if os.environ.get("WEBHOOK_BASE_URL", "").strip():
        listen = os.environ.get("WEBHOOK_LISTEN", "").strip() or "127.0.0.1:8080"
    if not listen:
        return 0
    host, _, port = listen.rpartition(":")
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
