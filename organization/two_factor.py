"""The second factor (django-otp): a TOTP app on the phone, plus ten static recovery codes.

Required for administrators, the board, unit managers and trainers on both login pages (the site's
and Wagtail's): after the password, the account gate (organization.middleware) sends them here
until their session is verified, i.e. holds django-otp's device id (django_otp.login). Cadres are
not asked. Whether a user needs it is decided when they log in and kept in the session, so the
gate costs no query per request; a role given during a session applies from the next login.
"""

import base64
import io
import secrets

import qrcode
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from . import roles
from .accounts import ACCOUNT_2FA_ENABLED, ACCOUNT_2FA_RESET

TWO_FACTOR_REQUIRED = "ktlearn_2fa_required"  # noqa: S105 (a session key, set at login: organization.signals)

RECOVERY_CODES = 10
DEVICE_NAME = "KTLearn"


def required_for(user) -> bool:
    """Whether `user` must pass a second factor: staff roles yes, cadres (and no role) no."""
    return user.is_authenticated and (
        roles.is_administrator(user) or roles.is_board(user) or roles.is_unit_manager(user) or roles.is_trainer(user)
    )


def is_verified(request) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed TOTP device the user is enrolling (the same one until confirmed, so
    reloading the page does not change the QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_code_data_uri(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for apps where the QR code cannot be scanned."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def _recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


@transaction.atomic
def enrolment_confirm(request, *, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a code from the app. On success: the device is confirmed, any older
    device and recovery codes of the user are replaced, ten new recovery codes are made (returned,
    to be shown once), the session is verified, and ktlearn.account_2fa_enabled is logged. On a
    wrong code: None, nothing changes (django-otp counts the failure for its throttling)."""
    if not device.verify_token(token):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=f"{DEVICE_NAME} recovery", confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    otp_login(request, device)
    log(instance=user, action=ACCOUNT_2FA_ENABLED, user=user, data={"device": device.name})
    return codes


def verify(request, *, token: str) -> bool:
    """Check a code from the app or a recovery code (used up once accepted) against the user's
    confirmed devices; a match verifies the session. Failures are throttled by django-otp."""
    token = "".join(token.split()).lower()
    with transaction.atomic():
        for model in (TOTPDevice, StaticDevice):
            for device in model.objects.select_for_update().filter(user=request.user, confirmed=True):
                if device.verify_token(token):
                    otp_login(request, device)
                    return True
    return False


def session_mark(request, user) -> bool:
    """Remember in the session whether this user must pass the second factor (at login; for a
    session from before this rule existed, at its first request)."""
    required = required_for(user)
    request.session[TWO_FACTOR_REQUIRED] = required
    return required


def session_requires(request) -> bool:
    """Whether the session's user still has to pass the second factor."""
    required = request.session.get(TWO_FACTOR_REQUIRED)
    if required is None:
        required = session_mark(request, request.user)
    return required and not is_verified(request)


@transaction.atomic
def devices_reset(*, user, by) -> int:
    """Remove all of `user`'s devices (authenticator and recovery codes); at the next login they
    enrol again. Logged as ktlearn.account_2fa_reset. Returns how many devices were removed."""
    removed = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
    removed += StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
    log(instance=user, action=ACCOUNT_2FA_RESET, user=by, data={"devices": removed})
    return removed
