"""gunicorn's settings, read from the project folder whenever gunicorn starts there."""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server(self) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


# No response names the software behind it (issue #28). gunicorn always sends "Server: gunicorn"
# and has no setting to stop it (benoitc/gunicorn#825), so its status lines are filtered here.
wsgi.Response.default_headers = _without_server  # type: ignore[method-assign]
