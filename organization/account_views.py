"""Account pages around Django's auth views: the password change that ends a one-time password,
the password reset by e-mail, the second factor for staff (enrolment and verification)."""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from . import accounts, two_factor
from .middleware import MUST_CHANGE_PASSWORD


class LoginView(auth_views.LoginView):
    """Django's login, with the single sign-on button when a provider is configured."""

    def get_context_data(self, **kwargs):
        from django.conf import settings

        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = settings.KTLEARN_OIDC_ENABLED
        context["sso_provider"] = settings.KTLEARN_OIDC_PROVIDER_NAME
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, new password twice, AUTH_PASSWORD_VALIDATORS); it
    also ends the one-time password, so the account gate lets the user through again."""

    def _next(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        safe = url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()},
                                               require_https=self.request.is_secure())
        return target if safe else ""

    def get_success_url(self):
        return self._next() or super().get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["must_change"] = bool(self.request.session.get(MUST_CHANGE_PASSWORD))
        context["next"] = self._next()
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_chosen(user=form.user)
        self.request.session.pop(MUST_CHANGE_PASSWORD, None)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether or not the address belongs to an account (no user enumeration)."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A password set from the e-mailed link also ends a one-time password."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_chosen(user=form.user)
        accounts.password_reset_logged(user=form.user)
        return response


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def _default_next(user) -> str:
    return "/admin/" if user.has_perm("wagtailadmin.access_admin") else "/"


class TwoFactorTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"), max_length=16, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "class": "form-control form-control-lg text-center"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """After the password: a code from the authenticator app (or a recovery code)."""
    next_url = _safe_next(request, _default_next(request.user))
    if two_factor.is_verified(request) or not two_factor.required_for(request.user):
        return redirect(next_url)
    if not two_factor.has_device(request.user):
        return redirect(f"{reverse('two_factor_enrol')}?{urlencode({'next': next_url})}")
    form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, token=form.cleaned_data["token"]):
            return redirect(next_url)
        form.add_error("token", _("Wrong or expired code. Please try again."))
    return render(request, "organization/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """Staff without a device: scan the QR code, confirm with a code, note the recovery codes."""
    next_url = _safe_next(request, _default_next(request.user))
    if not two_factor.required_for(request.user) and not two_factor.has_device(request.user):
        return redirect(next_url)
    if two_factor.has_device(request.user) and not two_factor.is_verified(request):
        # A new device only once the current one has been used in this session: a stolen password
        # alone must not be enough to enrol the thief's phone.
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': next_url})}")
    device = two_factor.enrolment_device(request.user)
    form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.enrolment_confirm(request, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            return render(request, "organization/two_factor_recovery_codes.html", {"codes": codes, "next": next_url})
        form.add_error("token", _("Wrong or expired code. Please try again."))
    return render(request, "organization/two_factor_enrol.html", {
        "form": form, "next": next_url, "qr_code": two_factor.qr_code_data_uri(device),
        "secret": two_factor.secret_for_typing(device),
    })
