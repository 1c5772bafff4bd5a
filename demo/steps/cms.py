"""The demo logins: the one place their usernames and passwords live.

`load_demo` creates them (this module's `load` is one of its steps) and `print_demo_logins`
prints them. Passwords are fixed so a newcomer can log in; they are long enough to pass the
project's password validators. Never used outside the demo (load_demo refuses production).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Site

from cms.models import OfficialDocumentSettings
from demo.steps import organization as organization_demo
from organization import roles
from organization.models import Cadre, Unit, UserProfile


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    group: str
    # Vietnamese full name split so that Django's "first last" reads in Vietnamese order
    # (family and middle names first, given name last).
    first_name: str = ""
    last_name: str = ""
    is_superuser: bool = False


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "admin", "ktlearn-admin-2026", roles.ADMINISTRATOR, "Quản trị", "hệ thống", True),  # noqa: S106
    DemoLogin("board", "board", "ktlearn-board-2026", roles.BOARD, "Lê Văn", "Bình"),  # noqa: S106
    DemoLogin("manager", "manager", "ktlearn-manager-2026", roles.UNIT_MANAGER, "Phạm Quốc", "Hưng"),  # noqa: S106
    DemoLogin("manager2", "manager2", "ktlearn-manager2-2026", roles.UNIT_MANAGER, "Đỗ Thị", "Hạnh"),  # noqa: S106
    DemoLogin("trainer", "trainer", "ktlearn-trainer-2026", roles.TRAINER, "Vũ Minh", "Khoa"),  # noqa: S106
    DemoLogin("cadre", "cadre", "ktlearn-cadre-2026", roles.CADRE, "Trần Thị Minh", "Thu"),  # noqa: S106
)

# Which unit each unit manager looks after (codes built by demo.steps.organization).
MANAGED_UNIT_CODES = {
    "manager": organization_demo.MANAGER_UNIT_CODE,
    "manager2": organization_demo.MANAGER2_UNIT_CODE,
}


def login(role: str) -> DemoLogin:
    return next(item for item in DEMO_LOGINS if item.role == role)


def login_lines() -> list[str]:
    """The lines `make run` prints, exactly `  <role>: <username> / <password>`."""
    return [f"  {item.role}: {item.username} / {item.password}" for item in DEMO_LOGINS]


@transaction.atomic
def load(*, stdout, rng, today) -> None:
    """Create the six demo logins once, in their groups; the manager profiles point at their bodies
    and the `cadre` login is linked to the demo learner. A second run creates and changes nothing."""
    groups = roles.ensure_groups()
    User = get_user_model()
    created = 0
    for item in DEMO_LOGINS:
        user = User.objects.filter(username=item.username).first()
        if user is None:
            user = User(
                username=item.username,
                first_name=item.first_name,
                last_name=item.last_name,
                is_superuser=item.is_superuser,
                is_staff=item.is_superuser,
            )
            user.set_password(item.password)
            user.save()
            created += 1
        user.groups.add(groups[item.group])
        if item.role in MANAGED_UNIT_CODES:
            unit = Unit.objects.get(code=MANAGED_UNIT_CODES[item.role])
            UserProfile.objects.get_or_create(user=user, defaults={"unit": unit})
        if item.role == "cadre":
            Cadre.objects.filter(code=organization_demo.LEARNER_CADRE_CODE, user__isnull=True).update(user=user)
    stdout.write(f"Demo logins: {created} created, {len(DEMO_LOGINS) - created} already there.\n")
    _official_documents_signers()


# The demo's (fictitious) signers: the model's defaults are the demo province's header and leave
# the names blank, so a real installation never prints a made-up name.
DEMO_SIGNERS = {"signer_name": "Nguyễn Văn Hải", "certificate_signer_name": "Nguyễn Văn Hải"}


def _official_documents_signers() -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    row = OfficialDocumentSettings.for_site(site)
    changed = [name for name, value in DEMO_SIGNERS.items() if not getattr(row, name)]
    for name in changed:
        setattr(row, name, DEMO_SIGNERS[name])
    if changed:
        row.save(update_fields=changed)
