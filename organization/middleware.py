"""The account gate, after logging in: staff must pass the second factor (organization.two_factor),
then a user who still has a one-time password is sent to the password change page, whatever page
they asked for, until they have chosen their own."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY  # set by django_otp.login once a code was accepted

TWO_FACTOR_REQUIRED = "ktlearn_2fa_required"  # noqa: S105 (a session key, set at login: organization.signals)
MUST_CHANGE_PASSWORD = "ktlearn_must_change_password"  # noqa: S105 (a session key, set at login: organization.signals)

# Pages a user in the middle of the gate can still reach: the gate's own pages, logging out, the
# language switch, static files and the health checks.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz", "/readyz", "/accounts/logout/", "/admin/logout/",
                  "/accounts/2fa/", "/accounts/password/")


def _open(path: str) -> bool:
    return path.startswith(_OPEN_PREFIXES)


class AccountGateMiddleware:
    """Reads the session only (no query per request): the flags are set when the user logs in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _open(request.path_info):
            session = request.session
            if session.get(TWO_FACTOR_REQUIRED) and not session.get(DEVICE_ID_SESSION_KEY):
                return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
            if session.get(MUST_CHANGE_PASSWORD):
                return redirect(f"{reverse('password_change')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
