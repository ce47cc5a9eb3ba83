"""Security headers on every response: pages, API, errors and static files.

The CSP forbids inline script and style outright, which the templates honour
(no <script>, no <style>, no style="" attributes); a snippet that somehow
carried markup could then still not run anything.
"""

from __future__ import annotations

from flask import Flask, Response

CSP = (
    "default-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
# A corpus document is served in a sandbox: no script, no same-origin access.
SOURCE_CSP = "default-src 'none'; style-src 'none'; img-src 'none'; frame-ancestors 'none'; sandbox"

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    # A view may only tighten the policy (the source document route does).
    if response.headers.get("Content-Security-Policy") != SOURCE_CSP:
        response.headers["Content-Security-Policy"] = CSP
    for name, value in HEADERS.items():
        response.headers[name] = value
    return response


def install(app: Flask) -> None:
    app.after_request(add_security_headers)
