"""Account pages around Django's auth views: the password change that ends a one-time password,
the password reset by e-mail."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme

from . import accounts
from .middleware import MUST_CHANGE_PASSWORD


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
