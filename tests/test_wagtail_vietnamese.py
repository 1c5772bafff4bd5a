"""The Wagtail admin reads in Vietnamese: the project's catalogue of Wagtail's strings
(lms/locale_wagtail) covers every string of the admin apps KTLearn installs, the "Pages" of pagination
no longer renames the sidebar's Pages menu, the sidebar greets users by their given name, and the
screens trainers, managers, the board and administrators use show none of the common English labels."""

import json
import re
from pathlib import Path

import polib
import pytest
import wagtail
from bs4 import BeautifulSoup, Comment
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.snippets.models import get_snippet_models

from assessments.tests import builders as quiz_builders
from courses.tests import builders
from organization import roles
from organization.admin.sidebar import sidebar_name
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, make_manager, unit_tree_root
from tests.test_translations import ADDRESSED_AS_BAN, _po_entries, _translate

WAGTAIL_VI = settings.BASE_DIR / "lms" / "locale_wagtail" / "vi" / "LC_MESSAGES"
PROJECT_VI = settings.BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"
WAGTAIL_DIR = Path(wagtail.__file__).parent
# The Wagtail apps in INSTALLED_APPS whose strings reach the admin ("" is wagtail itself).
WAGTAIL_APPS = ("admin", "", "images", "documents", "snippets", "users", "sites", "embeds", "search",
                "contrib/forms", "contrib/redirects", "contrib/settings", "contrib/table_block",
                "contrib/typed_table_block")

# Labels that, in English, would show the admin is not translated (whole words, case-sensitive).
ENGLISH_LABELS = (
    "Save draft", "Publish", "Unpublish", "Promote", "Page title", "Slug", "Go live", "Expiry", "Images",
    "Image", "Documents", "Document", "Snippets", "Access level", "Choose", "Search", "Settings", "Edit",
    "Delete", "Add", "Status", "Actions", "Content", "Pages", "Page", "Reports", "Workflows", "Workflow",
    "Tasks", "Dashboard", "Help", "Account", "Log out", "Sort", "Filter", "Title", "Updated", "Live", "Draft",
    "Preview", "History", "Comments", "Users", "Groups", "Collections", "Collection", "Tags", "Upload",
    "Cancel", "Save", "Clear", "Privacy", "Locked", "Owner", "Username", "First Name", "Last Name", "Active",
    "Submit", "Approve", "Reject", "More", "Explore", "Select", "Sidebar", "Usage", "Yes", "No", "None",
    "True", "False", "Type", "Date", "Name", "Create", "Revisions", "Edited", "Sites",
)
ENGLISH = re.compile(r"(?<![\w/.-])(" + "|".join(re.escape(label) for label in ENGLISH_LABELS) + r")(?![\w/.-])")


def _entries(path: Path, domain: str = "django") -> dict:
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path)) if not e.obsolete}


def _wagtail_msgids(domain: str) -> set:
    keys = set()
    for app in WAGTAIL_APPS:
        path = WAGTAIL_DIR / app / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            keys |= {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}
    return keys


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_wagtail_admin_string_has_a_vietnamese_translation(domain):
    ours = {key for key, e in _entries(WAGTAIL_VI / f"{domain}.po").items() if e.translated()}
    project = {key for key, e in _entries(PROJECT_VI).items() if e.translated()} if domain == "django" else set()

    missing = sorted(_wagtail_msgids(domain) - ours - project, key=str)

    assert len(ours) > (1500 if domain == "django" else 80)
    assert missing == [], "add these to lms/locale_wagtail (after a Wagtail upgrade)"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_wagtail_catalogue_is_checked_and_addresses_the_user_as_dong_chi(domain):
    entries = list(polib.pofile(str(WAGTAIL_VI / f"{domain}.po")))
    placeholders = re.compile(r"%\(\w+\)[sd]|\{\w*\}|<[^>]+>")

    assert [e.msgid for e in entries if "fuzzy" in e.flags] == []
    assert [e.msgid for e in entries if ADDRESSED_AS_BAN.search(e.msgstr or e.msgstr_plural.get(0, ""))] == []
    for e in entries:
        text = e.msgstr or e.msgstr_plural[0]
        expected = [sorted(placeholders.findall(e.msgid))]
        if e.msgid_plural:
            expected.append(sorted(placeholders.findall(e.msgid_plural)))
        assert sorted(placeholders.findall(text)) in expected, e.msgid


