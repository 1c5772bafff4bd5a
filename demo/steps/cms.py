"""The demo logins: the one place their usernames and passwords live.

`load_demo` creates them (this module's `load` is one of its steps) and `print_demo_logins`
prints them. Passwords are fixed so a newcomer can log in; they are long enough to pass the
project's password validators. Never used outside the demo (load_demo refuses production).
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from cms.models import (
    HomePage,
    ModelDocument,
    ModelDocumentLibraryPage,
    OfficialDocumentSettings,
    PracticeLibraryPage,
    PracticePage,
)
from demo import content
from demo.content import media
from demo.steps import organization as organization_demo
from demo.steps.providers import PROVIDER_LOGINS  # the providers' staff logins, made by that step
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
    return [f"  {item.role}: {item.username} / {item.password}" for item in (*DEMO_LOGINS, *PROVIDER_LOGINS)]


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
    _libraries(stdout=stdout, today=today)


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


# --- The good-practice and model-document libraries (demo/content/practice.json) -----------------------------

# Which unit each write-up is by: a manager's body, or the first grassroots unit under it.
PRACTICE_UNITS = {
    "manager": (organization_demo.MANAGER_UNIT_CODE, False),
    "manager-grassroots": (organization_demo.MANAGER_UNIT_CODE, True),
    "manager2": (organization_demo.MANAGER2_UNIT_CODE, False),
    "manager2-grassroots": (organization_demo.MANAGER2_UNIT_CODE, True),
}
PRACTICE_AUTHORS = {"manager": "manager", "manager-grassroots": "manager", "manager2": "manager2",
                    "manager2-grassroots": "manager2"}


def _unit(key: str) -> Unit:
    code, below = PRACTICE_UNITS[key]
    unit = Unit.objects.get(code=code)
    return (unit.get_children().order_by("path").first() or unit) if below else unit


def _libraries(*, stdout, today) -> None:
    """The two library pages under the home page, the write-ups (published as the approvers would,
    one left waiting in the approval workflow) and the model documents (Word files made now).
    Idempotent: pages are looked up by slug, model documents by title."""
    from demo.steps.courses import _body, _regulations  # the courses step's block builder and library

    home = HomePage.objects.first()
    if home is None:
        return
    data = content.practice()
    regulations = _regulations()
    users = {u.username: u for u in get_user_model().objects.filter(username__in={"admin", "manager", "manager2"})}
    library = PracticeLibraryPage.objects.filter(slug=data["practice_library"]["slug"]).first()
    if library is None:
        library = PracticeLibraryPage(**data["practice_library"])
        Page.objects.get(pk=home.pk).add_child(instance=library)
        library.save_revision(user=users.get("admin"), log_action=False).publish(log_action=False)
    documents_page = ModelDocumentLibraryPage.objects.filter(slug=data["model_document_library"]["slug"]).first()
    if documents_page is None:
        documents_page = ModelDocumentLibraryPage(**data["model_document_library"])
        Page.objects.get(pk=home.pk).add_child(instance=documents_page)
        documents_page.save_revision(user=users.get("admin"), log_action=False).publish(log_action=False)
    existing = set(PracticePage.objects.values_list("slug", flat=True))
    written = 0
    for item in data["practices"]:
        if item["slug"] in existing:
            continue
        author = users.get(PRACTICE_AUTHORS[item["unit"]])
        page = PracticePage(title=item["title"], slug=item["slug"], unit=_unit(item["unit"]), summary=item["summary"],
                            body=_body(item["body"], regulations), owner=author, live=False)
        page.tags.add(*item["tags"])
        Page.objects.get(pk=library.pk).add_child(instance=page)
        revision = page.save_revision(user=author, log_action=False)
        if item["status"] == "published":  # approved in the workflow: published as the approver would
            revision.publish(log_action=False)
            day = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=item["days_ago"]), dt.time(9)))
            PracticePage.objects.filter(pk=page.pk).update(first_published_at=day, last_published_at=day)
        else:  # submitted by its author, waiting for the approvers
            library.get_workflow().start(page, author)
        written += 1
    titles = set(ModelDocument.objects.values_list("title", flat=True))
    made = 0
    for item in data["model_documents"]:
        if item["title"] in titles:
            continue
        document = get_document_model()(title=item["title"])
        document.file.save(f"{item['file']}.docx", ContentFile(media.template_docx(item)), save=False)
        document._set_document_file_metadata()
        document.save()
        ModelDocument.objects.create(title=item["title"], category=item["category"], description=item["description"],
                                     document=document, regulation=regulations.get(item["regulation"]))
        made += 1
    stdout.write(f"Libraries: {written} good-practice write-ups, {made} model documents.\n")
