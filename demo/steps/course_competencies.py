"""Demo step after the competency framework: links each demo course to the competencies it builds.

A course file's ``competencies`` maps competency codes of the demo framework (demo.steps.competency)
to the level a cadre reaches by completing the course, so a cadre's gap on a competency recommends
the courses that build it to the level their position requires (competency.selectors.competency_gap).
It runs after ``demo.steps.competency`` because the framework exists only then (the courses step
runs first). The links are published as a new revision of the course by the `trainer`, as an author
would add them in the admin. Idempotent: a course that already has links is left alone.
"""

from django.contrib.auth import get_user_model

from competency.models import Competency
from courses.models import CourseCompetency, CoursePage
from demo import content
from demo.steps.competency import FRAMEWORK_VERSION


def load(*, stdout, rng, today):
    competencies = {c.code: c for c in Competency.objects.filter(framework__version=FRAMEWORK_VERSION)}
    if not competencies:
        return
    trainer = get_user_model().objects.filter(username="trainer").first()
    wanted = {data["code"]: data.get("competencies", {}) for data in content.courses()}
    linked = 0
    for course in CoursePage.objects.filter(code__in=wanted.keys(), competency_links__isnull=True).distinct():
        course = course.specific
        links = [CourseCompetency(competency=competencies[code], level=level, sort_order=order)
                 for order, (code, level) in enumerate(wanted[course.code].items()) if code in competencies]
        if not links:
            continue
        course.competency_links = links
        course.save_revision(user=trainer, log_action=False).publish(log_action=False)
        linked += len(links)
    stdout.write(f"Course competencies: {linked} links.\n")
