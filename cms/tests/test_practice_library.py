"""The good-practice library (write-ups by units, approved through the workflow, tagged, filtered,
paginated) and the model documents library (downloadable templates), linked from lessons."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.models import Page, WorkflowState

from cms.editorial import PRACTICE_APPROVERS, WORKFLOW_NAME
from cms.models import (
    MODEL_DOCUMENT_PAGE_SIZE,
    PRACTICE_PAGE_SIZE,
    HomePage,
    ModelDocument,
    ModelDocumentLibraryPage,
    PracticeLibraryPage,
    PracticePage,
)
from organization import roles
from tests.factories import UserFactory, add_unit, make_manager, unit_tree_root

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def units():
    root = unit_tree_root()
    a = add_unit(root, "A", name="Đảng bộ phường Bạch Đằng")
    b = add_unit(root, "B", name="Đảng bộ Công an tỉnh")
    return {"root": root, "a": a, "a1": add_unit(a, "A1", name="Chi bộ khu phố 1"), "b": b}


@pytest.fixture
def library():
    home = Page.objects.get(pk=HomePage.objects.get().pk)
    page = home.add_child(instance=PracticeLibraryPage(title="Kinh nghiệm hay", slug="kinh-nghiem-hay"))
    page.save_revision().publish()
    return page


def _practice(library, unit, title, tags=(), summary="Cách làm ở đơn vị.", live=True):
    page = PracticePage(title=title, unit=unit, summary=summary, live=live,
                        body=[("paragraph", "<p>Nội dung chi tiết.</p>")])
    page.tags.add(*tags)
    Page.objects.get(pk=library.pk).add_child(instance=page)
    if live:
        page.save_revision().publish()
    return page


def test_a_new_library_gets_the_approval_workflow_and_authors_cannot_publish(library, units):
    manager = make_manager(units["a"])
    trainer = UserFactory(username="giangvien", role=roles.TRAINER)
    approver = UserFactory(username="duyet")
    approver.groups.add(Group.objects.get(name=PRACTICE_APPROVERS))
    page = _practice(library, units["a"], "Sổ theo dõi chung")

    assert library.get_workflow().name == WORKFLOW_NAME
    for author in (manager, trainer):
        assert library.permissions_for_user(author).can_add_subpage()
        assert page.permissions_for_user(author).can_edit()
        assert not page.permissions_for_user(author).can_publish()
    assert page.permissions_for_user(approver).can_publish()


def _admin_post(title, unit, action, slug="kinh-nghiem"):
    return {
        "title": title, "slug": slug, "unit": str(unit.pk), "summary": "Tóm tắt", "tags": "giám sát",
        "body-count": "1", "body-0-type": "paragraph", "body-0-value": '{"blocks":[{"key":"a","text":"Nội dung",'
        '"type":"unstyled","depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
        "body-0-deleted": "", "body-0-order": "0", action: "1",
        "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0", "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }


def test_a_managers_write_up_waits_for_approval_and_is_listed_only_once_approved(client, library, units):
    manager = make_manager(units["a"])
    approver = UserFactory(username="duyet")
    approver.groups.add(Group.objects.get(name=PRACTICE_APPROVERS))
    client.force_login(manager)
    add = reverse("wagtailadmin_pages:add", args=["cms", "practicepage", library.pk])

    response = client.post(add, _admin_post("Một đầu mối tiếp nhận đơn thư", units["a1"], "action-submit"))

    assert response.status_code == 302, (response.context["form"].errors if response.context else "")
    page = PracticePage.objects.get(title="Một đầu mối tiếp nhận đơn thư")
    assert not page.live and page.unit == units["a1"]
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))
    assert state.workflow.name == WORKFLOW_NAME and state.status == "in_progress"
    assert list(client.get(library.url).context["practices"]) == []

    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, approver, "approve")
    page.refresh_from_db()
    assert page.live
    assert [p.title for p in client.get(library.url).context["practices"]] == ["Một đầu mối tiếp nhận đơn thư"]


def test_a_manager_cannot_attribute_a_write_up_to_another_units_practice(client, library, units):
    client.force_login(make_manager(units["a"]))
    add = reverse("wagtailadmin_pages:add", args=["cms", "practicepage", library.pk])

    response = client.post(add, _admin_post("Kinh nghiệm của đơn vị khác", units["b"], "action-submit"))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["unit"]
    assert not PracticePage.objects.filter(title="Kinh nghiệm của đơn vị khác").exists()
    form_page = client.get(add).content.decode()
    assert units["a1"].name in form_page and units["b"].name not in form_page


def test_the_library_filters_by_topic_unit_and_search(client, library, units):
    _practice(library, units["a"], "Sổ theo dõi giám sát chung", tags=["giám sát thường xuyên"])
    _practice(library, units["b"], "Chọn mẫu chi bộ kiểm tra đảng phí", tags=["tài chính đảng"],
              summary="Kiểm tra theo rủi ro.")
    _practice(library, units["b"], "Bản nháp chưa duyệt", live=False)
    client.force_login(UserFactory(username="canbo", role=roles.CADRE))

    page = client.get(library.url).content.decode()
    assert "Sổ theo dõi giám sát chung" in page and "Chọn mẫu chi bộ" in page
    assert "Bản nháp chưa duyệt" not in page
    slug = Tag.objects.get(name="tài chính đảng").slug
    assert f'value="{slug}"' in page  # offered in the topic filter
    by_tag = client.get(library.url, {"tag": slug}).context["practices"]
    assert [p.title for p in by_tag] == ["Chọn mẫu chi bộ kiểm tra đảng phí"]
    by_unit = client.get(library.url, {"unit": units["a"].pk}).context["practices"]
    assert [p.title for p in by_unit] == ["Sổ theo dõi giám sát chung"]
    by_search = client.get(library.url, {"q": "rủi ro"}).context["practices"]
    assert [p.title for p in by_search] == ["Chọn mẫu chi bộ kiểm tra đảng phí"]
    nothing = client.get(library.url, {"q": "không có"})  # the site answers in Vietnamese, its default
    assert not nothing.context["practices"]
    assert "Không có bài kinh nghiệm nào phù hợp với điều kiện lọc." in nothing.content.decode()
    assert client.get(library.url, {"unit": "x", "page": "99"}).status_code == 200  # bad input: all, last page


@pytest.mark.parametrize("count", [3, PRACTICE_PAGE_SIZE * 2 + 1])
def test_the_library_is_paginated_in_a_constant_number_of_queries(client, library, units, count,
                                                                   django_assert_max_num_queries):
    for n in range(count):
        _practice(library, units["a" if n % 2 else "b"], f"Kinh nghiệm số {n:02d}", tags=[f"chủ đề {n % 3}", "chung"])
    client.force_login(UserFactory(username="canbo", role=roles.CADRE))
    with django_assert_max_num_queries(16):
        response = client.get(library.url)
    assert len(response.context["practices"]) == min(count, PRACTICE_PAGE_SIZE)
    if count > PRACTICE_PAGE_SIZE:
        assert "page=2" in response.content.decode()
        last = client.get(library.url, {"page": 3, "tag": "chung"})
        assert len(last.context["practices"]) == 1 and "tag=chung" in last.content.decode()


def test_a_write_up_page_shows_its_unit_and_topics(client, library, units):
    page = _practice(library, units["a1"], "Sổ theo dõi giám sát chung", tags=["giám sát thường xuyên"])
    client.force_login(UserFactory(username="canbo", role=roles.CADRE))
    html = client.get(page.url).content.decode()
    assert "Chi bộ khu phố 1" in html and "giám sát thường xuyên" in html and "Nội dung chi tiết." in html


# --- Model documents ----------------------------------------------------------------------------------


@pytest.fixture
def documents_page():
    home = Page.objects.get(pk=HomePage.objects.get().pk)
    page = home.add_child(instance=ModelDocumentLibraryPage(title="Mẫu văn bản", slug="mau-van-ban"))
    page.save_revision().publish()
    return page


def _model_document(title, category="plan", description=""):
    document = get_document_model()(title=title)
    document.file.save(f"{category}.docx", ContentFile(b"PK\x03\x04 mau"), save=False)
    document.save()
    return ModelDocument.objects.create(title=title, category=category, description=description, document=document)


def test_model_documents_are_listed_by_category_and_search_and_download(client, documents_page):
    _model_document("Mẫu kế hoạch giám sát chuyên đề", "plan", "Dùng cho một cuộc giám sát chuyên đề.")
    _model_document("Mẫu biên bản làm việc", "minutes")
    client.force_login(UserFactory(username="canbo", role=roles.CADRE))

    html = client.get(documents_page.url).content.decode()
    assert "Mẫu kế hoạch giám sát chuyên đề" in html and "Mẫu biên bản làm việc" in html
    assert [d.title for d in client.get(documents_page.url, {"category": "minutes"}).context["model_documents"]] \
        == ["Mẫu biên bản làm việc"]
    assert [d.title for d in client.get(documents_page.url, {"q": "chuyên đề"}).context["model_documents"]] \
        == ["Mẫu kế hoạch giám sát chuyên đề"]
    unknown = client.get(documents_page.url, {"category": "nope"})
    assert len(unknown.context["model_documents"]) == 2  # an unknown category filters nothing out
    download = client.get(ModelDocument.objects.get(category="minutes").document.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"PK\x03\x04 mau"


@pytest.mark.parametrize("count", [2, MODEL_DOCUMENT_PAGE_SIZE + 3])
def test_model_documents_are_paginated_in_a_constant_number_of_queries(client, documents_page, count,
                                                                       django_assert_max_num_queries):
    for n in range(count):
        _model_document(f"Mẫu số {n:02d}", ["plan", "report", "form"][n % 3])
    client.force_login(UserFactory(username="canbo", role=roles.CADRE))
    with django_assert_max_num_queries(14):
        response = client.get(documents_page.url)
    assert len(response.context["model_documents"]) == min(count, MODEL_DOCUMENT_PAGE_SIZE)


def test_trainers_manage_model_documents_in_the_admin_and_cadres_cannot(client):
    trainer = UserFactory(username="giangvien", role=roles.TRAINER)
    assert trainer.has_perm("cms.add_modeldocument") and trainer.has_perm("cms.change_modeldocument")
    cadre = UserFactory(username="canbo", role=roles.CADRE)
    assert not cadre.has_perm("cms.add_modeldocument")
    client.force_login(trainer)
    assert client.get(reverse("wagtailsnippets_cms_modeldocument:list")).status_code == 200


def test_a_lesson_block_links_to_write_ups_and_model_documents(library, units):
    from courses.blocks import LessonBodyBlock

    practice = _practice(library, units["a"], "Sổ theo dõi giám sát chung")
    draft = _practice(library, units["a"], "Bản nháp chưa duyệt", live=False)
    template = _model_document("Mẫu sổ theo dõi giám sát thường xuyên", "form")
    block = LessonBodyBlock().child_blocks["practice"]
    value = block.to_python({"title": "", "practices": [practice.pk, draft.pk], "documents": [template.pk]})

    html = block.render(value)

    assert "Good practice and model documents" in html
    assert f'href="{practice.url}"' in html and "Bản nháp chưa duyệt" not in html  # only live write-ups
    assert f'href="{template.document.url}"' in html and "(DOCX)" in html
