import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cms.models import Regulation, RegulationStatus
from cms.selectors import affected_by_change, pages_citing, pages_citing_outdated
from tests.factories import UserFactory

from . import builders

pytestmark = pytest.mark.django_db


def regulation(number, status=RegulationStatus.IN_FORCE, superseded_by=None, **fields):
    fields.setdefault("title", f"Quy định {number}")
    fields.setdefault("issued_on", datetime.date(2022, 6, 28))
    fields.setdefault("issuer", "Ban Chấp hành Trung ương")
    return Regulation.objects.create(number=number, status=status, superseded_by=superseded_by, **fields)


def citing_lesson(reg, title="Bài trích dẫn", course=None):
    course = course or builders.course()
    mod = builders.module(course)
    body = [("citation", {"regulation": reg, "article": "Điều 9", "quote": "Trích dẫn", "note": ""})]
    return builders.lesson(mod, title, body=body)


@pytest.fixture
def qd22_replaced():
    new = regulation("296-QĐ/TW", title="Quy định về công tác kiểm tra, giám sát và kỷ luật của Đảng",
                     issued_on=datetime.date(2025, 5, 30))
    old = regulation("22-QĐ/TW", status=RegulationStatus.SUPERSEDED, superseded_by=new)
    return old, new


def test_a_regulation_replaced_by_another_cannot_stay_in_force():
    new = regulation("296-QĐ/TW")
    old = Regulation(number="22-QĐ/TW", title="Quy định 22", status=RegulationStatus.IN_FORCE, superseded_by=new)
    with pytest.raises(ValidationError) as error:
        old.full_clean()
    assert "status" in error.value.message_dict


def test_a_regulation_cannot_replace_itself():
    reg = regulation("37-QĐ/TW")
    reg.superseded_by = reg
    reg.status = RegulationStatus.SUPERSEDED
    with pytest.raises(ValidationError) as error:
        reg.full_clean()
    assert "superseded_by" in error.value.message_dict


def test_lessons_citing_a_regulation_are_found_through_their_content(qd22_replaced):
    old, new = qd22_replaced
    lesson = citing_lesson(old)
    citing_lesson(new, "Bài về quy định mới")
    assert list(pages_citing(regulation_ids=[old.pk])) == [lesson.page_ptr]


def test_only_lessons_citing_outdated_regulations_are_flagged(qd22_replaced):
    old, new = qd22_replaced
    flagged = citing_lesson(old)
    citing_lesson(new)
    assert [p.pk for p in pages_citing_outdated()] == [flagged.pk]


def test_a_citation_removed_from_a_lesson_is_no_longer_counted(qd22_replaced):
    old, _new = qd22_replaced
    lesson = citing_lesson(old)
    lesson.body = []
    lesson.save_revision().publish()
    assert not pages_citing(regulation_ids=[old.pk]).exists()


def test_saving_the_replacement_counts_the_lessons_citing_the_old_one(qd22_replaced):
    old, new = qd22_replaced
    citing_lesson(old, "Bài 1")
    citing_lesson(old, "Bài 2")
    concerned, count = affected_by_change(new)
    assert (concerned, count) == ([old], 2)


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="quantri", is_superuser=True, is_staff=True))
    return client


def test_report_lists_lessons_citing_superseded_regulations_with_edit_links(admin_client, qd22_replaced):
    old, new = qd22_replaced
    flagged = citing_lesson(old, "Nguyên tắc kiểm tra theo Quy định 22")
    citing_lesson(new, "Nguyên tắc kiểm tra theo Quy định 296")
    response = admin_client.get(reverse("courses_outdated_citations"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nguyên tắc kiểm tra theo Quy định 22" in body
    assert "Nguyên tắc kiểm tra theo Quy định 296" not in body
    assert reverse("wagtailadmin_pages:edit", args=[flagged.pk]) in body
    assert "22-QĐ/TW (Superseded → 296-QĐ/TW)" in body


def test_report_is_refused_to_a_cadre(client, cadre_user):
    client.force_login(cadre_user.user)
    response = client.get(reverse("courses_outdated_citations"))
    assert response.status_code in (302, 403)


def test_marking_a_regulation_superseded_in_the_admin_tells_how_many_lessons_cite_it(admin_client):
    old = regulation("22-QĐ/TW")
    new = regulation("296-QĐ/TW")
    citing_lesson(old)
    url = reverse("wagtailsnippets_cms_regulation:edit", args=[old.pk])
    response = admin_client.post(url, {
        "number": old.number, "kind": "regulation", "title": old.title, "issued_on": "2022-06-28",
        "issuer": old.issuer, "status": "superseded", "superseded_by": new.pk, "summary": "", "document": "",
        "source_url": "",
    }, follow=True)
    old.refresh_from_db()
    assert old.superseded_by == new
    messages = [str(m) for m in response.context["messages"]]
    assert any("1 lesson cites 22-QĐ/TW, which is no longer in force" in m for m in messages)


def test_a_lesson_citing_a_superseded_regulation_shows_its_replacement(client, cadre_user, qd22_replaced):
    old, _new = qd22_replaced
    lesson = citing_lesson(old)
    client.force_login(cadre_user.user)
    body = client.get(lesson.url).content.decode()
    assert "22-QĐ/TW" in body and "Superseded: 296-QĐ/TW" in body
