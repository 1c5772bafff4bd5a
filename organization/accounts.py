"""Writes for logins: cadres' logins created in bulk from the registry, one-time passwords, the
password a cadre must choose at the first login, logins closed when a cadre leaves.

Every account action is recorded in Wagtail's log (the actions are registered in wagtail_hooks.py):
ktlearn.account_created, ktlearn.account_password_reset, ktlearn.account_deactivated (and
ktlearn.account_2fa_enabled, ktlearn.account_2fa_reset: organization.two_factor).
"""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from wagtail.log_actions import log

from . import roles
from .hashers import OneTimePasswordHasher
from .models import Cadre, CadreStatus, OneTimePassword

# Readable on paper: no I/L/1, O/0, no lower case (l/I, o/0 look alike in many fonts).
ONE_TIME_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ONE_TIME_LENGTH = 10
LEFT_STATUSES = (CadreStatus.RETIRED, CadreStatus.LEFT)

ACCOUNT_CREATED = "ktlearn.account_created"
ACCOUNT_PASSWORD_RESET = "ktlearn.account_password_reset"  # noqa: S105 (a log action name)
ACCOUNT_2FA_ENABLED = "ktlearn.account_2fa_enabled"
ACCOUNT_2FA_RESET = "ktlearn.account_2fa_reset"
ACCOUNT_DEACTIVATED = "ktlearn.account_deactivated"


def one_time_password_generate() -> str:
    """A random one-time password: ONE_TIME_LENGTH characters of ONE_TIME_ALPHABET (≈49.5 bits)."""
    return "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))


@dataclass(frozen=True)
class IssuedLogin:
    """What one slip prints. The password exists only here and on the slip."""

    cadre_id: int
    full_name: str
    unit_name: str
    unit_path: str
    username: str
    password: str = field(repr=False)  # never in a log line or a traceback


@dataclass(frozen=True)
class LoginBatch:
    issued: list[IssuedLogin]
    already_had_login: int  # cadres of the selection that had a login: left as they are
    username_taken: list[str]  # cadre codes already used as someone else's username: not created
    left: int  # retired or left cadres of the selection: no login for them


def _hash(password: str) -> str:
    return make_password(password, hasher=OneTimePasswordHasher.algorithm)


@transaction.atomic
def cadre_logins_create(*, cadres: QuerySet[Cadre], issued_by=None) -> LoginBatch:
    """Create a login for every cadre of `cadres` who has none and is still working (not retired
    or left): username = the cadre's code, e-mail = the cadre's, a one-time password, the Cadre role.

    Guarantees: idempotent (a cadre with a login is never touched, so a second run creates nothing);
    a code that is already someone else's username is reported, never linked; all or nothing (one
    transaction; the cadres are locked, so two managers at once cannot both create a login for the
    same cadre). Each new login must choose a new password at its first login (OneTimePassword)
    and is logged as ktlearn.account_created by `issued_by`. The passwords are returned once, for
    the slips, and only their hashes are stored.
    """
    User = get_user_model()
    cadres = cadres.order_by()
    already = cadres.filter(user__isnull=False).count()
    left = cadres.filter(user__isnull=True, status__in=LEFT_STATUSES).count()
    candidates = list(
        cadres.filter(user__isnull=True).exclude(status__in=LEFT_STATUSES)
        .select_for_update(of=("self",)).select_related("unit").order_by("unit__path", "name_sort_key", "code")
    )
    codes = [cadre.code for cadre in candidates]
    taken = set(User.objects.filter(username__in=codes).values_list("username", flat=True))
    chosen = [cadre for cadre in candidates if cadre.code not in taken]
    passwords = {cadre.pk: one_time_password_generate() for cadre in chosen}
    users = User.objects.bulk_create([
        User(username=cadre.code, email=cadre.email, first_name=cadre.full_name[:150],
             password=_hash(passwords[cadre.pk]))
        for cadre in chosen
    ], batch_size=500)
    if any(user.pk is None for user in users):  # a backend that returns no ids from a bulk insert
        by_name = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
        for user in users:
            user.pk = by_name[user.username]
    cadre_group = roles.ensure_groups()[roles.CADRE]
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=cadre_group.pk) for user in users], batch_size=500
    )
    for cadre, user in zip(chosen, users, strict=True):
        cadre.user = user
    Cadre.objects.bulk_update(chosen, ["user"], batch_size=500)
    OneTimePassword.objects.bulk_create(
        [OneTimePassword(user=user, issued_by=issued_by) for user in users], batch_size=500
    )
    for cadre, user in zip(chosen, users, strict=True):
        log(instance=user, action=ACCOUNT_CREATED, user=issued_by, data={"cadre": cadre.code, "cadre_id": cadre.pk})
    issued = [
        IssuedLogin(cadre_id=cadre.pk, full_name=cadre.full_name, unit_name=cadre.unit.name,
                    unit_path=cadre.unit.path, username=cadre.code, password=passwords[cadre.pk])
        for cadre in chosen
    ]
    return LoginBatch(issued=issued, already_had_login=already, username_taken=sorted(taken), left=left)


