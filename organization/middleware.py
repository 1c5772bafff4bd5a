"""The account gate, after logging in: staff must pass the second factor (organization.two_factor),
then a user who still has a one-time password is sent to the password change page, whatever page
they asked for, until they have chosen their own."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from . import two_factor

MUST_CHANGE_PASSWORD = "ktlearn_must_change_password"  # noqa: S105 (a session key, set at login: organization.signals)

# Pages a user held at the gate can still reach: the gate's own pages, logging out, the language
# switch, static files and the health checks. Before the second factor, not even the password pages.
_ALWAYS_OPEN = ("/static/", "/i18n/", "/healthz", "/readyz", "/accounts/logout/", "/admin/logout/", "/accounts/2fa/")
_OPEN_FOR_PASSWORD = (*_ALWAYS_OPEN, "/accounts/password/")


class AccountGateMiddleware:
    """Reads the session only (no query per request): the flags are set when the user logs in
    (a session older than the second factor rule is checked once, at its first request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path_info
        if user is not None and user.is_authenticated and not path.startswith(_ALWAYS_OPEN):
            if two_factor.session_requires(request):
                return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
            if request.session.get(MUST_CHANGE_PASSWORD) and not path.startswith(_OPEN_FOR_PASSWORD):
                return redirect(f"{reverse('password_change')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
