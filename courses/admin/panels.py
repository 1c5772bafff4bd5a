"""The course editor's panel listing what one approval of the course will publish with it."""

from wagtail.admin.panels import Panel


class CourseReviewPanel(Panel):
    """Modules and lessons under the course that are drafts or have unpublished changes: approving the
    course publishes them together (courses.editorial.course_workflow_approved)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/course_review_panel.html"

        def get_context_data(self, parent_context=None):
            from ..editorial import pages_pending_under

            context = super().get_context_data(parent_context)
            context["pending"] = [page for page, _revision in pages_pending_under(self.instance)] \
                if self.instance.pk else []
            return context
