"""Who may write and who may publish the curriculum.

- Trainers (organization.roles.TRAINER) add and edit pages inside each curriculum, and nowhere
  else; they cannot publish: saving offers "Submit for moderation".
- The curriculum approvers group ("Duyệt giáo trình", staff of the provincial inspection
  committee) approve in the "Duyệt giáo trình" workflow, which publishes; they may also publish
  directly.

`ensure_editorial_setup()` creates the groups, their admin permissions, the workflow and its task;
`curriculum_grant_editorial(curriculum)` grants the page permissions and assigns the workflow on a
curriculum. Both are idempotent; the second runs automatically whenever a curriculum is created
(see courses.signals), and `manage.py ensure_editorial` re-applies both to every curriculum.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from organization import roles

CURRICULUM_APPROVERS = "Duyệt giáo trình"
WORKFLOW_NAME = "Duyệt giáo trình"
TASK_NAME = "Ủy ban Kiểm tra Tỉnh ủy duyệt"

TRAINER_PAGE_PERMISSIONS = ("add", "change")
APPROVER_PAGE_PERMISSIONS = ("add", "change", "publish")
MEDIA_PERMISSIONS = (("wagtailimages", "image"), ("wagtaildocs", "document"))


@dataclass
class EditorialSetup:
    trainers: Group
    approvers: Group
    workflow: Workflow


@transaction.atomic
def ensure_editorial_setup() -> EditorialSetup:
    """Create (or complete) the trainer and approver groups, their admin and media permissions, and
    the approval workflow. Idempotent."""
    trainers = roles.ensure_groups()[roles.TRAINER]
    approvers, _ = Group.objects.get_or_create(name=CURRICULUM_APPROVERS)
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    root_collection = Collection.get_first_root_node()
    for group in (trainers, approvers):
        group.permissions.add(access)
        for app_label, model in MEDIA_PERMISSIONS:
            for action in ("add", "change", "choose"):
                permission = Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(approvers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return EditorialSetup(trainers=trainers, approvers=approvers, workflow=workflow)


@transaction.atomic
def curriculum_grant_editorial(curriculum: Page) -> None:
    """Let trainers add and edit (not publish) under this curriculum, approvers publish, and route
    every submission through the approval workflow. Idempotent."""
    setup = ensure_editorial_setup()
    page = Page.objects.get(pk=curriculum.pk)
    for group, actions in ((setup.trainers, TRAINER_PAGE_PERMISSIONS), (setup.approvers, APPROVER_PAGE_PERMISSIONS)):
        for action in actions:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{action}_page")
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": setup.workflow})


# --- One approval for a whole course ------------------------------------------------------------------
#
# A trainer submits the course once; the approver approves it once. The modules and lessons under it
# that are not live, or have unpublished changes, are published with it: each at its latest revision
# saved before the course was submitted (what the approver could review). A lesson edited after the
# course was approved, like any page, is a draft until it is approved in turn (on its own, or with the
# course submitted again). Rejection publishes nothing.


def pages_pending_under(course: Page, *, until=None) -> list[tuple]:
    """(page, revision) for each page under the course that publishing the course would publish: not
    live or with unpublished changes, at its latest revision saved no later than `until` (all if None);
    in tree order, so a module comes before its lessons."""
    from wagtail.models import Revision

    pages = list(
        Page.objects.descendant_of(course)
        .filter(models.Q(live=False) | models.Q(has_unpublished_changes=True))
        .filter(expired=False)
        .order_by("path")
    )
    if not pages:
        return []
    revisions = Revision.page_revisions.filter(object_id__in=[str(p.pk) for p in pages])
    if until is not None:
        revisions = revisions.filter(created_at__lte=until)
    latest: dict[str, Revision] = {}
    for revision in revisions.order_by("created_at", "pk"):
        latest[revision.object_id] = revision
    pending = []
    for page in pages:
        revision = latest.get(str(page.pk))
        if revision is not None and (not page.live or revision.pk != page.live_revision_id):
            pending.append((page, revision))
    return pending


def course_workflow_approved(workflow_state, user=None) -> list[Page]:
    """Publish, with the approved course, the pages under it that were waiting (see pages_pending_under).
    Their own workflows, if any were in progress, are closed as approved with the course."""
    from wagtail.models import WorkflowState

    from .models import CoursePage

    course = workflow_state.content_object
    if not isinstance(course, Page) or not isinstance(course.specific, CoursePage):
        return []
    submitted = workflow_state.current_task_state.revision if workflow_state.current_task_state_id else None
    until = submitted.created_at if submitted is not None else None
    published = []
    with transaction.atomic():
        for page, revision in pages_pending_under(course, until=until):
            for state in WorkflowState.objects.active().filter(base_content_type=page.get_base_content_type(),
                                                                object_id=str(page.pk)):
                state.cancel(user=user)
            revision.publish(user=user, skip_permission_checks=True)
            published.append(page)
    return published
