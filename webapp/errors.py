"""Errors in Danish: an HTML page for pages, {"message": …} for the API.

User input must never produce a 500; the catch-all handler exists only as the
last resort for a bug, and it logs the traceback while showing the user a
generic page, never the stack trace.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .archive_state import IndexUnavailable

TITLES = {
    400: "Ugyldig forespørgsel",
    404: "Siden findes ikke",
    405: "Metoden er ikke tilladt",
    500: "Der opstod en fejl",
    503: "Indekset er ikke bygget endnu",
}
DEFAULT_MESSAGES = {
    400: "Forespørgslen kunne ikke forstås.",
    404: "Siden findes ikke.",
    405: "Metoden er ikke tilladt for denne adresse.",
    500: "Der opstod en uventet fejl. Prøv igen om lidt.",
    503: "Indekset er ikke bygget endnu.",
}


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def danish_message(error: HTTPException) -> str:
    """Our own exceptions carry Danish descriptions; Werkzeug's defaults are
    English, so those are replaced by the Danish text for the status."""
    code = error.code or 500
    if type(error).description != error.description or isinstance(error, IndexUnavailable):
        return str(error.description)
    return DEFAULT_MESSAGES.get(code, TITLES.get(code, "Der opstod en fejl."))


def render_error(code: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if wants_json():
        response = jsonify({"message": message})
    else:
        title = TITLES.get(code, "Der opstod en fejl")
        response = current_app.make_response(
            render_template("error.html", code=code, title=title, message=message, index_missing=code == 503)
        )
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_http_error(error: HTTPException) -> Response:
    code = error.code or 500
    headers: dict[str, str] = {}
    if code == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if code == 503:
        headers["Retry-After"] = "60"
    return render_error(code, danish_message(error), headers)


def handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return render_error(500, DEFAULT_MESSAGES[500])


def handle_internal(error: InternalServerError) -> Response:
    """Flask's own wrapper for an exception no other handler took."""
    original = getattr(error, "original_exception", None)
    if original is not None:
        current_app.logger.error("Unhandled error on %s %s", request.method, request.path, exc_info=original)
    return render_error(500, DEFAULT_MESSAGES[500])


def install(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
    app.register_error_handler(InternalServerError, handle_internal)
