"""`bomtrace serve`: check the address and token, then run the app under uvicorn."""

from __future__ import annotations

import logging

import uvicorn

from bomtrace.errors import BomtraceError
from bomtrace.web.app import create_app
from bomtrace.web.security import is_loopback
from bomtrace.web.settings import Settings

#: The shortest token accepted: a guessable token on a network is no protection.
MIN_TOKEN = 16


def check_binding(host: str, token: str | None) -> None:
    """Refuse a non-loopback address without a token, and a token too short to protect anything."""
    if token is not None and len(token) < MIN_TOKEN:
        raise BomtraceError(f"The token is {len(token)} characters, under {MIN_TOKEN}",
                            "Use a long random one, e.g. `python -c \"import secrets; "
                            "print(secrets.token_urlsafe(32))\"`.")
    if token is None and not is_loopback(host):
        raise BomtraceError(f"Refusing to listen on {host} without a token: anyone on the network could "
                            "read and change the cases", "Pass --token (or set BOMTRACE_TOKEN), or listen "
                            "on 127.0.0.1.")


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the web app until interrupted; raises BomtraceError before listening if it must not start."""
    check_binding(host, settings.token)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, proxy_headers=True, forwarded_allow_ips="127.0.0.1",
                server_header=False, timeout_graceful_shutdown=10, log_level="info")
