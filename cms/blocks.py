"""StreamField blocks shared by content pages: headings, rich text, images, documents, callouts and
citations of regulations. Each block has an icon, a template and a preview value."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText
from wagtail.snippets.blocks import SnippetChooserBlock
from wagtail.whitelist import Whitelister, allow_without_attributes, attribute_rule, check_url

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "hr", "link", "document-link", "blockquote",
                      "superscript", "subscript"]


class DatabaseHtmlWhitelister(Whitelister):
    """Keeps only the elements and attributes Wagtail's own rich text format uses.

    The Draftail editor already produces clean HTML; this guards the content written by other
    routes (imports, the demo loader, scripts), so no `<script>`, event handler or `javascript:`
    link can reach a lesson page whatever wrote it.
    """

    element_rules = {
        "[document]": allow_without_attributes,
        "a": attribute_rule({"href": check_url, "linktype": True, "id": True}),
        "embed": attribute_rule({"embedtype": True, "id": True, "format": True, "alt": True, "url": check_url}),
        "blockquote": allow_without_attributes,
        "b": allow_without_attributes,
        "strong": allow_without_attributes,
        "i": allow_without_attributes,
        "em": allow_without_attributes,
        "br": allow_without_attributes,
        "hr": allow_without_attributes,
        "h2": allow_without_attributes,
        "h3": allow_without_attributes,
        "h4": allow_without_attributes,
        "p": allow_without_attributes,
        "ol": allow_without_attributes,
        "ul": allow_without_attributes,
        "li": allow_without_attributes,
        "sub": allow_without_attributes,
        "sup": allow_without_attributes,
    }

    def clean_tag_node(self, doc, tag):
        # Script and style bodies are code, not text: drop them entirely rather than unwrapping.
        if tag.name in ("script", "style", "iframe", "object"):
            tag.decompose()
            return
        super().clean_tag_node(doc, tag)


def sanitize_rich_text(html: str) -> str:
    return DatabaseHtmlWhitelister().clean(html or "")


class SafeRichTextBlock(blocks.RichTextBlock):
    """Rich text whose stored HTML is always whitelisted (see DatabaseHtmlWhitelister)."""

    def get_prep_value(self, value):
        source = super().get_prep_value(value)
        return sanitize_rich_text(source)

    class Meta:
        icon = "pilcrow"
        template = "cms/blocks/paragraph.html"
        preview_value = RichText(
            "<p>Công tác kiểm tra, giám sát là chức năng lãnh đạo của Đảng, là nhiệm vụ của toàn Đảng.</p>"
        )
        preview_description = _("Formatted text")


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=200)
    size = blocks.ChoiceBlock(
        label=_("Size"), choices=[("h2", _("Section")), ("h3", _("Subsection"))], default="h2"
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading.html"
        preview_value = {"text": "Nguyên tắc tiến hành kiểm tra", "size": "h2"}
        preview_description = _("A section heading")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(label=_("Alternative text"), required=False, max_length=255,
                                help_text=_("Describes the image for people who cannot see it"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"
        preview_value = {"caption": "Sơ đồ quy trình kiểm tra"}
        preview_description = _("An image resized for every screen")


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=255,
                             help_text=_("Empty = the document's own title"))

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "cms/blocks/document.html"
        preview_value = {"title": "Mẫu biên bản kiểm tra"}
        preview_description = _("A downloadable document")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("note", _("Note")), ("tip", _("Practice tip")), ("warning", _("Warning")),
                 ("example", _("Case study"))],
        default="note",
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    text = SafeRichTextBlock(label=_("Text"), features=["bold", "italic", "ol", "ul", "link"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "cms/blocks/callout.html"
        preview_value = {
            "kind": "tip",
            "title": "Lưu ý",
            "text": RichText("<p>Kết luận kiểm tra phải được thông báo đến đối tượng được kiểm tra.</p>"),
        }
        preview_description = _("A highlighted note, tip, warning or case study")


class RegulationChooserBlock(SnippetChooserBlock):
    """Chooses a regulation; loads the replacement and file with it so a page citing many costs one query."""

    def __init__(self, **kwargs):
        super().__init__("cms.Regulation", **kwargs)

    def bulk_to_python(self, values):
        ids = [value for value in values if value is not None]
        regulations = self.model_class.objects.select_related("superseded_by", "document").in_bulk(ids)
        return [regulations.get(value) for value in values]


class RegulationCitationBlock(blocks.StructBlock):
    regulation = RegulationChooserBlock(label=_("Regulation"))
    article = blocks.CharBlock(label=_("Article / clause"), required=False, max_length=120,
                               help_text=_("For example: Điều 6, khoản 2"))
    quote = blocks.TextBlock(label=_("Quoted text"), required=False)
    note = blocks.TextBlock(label=_("Explanation"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Regulation citation")
        template = "cms/blocks/regulation_citation.html"
        preview_value = {
            "article": "Điều 4",
            "quote": "Tổ chức đảng và đảng viên chịu sự kiểm tra, giám sát của Đảng.",
            "note": "Mọi tổ chức đảng và đảng viên đều là đối tượng kiểm tra, giám sát.",
        }
        preview_description = _("Quotes an article of a regulation; flagged when the regulation is replaced")


class PracticeBodyBlock(blocks.StreamBlock):
    """The content of a good-practice write-up: the shared content blocks."""

    heading = HeadingBlock()
    paragraph = SafeRichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    image = ImageBlock()
    document = DocumentBlock()
    citation = RegulationCitationBlock()
    callout = CalloutBlock()


class ModelDocumentChooserBlock(SnippetChooserBlock):
    """Chooses a model document; loads its file with it, so a list of them costs one query."""

    def __init__(self, **kwargs):
        super().__init__("cms.ModelDocument", **kwargs)

    def bulk_to_python(self, values):
        ids = [value for value in values if value is not None]
        found = self.model_class.objects.select_related("document").in_bulk(ids)
        return [found.get(value) for value in values]


class PracticeLinksBlock(blocks.StructBlock):
    """Links from a lesson to good-practice write-ups and model documents of the two libraries."""

    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200,
                             help_text=_("Empty = “Good practice and model documents”"))
    practices = blocks.ListBlock(blocks.PageChooserBlock(page_type="cms.PracticePage", label=_("Write-up")),
                                 label=_("Good-practice write-ups"), default=[])
    documents = blocks.ListBlock(ModelDocumentChooserBlock(label=_("Model document")),
                                 label=_("Model documents"), default=[])

    class Meta:
        icon = "link"
        label = _("Good practice and model documents")
        template = "cms/blocks/practice_links.html"
        preview_value = {"title": "Kinh nghiệm hay và mẫu văn bản"}
        preview_description = _("Links to write-ups of the good-practice library and to model documents")
