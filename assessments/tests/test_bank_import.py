import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from assessments import imports
from assessments.models import Answer, Category, MCQuestion, Question, TFQuestion
from tests.spreadsheets import BOMB_MESSAGE, FORMULAS, NOT_EXCEL_MESSAGE, exe_bytes, png_bytes, text_cells, zip_bomb

from . import builders as b

pytestmark = pytest.mark.django_db

HEADER = ["type", "category", "sub_category", "question", "explanation", "answer_1", "answer_2", "answer_3",
          "correct", "quiz"]


def xlsx(rows, header=HEADER, name="bank.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


GOOD = [
    ["mc", "Kỷ luật đảng", "", "Có mấy hình thức kỷ luật đảng viên chính thức?", "QĐ 69", "3", "4", "5", "2", ""],
    ["tf", "Kỷ luật đảng", "", "Khiển trách là hình thức kỷ luật nhẹ nhất.", "", "", "", "", "đúng", ""],
    ["essay", "Giám sát", "Giám sát chuyên đề", "Trình bày quy trình giám sát chuyên đề.", "", "", "", "", "", ""],
]


def _admin_client(client):
    trainer = b.trainer()
    client.force_login(trainer)
    return trainer


def test_parse_checks_every_row_and_writes_nothing():
    preview = imports.bank_parse(xlsx(GOOD))
    assert preview.ok and len(preview.rows) == 3
    assert preview.new_categories == ["Kỷ luật đảng", "Giám sát"]
    assert not Question.objects.exists() and not Category.objects.exists()


def test_import_creates_questions_answers_and_categories():
    preview = imports.bank_parse(xlsx(GOOD))
    assert imports.bank_import(rows=[r.as_dict() for r in preview.rows]) == 3
    mc = MCQuestion.objects.get()
    assert list(mc.answers.order_by("sort_order").values_list("content", "correct")) == [
        ("3", False), ("4", True), ("5", False)]
    assert TFQuestion.objects.get().correct is True
    assert Category.objects.count() == 2


def test_rows_with_errors_are_reported_per_row():
    rows = [
        GOOD[0],
        ["mc", "Kỷ luật đảng", "", "Câu thiếu đáp án", "", "A", "B", "", "3", ""],
        ["xx", "", "", "", "", "", "", "", "", ""],
        ["tf", "Kỷ luật đảng", "", "Nhận định", "", "", "", "", "có lẽ", ""],
        ["mc", "Kỷ luật đảng", "", "Câu", "", "A", "B", "", "1", "khong-co-quiz"],
    ]
    preview = imports.bank_parse(xlsx(rows))
    errors = dict((line, msg) for line, msg in preview.errors)
    assert not preview.ok
    assert 2 not in errors
    assert "empty answer column" in errors[3]
    assert "Unknown type" in [m for line, m in preview.errors if line == 4][0]
    assert "true or false" in errors[5]
    assert "No quiz has the URL" in errors[6]


def test_admin_import_refuses_the_whole_file_when_a_row_is_wrong(client):
    _admin_client(client)
    bad = [GOOD[0], ["tf", "Kỷ luật đảng", "", "Nhận định", "", "", "", "", "?", ""]]
    response = client.post("/admin/quiz-bank/import/", {"file": xlsx(bad)})
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert not Question.objects.exists()


def test_admin_import_preview_then_confirm(client):
    _admin_client(client)
    response = client.post("/admin/quiz-bank/import/", {"file": xlsx(GOOD)})
    token = response.context["token"]
    assert token and not Question.objects.exists()
    client.post("/admin/quiz-bank/import/", {"confirm": "1", "token": token})
    assert Question.objects.count() == 3


def test_confirm_with_a_stale_token_imports_nothing(client):
    _admin_client(client)
    client.post("/admin/quiz-bank/import/", {"file": xlsx(GOOD)})
    response = client.post("/admin/quiz-bank/import/", {"confirm": "1", "token": "forged"}, follow=True)
    assert "expired" in response.content.decode()
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("bank.csv", b"type,category\n"), "Only .xlsx (Excel) files can be imported here."),
        (SimpleUploadedFile("bank.xlsx", b"this is not a zip"), NOT_EXCEL_MESSAGE),
    ],
)
def test_malformed_files_are_refused(client, upload, message):
    _admin_client(client)
    response = client.post("/admin/quiz-bank/import/", {"file": upload})
    assert message in response.content.decode()
    assert not Question.objects.exists()


def test_oversized_file_is_refused(client, settings):
    settings.KTLEARN_IMPORT_MAX_BYTES = 1024
    _admin_client(client)
    big = SimpleUploadedFile("bank.xlsx", b"x" * 2048)
    response = client.post("/admin/quiz-bank/import/", {"file": big})
    assert "The file is 2 KB; the limit is 1 KB." in response.content.decode()
    assert not Question.objects.exists()


def test_missing_columns_are_named():
    with pytest.raises(imports.BankFileError, match="Missing column"):
        imports.bank_parse(xlsx([["mc", "x"]], header=["type", "category"]))


def test_cadre_cannot_import(client):
    user, _ = b.cadre_user()
    client.force_login(user)
    response = client.post("/admin/quiz-bank/import/", {"file": xlsx(GOOD)})
    assert response.status_code in (302, 403)
    assert not Question.objects.exists()


def test_export_round_trips_through_import(client):
    preview = imports.bank_parse(xlsx(GOOD))
    imports.bank_import(rows=[r.as_dict() for r in preview.rows])
    _admin_client(client)
    response = client.get("/admin/quiz-bank/export/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]][:5] == ["type", "category", "sub_category", "question", "explanation"]
    again = imports.bank_parse(SimpleUploadedFile("export.xlsx", response.content))
    assert again.ok and sorted(r.question for r in again.rows) == sorted(r[3] for r in GOOD)
    assert Answer.objects.count() == 3


@pytest.mark.parametrize(("make", "message"), [(zip_bomb, BOMB_MESSAGE), (png_bytes, NOT_EXCEL_MESSAGE),
                                               (exe_bytes, NOT_EXCEL_MESSAGE)], ids=["zip-bomb", "png", "exe"])
def test_a_zip_bomb_or_a_renamed_file_is_refused_and_nothing_is_written(client, make, message):
    _admin_client(client)
    response = client.post("/admin/quiz-bank/import/", {"file": SimpleUploadedFile("bank.xlsx", make())})
    assert message in response.content.decode()
    assert "assessments_bank_import" not in client.session
    assert not Question.objects.exists() and not Category.objects.exists()


def test_formula_like_questions_and_answers_are_exported_as_text(client):
    from lms.spreadsheets import WorkbookWriter

    # Written as text cells, as Excel does for typed text (a plain openpyxl append would make formulas).
    writer = WorkbookWriter()
    sheet = writer.sheet("questions", header=HEADER)
    writer.row(sheet, ["mc", FORMULAS[0], "", FORMULAS[1], "", FORMULAS[2], FORMULAS[3], "", "1", ""])
    preview = imports.bank_parse(SimpleUploadedFile("bank.xlsx", writer.getvalue()))
    assert preview.ok, preview.errors
    imports.bank_import(rows=[r.as_dict() for r in preview.rows])
    _admin_client(client)
    exported = client.get("/admin/quiz-bank/export/").content
    assert text_cells(exported) == dict.fromkeys(FORMULAS, "s")
    again = imports.bank_parse(SimpleUploadedFile("export.xlsx", exported))
    assert (again.rows[0].question, again.rows[0].options) == (FORMULAS[1], [FORMULAS[2], FORMULAS[3]])
