"""The demo's training providers, their classes and this year's plans (demo.steps.providers)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from courses.models import PROVIDER_STAFF_GROUP, CompletionSource, TrainingClass, TrainingPlan, TrainingProvider
from courses.selectors import classes_editable_by, plan_progress
from demo.steps.providers import COMMITTEE_NAME, PROVIDER_LOGINS, SCHOOL_NAME
from organization.models import Unit

from .test_load_demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_both_providers_their_staff_classes_and_partly_done_plans():
    load_demo(all_steps=True)

    assert set(TrainingProvider.objects.values_list("name", flat=True)) == {SCHOOL_NAME, COMMITTEE_NAME}
    User = get_user_model()
    for login in PROVIDER_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.groups.filter(name=PROVIDER_STAFF_GROUP).exists()
        response = Client().post("/accounts/login/", {"username": login.username, "password": login.password})
        assert response.status_code == 302, login.role
        classes = classes_editable_by(user)
        assert classes.exists() and not classes.exclude(provider__name=login.provider).exists()
    for training_class in TrainingClass.objects.filter(provider__isnull=False):
        units = training_class.registrations.values("cadre__unit__path").distinct().count()
        assert units >= 3, training_class.title
    closed = TrainingClass.objects.get(provider__name=SCHOOL_NAME, completed_on__isnull=False)
    assert closed.completions.filter(source=CompletionSource.CLASS).exists()
    year = timezone.localdate().year
    assert TrainingPlan.objects.filter(year=year).count() >= 3
    progress = plan_progress(unit=Unit.objects.get(depth=1), year=year)
    assert any(0 < row.done < row.planned for row in progress.rollup)
