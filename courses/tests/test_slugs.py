"""Slugs are ASCII from Vietnamese titles; old percent-encoded addresses answer 301 to the new ones."""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from wagtail.models import Page

from courses.models import LessonPage
from lms.slugs import VIETNAMESE_FORMATTERS, ascii_slug
from organization import roles
from tests.factories import UserFactory

from . import builders

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("title, slug", [
    ("Vị trí, chức năng của Ủy ban Kiểm tra", "vi-tri-chuc-nang-cua-uy-ban-kiem-tra"),
    ("ĐẢNG VIÊN đổi mới", "dang-vien-doi-moi"),
    ("Quy định 296-QĐ/TW", "quy-dinh-296-qdtw"),
    ("à á ạ ả ã â ầ ấ ậ ẩ ẫ ă ằ ắ ặ ẳ ẵ", "-".join(["a"] * 17)),
    ("è é ẹ ẻ ẽ ê ề ế ệ ể ễ ì í ị ỉ ĩ", "-".join(["e"] * 11 + ["i"] * 5)),
    ("ò ó ọ ỏ õ ô ồ ố ộ ổ ỗ ơ ờ ớ ợ ở ỡ", "-".join(["o"] * 17)),
    ("ù ú ụ ủ ũ ư ừ ứ ự ử ữ ỳ ý ỵ ỷ ỹ Ỹ", "-".join(["u"] * 11 + ["y"] * 6)),
])
def test_vietnamese_titles_give_ascii_slugs(title, slug):
    assert ascii_slug(title) == slug


def test_a_lesson_left_without_a_slug_gets_an_ascii_one():
    module = builders.module(builders.course())
    lesson = builders.lesson(module, "Vị trí, chức năng của Đảng")
    twin = builders.lesson(module, "Vị trí, chức năng của Đảng")
    assert lesson.slug == "vi-tri-chuc-nang-cua-dang"
    assert twin.slug == "vi-tri-chuc-nang-cua-dang-2"
    assert lesson.url.endswith("/vi-tri-chuc-nang-cua-dang/")


def test_the_editor_slug_field_folds_vietnamese_letters(client):
    module = builders.module(builders.course())
    client.force_login(UserFactory(username="giangvien", role=roles.TRAINER))
    page = client.get(reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk])).content.decode()

    slug_input = re.search(r'<input[^>]*id="id_slug"[^>]*>', page).group(0)
    assert "allow-unicode-value" not in slug_input  # False: Django leaves the attribute out, Stimulus reads false
    assert "data-w-slug-formatters-value" in slug_input and r"\u1eb1" in slug_input  # ằ → a, and the rest
    assert len(VIETNAMESE_FORMATTERS) == 7  # a, e, i, o, u, y and đ


def test_old_percent_encoded_lesson_urls_redirect_to_the_ascii_ones(client, cadre_user):
    module = builders.module(builders.course())
    lesson = builders.lesson(module, "Bài học", slug="vị-trí-chức-năng-của-đảng")  # as the old demo made them
    module_page = Page.objects.get(pk=module.pk)
    module_page.slug = "chuyên-đề-một"
    module_page.save(clean=False)  # a parent with a Vietnamese slug too: the lesson's address changes twice
    old_url = LessonPage.objects.get(pk=lesson.pk).url

    migration = importlib.import_module("courses.migrations.0009_ascii_slugs_redirects")
    migration.ascii_slugs(apps, None)

    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.slug == "vi-tri-chuc-nang-cua-dang"
    assert lesson.url.endswith("/chuyen-de-mot/vi-tri-chuc-nang-cua-dang/")
    assert lesson.get_latest_revision().content["slug"] == "vi-tri-chuc-nang-cua-dang"
    client.force_login(cadre_user.user)
    assert "/chuy%C3%AAn-%C4%91%E1%BB%81-m%E1%BB%99t/v%E1%BB%8B-tr%C3%AD-" in old_url  # what the address bar showed
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith(lesson.url)
    assert client.get(lesson.url).status_code == 200
    # Run again: nothing left to rename, the redirect stays single.
    migration.ascii_slugs(apps, None)
    from wagtail.contrib.redirects.models import Redirect

    assert Redirect.objects.filter(redirect_page_id=lesson.pk).count() == 1
