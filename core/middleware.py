import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.shortcuts import render
from django.utils import translation

from core.text import has_control_character


class LanguageMiddleware:
    """Swedish unless the user chose another language (the language cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the product is
    Swedish, and an English-language browser on a hospital PC must not turn it English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ControlCharacterMiddleware:
    """Refuses a page request whose query or form fields hold a control character (a NUL
    byte and the like, see `core.text`): a Swedish page, 400, nothing done.

    The API refuses the same in its own error shape (`samsyn.api`), so /api/ is left to it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            try:
                refused = self._has_control_character(request)
            except RequestDataTooBig:
                return render(request, "413.html", status=413)
            if refused:
                return render(request, "400_control_character.html", status=400)
        return self.get_response(request)

    @staticmethod
    def _has_control_character(request) -> bool:
        fields = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            fields.append(request.POST)
        return any(
            has_control_character(key) or any(has_control_character(v) for v in values)
            for data in fields
            for key, values in data.lists()
        )


class ServerTimingMiddleware:
    """With `SAMSYN_SERVER_TIMING` on (the benchmark's load run; off in production), each
    response carries a `Server-Timing` header with the request's cost on this server: the CPU
    time of the thread that served it (`app`) and the wall time of its SQL statements (`sql`,
    with their number). The load run sums them by call: the core-milliseconds per request
    (issue 17). First in the chain, so the session, authentication and the access log are in
    it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sql = [0.0, 0]

        def timed(execute, statement, params, many, context):
            started = time.perf_counter()
            try:
                return execute(statement, params, many, context)
            finally:
                sql[0] += time.perf_counter() - started
                sql[1] += 1

        cpu = time.thread_time()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        cpu = time.thread_time() - cpu
        response.headers["Server-Timing"] = (
            f'app;dur={cpu * 1000:.2f}, sql;dur={sql[0] * 1000:.2f};desc="{sql[1]}"'
        )
        return response
