"""Lesson blocks: the shared content blocks from cms, plus video and (from assessments) quizzes."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock

from assessments.blocks import QuizBlock
from cms.blocks import (
    RICH_TEXT_FEATURES,
    CalloutBlock,
    DocumentBlock,
    HeadingBlock,
    ImageBlock,
    PracticeLinksBlock,
    RegulationCitationBlock,
    SafeRichTextBlock,
)

VIDEO_EXTENSIONS = ("mp4", "webm")


class VideoBlock(blocks.StructBlock):
    """A video: either a file from the documents library (MP4 or WebM, played by the browser) or an
    embed from a video site. Exactly one of the two."""

    video = DocumentChooserBlock(label=_("Video file"), required=False,
                                 help_text=_("An MP4 or WebM file uploaded to the documents library"))
    embed = EmbedBlock(label=_("Embedded video"), required=False,
                       help_text=_("Or the address of a video on a video site"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"
        preview_value = {"caption": "Hướng dẫn lập kế hoạch giám sát"}
        preview_description = _("A video file or an embedded video")

    def clean(self, value):
        value = super().clean(value)
        video, embed = value.get("video"), value.get("embed")
        if bool(video) == bool(embed):
            raise StructBlockValidationError(
                non_block_errors=ErrorList([ValidationError(_("Choose either a video file or an embedded video."))])
            )
        if video and video.file_extension.lower() not in VIDEO_EXTENSIONS:
            raise StructBlockValidationError(
                block_errors={
                    "video": ErrorList([ValidationError(
                        _("“%(name)s” is not a video: choose an MP4 or WebM file.") % {"name": video.title}
                    )])
                }
            )
        return value


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = SafeRichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    citation = RegulationCitationBlock()
    callout = CalloutBlock()
    quiz = QuizBlock()
    practice = PracticeLinksBlock()
