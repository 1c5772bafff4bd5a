"""Question figures are exam content: stored privately, shown inline only to whoever takes the quiz or
edits the banks, never from a public /media/ address; uploads are checked by content."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import services
from assessments.models import Question
from organization import roles
from tests.factories import UserFactory
from tests.spreadsheets import png_bytes

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def figure_quiz():
    quiz, questions = b.quiz_with_mc(1)
    question = questions[0]
    question.figure.save("so-do-to-chuc.png", ContentFile(png_bytes()))
    return quiz, question


def test_a_figure_is_stored_outside_the_public_media_and_linked_through_the_scoped_view(figure_quiz):
    _quiz, question = figure_quiz
    assert question.figure.url == f"/files/assessments.mcquestion/{question.pk}/figure/"
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / question.figure.name).is_file()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.png"))


def test_the_cadre_taking_the_quiz_sees_the_figure_inline_in_the_question_page(client, figure_quiz):
    quiz, question = figure_quiz
    user, _cadre = b.cadre_user()
    client.force_login(user)
    sitting = services.sitting_start(by=user, quiz=quiz)

    page = client.get(f"/quiz/sitting/{sitting.pk}/").content.decode()
    response = client.get(question.figure.url)

    # The paper lists base questions: their figure's address names the base model, and opens too.
    base_url = Question.objects.get(pk=question.pk).figure.url
    assert f'src="{base_url}"' in page
    assert client.get(base_url).status_code == 200
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png_bytes()


def test_who_may_not_see_a_figure(client, figure_quiz):
    _quiz, question = figure_quiz
    url = question.figure.url
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for user in (b.cadre_user()[0], UserFactory(role=roles.UNIT_MANAGER), UserFactory(role=roles.BOARD)):
        client.force_login(user)  # no sitting of that quiz, no right to edit the banks
        assert client.get(url).status_code == 404
    client.force_login(b.trainer())
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("so-do.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
         "is not an allowed file type"),
        ("so-do.png", b"<html><script>alert(1)</script></html>", "is not a real .png file"),
    ],
)
def test_a_figure_that_is_not_a_real_image_is_refused(figure_quiz, name, data, message):
    _quiz, question = figure_quiz
    stored = question.figure.name
    question.figure = SimpleUploadedFile(name, data)
    with pytest.raises(ValidationError, match=message):
        question.full_clean()
    question.refresh_from_db()
    assert question.figure.name == stored  # the old figure is kept
