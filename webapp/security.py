"""Security headers on every response: pages, API, errors and static files.

The CSP forbids inline script and style outright, which the templates honour
(no <script>, no <style>, no style="" attributes); a snippet that somehow
carried markup could then still not run anything.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

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


def relative_redirect(response: Response) -> Response:
    """A redirect names only the path: Werkzeug builds the Location of its
    own redirects (merged slashes, a missing trailing slash) from the Host
    header, which a client chooses, so the host part is dropped."""
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        if parts.scheme or parts.netloc:
            response.headers["Location"] = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return response


def install(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.after_request(relative_redirect)
