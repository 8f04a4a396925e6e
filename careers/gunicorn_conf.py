"""gunicorn's settings for production: `gunicorn careers.wsgi --config python:careers.gunicorn_conf`
(make serve-prod and the README's command). Options given on the command line (--bind,
--workers) take precedence over these.
"""

from gunicorn.http import wsgi

# No `Server: gunicorn` header: it tells a scanner which server's flaws to try. gunicorn 27 has
# no setting for it (its maintainers declined one, benoitc/gunicorn#825), and a Server header
# set by the app is sent in addition to gunicorn's, not instead of it. gunicorn writes the
# header in Response.default_headers(), so that is where the one line is dropped; the workers,
# forked from the process that read this file, inherit the change.
_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server

# Nothing uses gunicornc, and the control socket's default path (~/.gunicorn/gunicorn.ctl) is one
# per user, so a second server started by the same user on the machine takes it from the first.
control_socket_disable = True