def test_the_compiled_wagtail_catalogue_matches_its_po_file():
    with translation.override("vi"):
        project = {(e.get("msgctxt"), e["msgid"]) for e in _po_entries(PROJECT_VI)}
        stale = [e["msgid"] for e in _po_entries(WAGTAIL_VI / "django.po")
                 if (e.get("msgctxt"), e["msgid"]) not in project and _translate(e) != e["msgstr"]]

    assert stale == [], "run compilemessages"


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [("Save draft", "Lưu bản nháp"), ("Promote", "Quảng bá"), ("Page title", "Tiêu đề trang"),
     ("Images", "Hình ảnh"), ("Access level", "Mức truy cập"), ("Choose %(object)s", "Chọn %(object)s"),
     ("Pages", "Trang"), ("Submit for moderation", "Gửi kiểm duyệt")],
)
def test_wagtail_strings_read_in_vietnamese_and_stay_english_in_english(english, vietnamese):
    with translation.override("vi"):
        assert translation.gettext(english) == vietnamese
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_pages_of_pagination_and_pages_of_the_cms_are_told_apart():
    with translation.override("vi"):
        assert translation.pgettext("pagination", "Pages") == "Phân trang"
        cms_pages = "Pages"  # a variable: makemessages must not put this msgid back into the project's catalogue
        assert translation.gettext(cms_pages) == "Trang"
        assert translation.pgettext("quiz sitting", "Submitted") == "Đã nộp bài"


def test_the_admin_javascript_catalogue_is_vietnamese(client, db):
    client.force_login(UserFactory(username="gv", role=roles.TRAINER))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"

    script = client.get(reverse("wagtailadmin_javascript_catalog")).content.decode()

    # Django writes the catalogue as JSON (non-ASCII characters escaped).
    pairs = (("Toggle sidebar", "Ẩn/hiện thanh bên"), ("Autosave in progress…", "Đang tự động lưu…"))
    for english, vietnamese in pairs:
        assert f"{json.dumps(english)}: {json.dumps(vietnamese)}" in script


@pytest.mark.parametrize(
    ("first_name", "last_name", "shown"),
    [("Vũ Minh", "Khoa", "Khoa"), ("Trần Thị Minh Thu", "", "Thu"), ("", "", "gv.khoa")],
)
def test_the_sidebar_greets_the_user_by_the_given_name(client, db, first_name, last_name, shown):
    user = UserFactory(username="gv.khoa", first_name=first_name, last_name=last_name, role=roles.TRAINER)
    assert sidebar_name(user) == shown

    props = _sidebar(_admin_html(client, user, "/admin/"))

    account = next(m for m in props["modules"] if m.get("_type") == "wagtail.sidebar.MainMenuModule")["_args"][2]
    assert account["name"] == shown


def test_the_sidebar_menu_reads_in_vietnamese(client, db):
    labels = _sidebar_labels(_sidebar(_admin_html(client, UserFactory(username="qt", is_superuser=True), "/admin/")))

    assert {"Trang", "Hình ảnh", "Tài liệu", "Báo cáo", "Cài đặt", "Người dùng", "Trợ giúp"} <= labels
    assert "Phân trang" not in labels
    assert [label for label in labels if ENGLISH.search(label)] == []


# --- walking the admin screens ---------------------------------------------------------------------

def _admin_html(client, user, url) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    html = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):  # the choosers answer JSON
        html = json.loads(html)["html"]
    return html


def _sidebar(html: str) -> dict:
    tag = BeautifulSoup(html, "html.parser").find(id="wagtail-sidebar-props")
    return json.loads(tag.string) if tag else {"modules": []}


