"""Optional single sign-on with an OpenID Connect provider (mozilla-django-oidc), configured by
environment variables (lms/settings/base.py, docs/operations.md). Off unless OIDC_RP_CLIENT_ID is set.

The provider's user is matched to a cadre: by the cadre code in the claim KTLEARN_OIDC_CODE_CLAIM,
else by the e-mail claim against the cadres' e-mails (only when exactly one cadre has it). A cadre
with a login logs in as that login; a working cadre without one gets it created (username = code,
no password: SSO only until someone sets one). Retired or left cadres, deactivated logins and
people who are no cadre are refused. Staff matched this way still pass the second factor.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.urls import path
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import accounts
from .models import Cadre


def enabled() -> bool:
    return bool(getattr(settings, "KTLEARN_OIDC_ENABLED", False))


def cadre_for_claims(claims: dict) -> Cadre | None:
    """The cadre the provider's claims name, or None."""
    code = str(claims.get(settings.KTLEARN_OIDC_CODE_CLAIM) or "").strip()
    if code:
        cadre = Cadre.objects.select_related("user").filter(code=code).first()
        if cadre is not None:
            return cadre
    email = str(claims.get("email") or "").strip()
    if email and claims.get("email_verified", True) is not False:
        found = list(Cadre.objects.select_related("user").filter(email__iexact=email)[:2])
        if len(found) == 1:
            return found[0]
    return None


class CadreOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims):
        return bool(claims.get(settings.KTLEARN_OIDC_CODE_CLAIM) or claims.get("email"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("Claims verification failed")
        cadre = cadre_for_claims(claims)
        if cadre is None or cadre.status in accounts.LEFT_STATUSES:
            return None
        user = cadre.user or accounts.cadre_login_for_sso(cadre=cadre)
        return user if user is not None and user.is_active else None

    def filter_users_by_claims(self, claims):  # not used: get_or_create_user matches cadres
        return get_user_model().objects.none()


def _only_when_enabled(view):
    def guarded(request, *args, **kwargs):
        if not enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


urlpatterns = [
    path("authenticate/", _only_when_enabled(OIDCAuthenticationRequestView.as_view()), name="oidc_authentication_init"),
    path("callback/", _only_when_enabled(OIDCAuthenticationCallbackView.as_view()),
         name="oidc_authentication_callback"),
]
