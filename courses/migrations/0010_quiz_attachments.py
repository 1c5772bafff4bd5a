"""Cadres now see a published quiz only when a published course holds it, or when it is opened to all
(assessments 0004). Marks the quizzes that live lessons of live courses hold, and opens to all the
published quizzes no course holds that have questions (cadres could take them before the upgrade,
and their sittings stay reachable). An empty, unplaced quiz is hidden, as a new one would be."""

from django.db import migrations

HOLDERS = ("curriculumpage", "coursepage", "modulepage")


def mark_quizzes(apps, schema_editor):
    Quiz = apps.get_model("assessments", "Quiz")
    if not Quiz.objects.exists():
        return
    Page = apps.get_model("wagtailcore", "Page")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LessonPage = apps.get_model("courses", "LessonPage")
    holders = ContentType.objects.filter(app_label="courses", model__in=HOLDERS)
    hidden = list(Page.objects.filter(content_type__in=holders, live=False).values_list("path", flat=True))
    held = set()
    for path, body in LessonPage.objects.filter(live=True).values_list("path", "body"):
        if any(path.startswith(prefix) for prefix in hidden):
            continue
        for block in (body.raw_data if hasattr(body, "raw_data") else body) or []:
            if block.get("type") == "quiz" and (block.get("value") or {}).get("quiz"):
                held.add(int(block["value"]["quiz"]))
    Quiz.objects.filter(pk__in=held).update(attached=True)
    with_questions = Quiz.objects.filter(draft=False, attached=False).exclude(pk__in=held)
    ids = set(with_questions.filter(questions__isnull=False).values_list("pk", flat=True))
    ids |= set(with_questions.filter(blueprint__isnull=False).values_list("pk", flat=True))
    Quiz.objects.filter(pk__in=ids).update(open_to_all=True)


class Migration(migrations.Migration):

    dependencies = [
        ("courses", "0009_ascii_slugs_redirects"),
        ("assessments", "0004_quiz_visibility_inline_questions"),
    ]

    operations = [migrations.RunPython(mark_quizzes, migrations.RunPython.noop)]
