"""The Vietnamese catalogue is complete and compiled; pages switch between Vietnamese and English."""

import ast
import re

import pytest
from django.conf import settings
from django.utils import translation

VI_PO = settings.BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _po_entries(path) -> list[dict]:
    """Entries of a .po file as {"msgctxt", "msgid", "msgid_plural", "msgstr", "fuzzy"} (header left out).

    A small reader: enough for the files makemessages writes (quoted strings, continuation lines)."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry and entry.get("msgid"):
                entries.append(entry)
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        entry = entry if entry is not None else {"fuzzy": False}
        if line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        else:
            keyword, _, quoted = line.partition(" ")
            field = "msgstr" if keyword.startswith("msgstr") else keyword
            entry[field] = ast.literal_eval(quoted)
    return entries


def _translate(entry) -> str:
    if entry.get("msgid_plural"):
        if "msgctxt" in entry:
            return translation.npgettext(entry["msgctxt"], entry["msgid"], entry["msgid_plural"], 1)
        return translation.ngettext(entry["msgid"], entry["msgid_plural"], 1)
    if "msgctxt" in entry:
        return translation.pgettext(entry["msgctxt"], entry["msgid"])
    return translation.gettext(entry["msgid"])


def test_every_vietnamese_entry_is_translated_and_checked():
    entries = _po_entries(VI_PO)

    assert len(entries) > 1000
    assert [e["msgid"] for e in entries if not e["msgstr"]] == []
    assert [e["msgid"] for e in entries if e["fuzzy"]] == []


def test_the_compiled_catalogue_matches_the_po_file():
    with translation.override("vi"):
        stale = [e["msgid"] for e in _po_entries(VI_PO) if _translate(e) != e["msgstr"]]

    assert stale == [], "run compilemessages"


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("My learning", "Học tập của tôi"),
        ("Cadres", "Cán bộ"),
        ("Log in", "Đăng nhập"),
        ("My profile", "Hồ sơ của tôi"),
        ("Competency framework", "Khung năng lực"),
        ("Senior inspector", "Kiểm tra viên cao cấp"),
    ],
)
def test_key_strings_read_in_vietnamese(english, vietnamese):
    with translation.override("vi"):
        assert translation.gettext(english) == vietnamese
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_placeholders_survive_translation():
    with translation.override("vi"):
        text = translation.gettext("You are enrolled in “%(course)s”.") % {"course": "KT-01"}

    assert text == "Đồng chí đã ghi danh khóa học “KT-01”."


def test_plural_forms_use_the_single_vietnamese_form():
    with translation.override("vi"):
        one = translation.ngettext("%(n)s lesson", "%(n)s lessons", 1) % {"n": 1}
        many = translation.ngettext("%(n)s lesson", "%(n)s lessons", 7) % {"n": 7}

    assert (one, many) == ("1 bài học", "7 bài học")


@pytest.mark.parametrize(
    ("language", "expected", "absent"), [("vi", "Đăng nhập", "Log in"), ("en", "Log in", "Đăng nhập")]
)
def test_the_login_page_is_rendered_in_the_chosen_language(client, db, language, expected, absent):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get("/accounts/login/").content.decode()

    assert re.search(r'<html lang="([^"]+)"', html).group(1) == language
    assert expected in html
    assert absent not in html


def _vietnamese_page(client, user, url) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


ADDRESSED_AS_BAN = re.compile(r"\bbạn\b", re.IGNORECASE)


def test_every_vietnamese_message_addresses_the_user_as_dong_chi():
    assert [e["msgid"] for e in _po_entries(VI_PO) if ADDRESSED_AS_BAN.search(e["msgstr"])] == []


def test_my_learning_addresses_the_cadre_as_dong_chi(client, db):
    from assessments.tests import builders

    user, _cadre = builders.cadre_user()
    html = _vietnamese_page(client, user, "/learn/")

    assert "Hiện tại đồng chí không có nội dung bắt buộc nào." in html
    assert ADDRESSED_AS_BAN.search(html) is None


def test_the_quiz_result_addresses_the_cadre_as_dong_chi(client, db):
    from assessments import services
    from assessments.tests import builders

    quiz, questions = builders.quiz_with_mc(2, answers_at_end=True)
    builders.essay_question(quiz=quiz)
    user, _cadre = builders.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=questions[0].pk,
                            choice_ids=[builders.right_answer(questions[0]).pk])
    essay = quiz.questions.get(kind="essay")
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=essay.pk, essay_text="Trình bày")
    services.sitting_submit(sitting_id=sitting.pk, by=user)
    html = _vietnamese_page(client, user, f"/quiz/sitting/{sitting.pk}/result/")

    assert "Câu trả lời của đồng chí" in html
    assert "kết quả của đồng chí sẽ là chính thức" in html
    assert ADDRESSED_AS_BAN.search(html) is None
