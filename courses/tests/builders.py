"""Small builders for course tests: pages are created through Wagtail's API and published."""

import datetime
from decimal import Decimal

from wagtail.models import Locale, Page, Site

from cms.models import HomePage
from courses.models import CoursePage, CurriculumPage, LessonPage, ModulePage


def home() -> HomePage:
    """The site's home page; recreated (with the root and the Site) if a transactional test flushed them."""
    page = HomePage.objects.first()
    if page is None:
        if not Locale.objects.exists():
            Locale.objects.create(language_code="vi")
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        page = root.add_child(instance=HomePage(title="Trang chủ", slug="home-test"))
    if not Site.objects.exists():
        Site.objects.create(hostname="localhost", port=80, root_page=page, is_default_site=True)
    return page


def _publish(parent: Page, page: Page) -> Page:
    parent = Page.objects.get(pk=parent.pk)  # treebeard needs the parent's current numchild
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def curriculum(title="Chương trình bồi dưỡng", **fields) -> CurriculumPage:
    return _publish(home(), CurriculumPage(title=title, **fields))


_codes = iter(range(1, 10_000))


def course(parent: CurriculumPage | None = None, title="Khóa học", *, positions=(), prerequisites=(),
           **fields) -> CoursePage:
    fields.setdefault("code", f"KH-{next(_codes):03d}")
    fields.setdefault("hours", Decimal("8"))
    page = CoursePage(title=title, **fields)
    page = _publish(parent or curriculum(), page)
    if positions or prerequisites:
        page.target_positions.set(positions)
        page.prerequisites.set(prerequisites)
        page.save_revision().publish()
        page.refresh_from_db()
    return page


def module(parent: CoursePage, title="Chuyên đề") -> ModulePage:
    return _publish(parent, ModulePage(title=title))


def lesson(parent: ModulePage, title="Bài học", body=None, **fields) -> LessonPage:
    return _publish(parent, LessonPage(title=title, body=body or [], **fields))


def course_with_lessons(n_modules=2, n_lessons=2, parent=None, **fields) -> tuple[CoursePage, list[LessonPage]]:
    """A course with modules and lessons; returns the course and its lessons in reading order."""
    page = course(parent, **fields)
    lessons = []
    for m in range(n_modules):
        mod = module(page, f"Chuyên đề {m + 1}")
        for i in range(n_lessons):
            lessons.append(lesson(mod, f"Bài {m + 1}.{i + 1}"))
    return page, lessons


def days_ago(n: int) -> datetime.date:
    return datetime.date.today() - datetime.timedelta(days=n)
