import pytest
from django.core.files.base import ContentFile
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents import get_document_model
from wagtail.rich_text import RichText

from cms.blocks import HeadingBlock, SafeRichTextBlock, sanitize_rich_text
from courses.blocks import LessonBodyBlock, VideoBlock

from . import builders

pytestmark = pytest.mark.django_db


def document(name, data=b"data"):
    doc = get_document_model()(title=name)
    doc.file.save(name, ContentFile(data), save=True)
    return doc


def test_video_block_accepts_an_mp4_document():
    block = VideoBlock()
    value = block.to_python({"video": document("bai-giang.mp4").pk, "embed": None, "caption": ""})
    assert block.clean(value)["video"].file_extension == "mp4"


def test_video_block_refuses_a_pdf_with_a_clear_message():
    block = VideoBlock()
    value = block.to_python({"video": document("tai-lieu.pdf").pk, "embed": None, "caption": ""})
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "not a video: choose an MP4 or WebM file" in str(error.value.block_errors["video"])


def test_video_block_needs_a_file_or_an_embed():
    block = VideoBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"video": None, "embed": None, "caption": ""}))
    assert "Choose either a video file or an embedded video" in str(error.value.non_block_errors)


def test_rich_text_drops_scripts_event_handlers_and_javascript_links():
    dirty = ('<p onclick="steal()">Nội dung<script>alert(1)</script></p>'
             '<a href="javascript:alert(2)">liên kết</a><iframe src="//evil"></iframe>')
    clean = sanitize_rich_text(dirty)
    assert clean == "<p>Nội dung</p><a>liên kết</a>"


def test_rich_text_keeps_wagtail_internal_links():
    html = '<p><a id="3" linktype="page">Trang</a> <b>đậm</b></p>'
    assert sanitize_rich_text(html) == html


def test_rich_text_block_stores_clean_html_whatever_wrote_it():
    block = SafeRichTextBlock()
    stored = block.get_prep_value(RichText('<p>An toàn</p><script>alert("x")</script>'))
    assert stored == "<p>An toàn</p>"


def test_heading_text_is_escaped():
    html = HeadingBlock().render({"text": "<script>alert(1)</script>", "size": "h2"})
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_every_lesson_block_has_an_icon_a_template_and_a_preview_value():
    for name, block in LessonBodyBlock().child_blocks.items():
        assert block.meta.icon, name
        assert block.meta.template, name
        assert getattr(block.meta, "preview_value", None) is not None, name


def test_a_lesson_with_script_in_its_content_renders_it_harmlessly(client, cadre_user):
    course = builders.course()
    mod = builders.module(course)
    lesson = builders.lesson(mod, "Bài an toàn", body=[
        ("heading", {"text": "<img src=x onerror=alert(1)>", "size": "h2"}),
        ("paragraph", RichText("<p>Chữ<script>alert(2)</script></p>")),
        ("callout", {"kind": "warning", "title": "<b>x</b>", "text": RichText("<p>Cảnh báo</p>")}),
    ])
    client.force_login(cadre_user.user)
    body = client.get(lesson.url).content.decode()
    assert "<img src=x onerror" not in body and "alert(2)" not in body and "<b>x</b>" not in body
    assert "Chữ" in body and "Cảnh báo" in body


def test_a_lesson_with_a_video_file_shows_a_player(client, cadre_user):
    course = builders.course()
    video = document("giam-sat.webm")
    lesson = builders.lesson(builders.module(course), "Bài có video", body=[
        ("video", {"video": video, "embed": None, "caption": "Hướng dẫn"})])
    client.force_login(cadre_user.user)
    body = client.get(lesson.url).content.decode()
    assert '<source src="' in body and 'type="video/webm"' in body