def _sidebar_labels(props) -> set[str]:
    labels = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("label"), str):
                labels.add(node["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(props)
    return labels


def _visible_text(html: str) -> list[str]:
    """What a person sees or hears: text nodes (no scripts, styles, comments or hidden elements), the
    titles, labels and placeholders of elements, and the labels of the sidebar (drawn by script from its JSON)."""
    soup = BeautifulSoup(html, "html.parser")
    texts = sorted(_sidebar_labels(_sidebar(html)))
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    for tag in soup.find_all(hidden=True):  # e.g. the side panel's empty counter ("None")
        tag.decompose()
    texts += [s.strip() for s in soup.find_all(string=True) if not isinstance(s, Comment) and s.strip()]
    for element in soup.find_all(True):
        texts += [element[a] for a in ("title", "aria-label", "placeholder", "data-w-tooltip-content-value")
                  if isinstance(element.get(a), str)]
    return texts


def _english_labels(html: str) -> list[str]:
    return sorted({text for text in _visible_text(html) if ENGLISH.search(text)})


@pytest.fixture
def admin_world(db):
    course, lessons = builders.course_with_lessons(1, 1, title="Nghiệp vụ kiểm tra")
    module = lessons[0].get_parent()
    image = Image.objects.create(title="Sơ đồ quy trình", file=get_test_image_file())
    document = Document.objects.create(title="Quy định", file=ContentFile(b"%PDF-1.4", name="quy-dinh.pdf"))
    quiz, _ = quiz_builders.quiz_with_mc(2, title="Kiểm tra cuối khóa")
    root = unit_tree_root()
    body = add_unit(root, "UBKT-HC", name="Ủy ban Kiểm tra Huyện ủy Hòa Châu")
    cadre = CadreFactory(unit=body, position=PositionFactory(code="uy-vien", name="Ủy viên"), full_name="Lê Thị Bình")
    return {
        "course": course, "module": module, "lesson": lessons[0], "image": image, "document": document,
        "quiz": quiz, "body": body, "cadre": cadre,
        "trainer": UserFactory(username="gv", first_name="Vũ Minh", last_name="Khoa", role=roles.TRAINER),
        "manager": make_manager(body, username="ql"),
        "board": UserFactory(username="btc", first_name="Lê Văn", last_name="Bình", role=roles.BOARD),
        "admin": UserFactory(username="qt", is_superuser=True),
    }


def _snippet_list_urls() -> list[str]:
    urls = []
    for model in get_snippet_models():
        if model._meta.app_label == "assessments":
            urls.append(reverse(model.snippet_viewset.get_url_name("list")))
    return urls


def _screens(world, role) -> list[str]:
    course, quiz = world["course"], world["quiz"]
    if role == "trainer":
        return [
            "/admin/", reverse("wagtailadmin_explore", args=[course.get_parent().pk]),
            reverse("wagtailadmin_pages:edit", args=[course.pk]),
            reverse("wagtailadmin_pages:edit", args=[world["lesson"].pk]),
            reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", world["module"].pk]),
            reverse("wagtailadmin_pages:history", args=[course.pk]),
            reverse("wagtailadmin_pages:search") + "?q=kiem",
            "/admin/snippets/", *_snippet_list_urls(),
            reverse(quiz.snippet_viewset.get_url_name("edit"), args=[quiz.pk]),
            reverse("wagtailimages:index"), reverse("wagtailimages:edit", args=[world["image"].pk]),
            reverse("wagtailimages:add_multiple"), reverse("wagtailimages_chooser:choose"),
            reverse("wagtaildocs:index"), reverse("wagtaildocs:edit", args=[world["document"].pk]),
            reverse("wagtaildocs:add_multiple"), reverse("wagtaildocs_chooser:choose"),
            reverse("wagtailadmin_choose_page"),
            reverse("wagtailadmin_reports:workflow"), reverse("wagtailadmin_reports:workflow_tasks"),
            reverse("wagtailadmin_reports:locked_pages"), reverse("wagtailadmin_account"),
        ]
    if role == "manager":
        return ["/admin/", reverse("organization_cadre:index"),
                reverse("organization_cadre:edit", args=[world["cadre"].pk]), reverse("organization_unit:index")]
    if role == "board":
        return ["/admin/", reverse("organization_cadre:index"), reverse("organization_unit:index")]
    return [
        reverse("wagtailusers_users:index"), reverse("wagtailusers_users:edit", args=[world["trainer"].pk]),
        reverse("wagtailusers_users:add"), reverse("wagtailusers_groups:index"),
        reverse("wagtailadmin_workflows:index"), reverse("wagtailadmin_workflows:task_index"),
        reverse("wagtailadmin_reports:site_history"), reverse("wagtailadmin_reports:aging_pages"),
        reverse("wagtailadmin_reports:page_types_usage"), reverse("wagtailadmin_collections:index"),
    ]


@pytest.mark.parametrize("role", ["trainer", "manager", "board", "admin"])
def test_the_admin_screens_show_no_english_label(client, admin_world, role):
    found = {}
    for url in _screens(admin_world, role):
        english = _english_labels(_admin_html(client, admin_world[role], url))
        if english:
            found[url] = english

    assert found == {}


def test_the_walk_would_see_an_english_label(client, admin_world):
    """The check above can fail: the same page in English is full of them."""
    from wagtail.users.models import UserProfile

    trainer = admin_world["trainer"]
    UserProfile.objects.update_or_create(user=trainer, defaults={"preferred_language": "en"})
    client.force_login(trainer)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[admin_world["course"].pk])).content.decode()

    assert {"Save draft", "Promote", "Content"} <= {m for t in _visible_text(html) for m in ENGLISH.findall(t)}