@transaction.atomic
def one_time_passwords_reissue(*, cadres: QuerySet[Cadre], issued_by=None) -> list[IssuedLogin]:
    """A new one-time password for each login of `cadres` still waiting for its first login (its
    slip was lost): the old one stops working. Logins whose owner has chosen a password are not
    touched. Logged as ktlearn.account_password_reset."""
    chosen = list(
        cadres.order_by().filter(user__isnull=False, user__ktlearn_one_time_password__isnull=False,
                                 user__is_active=True)
        .select_for_update(of=("self",)).select_related("unit", "user").order_by("unit__path", "name_sort_key", "code")
    )
    issued = []
    for cadre in chosen:
        password = one_time_password_generate()
        cadre.user.password = _hash(password)
        cadre.user.save(update_fields=["password"])
        OneTimePassword.objects.filter(user=cadre.user).update(issued_by=issued_by)
        log(instance=cadre.user, action=ACCOUNT_PASSWORD_RESET, user=issued_by,
            data={"one_time": True, "cadre_id": cadre.pk})
        issued.append(IssuedLogin(cadre_id=cadre.pk, full_name=cadre.full_name, unit_name=cadre.unit.name,
                                  unit_path=cadre.unit.path, username=cadre.user.get_username(), password=password))
    return issued


def must_change_password(user) -> bool:
    """Whether the user still logs in with a one-time password."""
    return user.is_authenticated and OneTimePassword.objects.filter(user=user).exists()


def password_chosen(*, user) -> None:
    """The user has chosen their own password: the one-time password no longer applies."""
    OneTimePassword.objects.filter(user=user).delete()


def cadre_login_deactivate(*, cadre: Cadre, by=None) -> bool:
    """Close the login of a cadre who retired or left (called by cadre_status_set). Returns whether
    a login was closed. The cadre record and their training history stay; an administrator can
    open the login again in the admin."""
    user = cadre.user
    if user is None or not user.is_active:
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    log(instance=user, action=ACCOUNT_DEACTIVATED, user=by,
        data={"cadre": cadre.code, "status": cadre.status, "cadre_id": cadre.pk})
    return True


def password_reset_logged(*, user) -> None:
    """Record a password the user set again from the e-mailed link."""
    log(instance=user, action=ACCOUNT_PASSWORD_RESET, user=user, data={"by_email": True})


def staff_unit_set(*, user, unit) -> None:
    """Attach a staff user to a unit (a unit manager sees that subtree), or detach them (None)."""
    from .models import UserProfile

    if unit is None:
        UserProfile.objects.filter(user=user).update(unit=None)
    else:
        UserProfile.objects.update_or_create(user=user, defaults={"unit": unit})


@transaction.atomic
def cadre_login_for_sso(*, cadre: Cadre):
    """A login for a working cadre who first arrives through single sign-on: username = code, no
    usable password (they log in through the provider), the Cadre role. None if the code is
    already someone else's username. Logged as ktlearn.account_created."""
    User = get_user_model()
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if cadre.user_id is not None:
        return cadre.user
    if User.objects.filter(username=cadre.code).exists():
        return None
    user = User(username=cadre.code, email=cadre.email, first_name=cadre.full_name[:150])
    user.set_unusable_password()
    user.save()
    user.groups.add(roles.ensure_groups()[roles.CADRE])
    cadre.user = user
    cadre.save(update_fields=["user", "updated_at"])
    log(instance=user, action=ACCOUNT_CREATED, user=None, data={"cadre": cadre.code, "sso": True, "cadre_id": cadre.pk})
    return user
