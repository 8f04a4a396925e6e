from django.db import DatabaseError, InterfaceError, OperationalError
from django.template.loader import render_to_string


class DatabaseUnavailableMiddleware:
    """Answer 503 with a plain page while PostgreSQL is unreachable, instead of a traceback.

    Connections are health-checked (CONN_HEALTH_CHECKS), so once the server is back the next
    request reconnects without restarting the app.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError) or (
            isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
        ):
            from django.http import HttpResponse

            response = HttpResponse(render_to_string("503.html"), status=503)
            response["Retry-After"] = "5"
            response["Cache-Control"] = "no-store"
            return response
        return None
