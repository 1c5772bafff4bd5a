"""Who may write and who may publish in the good-practice library.

- Unit managers and trainers add and edit write-ups inside the library (and nowhere else); they
  cannot publish: saving offers "Submit for moderation". A unit manager names a unit of their own
  subtree only (cms.forms.PracticePageForm).
- The approvers group ("Duyệt bài kinh nghiệm hay", staff of the provincial inspection committee)
  approve in the "Duyệt bài kinh nghiệm hay" workflow, which publishes.

`practice_library_grant_editorial(library)` is idempotent and runs when a library page is created
(cms.signals).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
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

PRACTICE_APPROVERS = "Duyệt bài kinh nghiệm hay"
WORKFLOW_NAME = "Duyệt bài kinh nghiệm hay"
TASK_NAME = "Ủy ban Kiểm tra Tỉnh ủy duyệt bài kinh nghiệm"

AUTHOR_PAGE_PERMISSIONS = ("add", "change")
APPROVER_PAGE_PERMISSIONS = ("add", "change", "publish")
MEDIA_PERMISSIONS = (("wagtailimages", "image"), ("wagtaildocs", "document"))


@transaction.atomic
def practice_library_grant_editorial(library: Page) -> Workflow:
    groups = roles.ensure_groups()
    authors = [groups[roles.UNIT_MANAGER], groups[roles.TRAINER]]
    approvers, _ = Group.objects.get_or_create(name=PRACTICE_APPROVERS)
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    approvers.permissions.add(access)
    page = Page.objects.get(pk=library.pk)
    root_collection = Collection.get_first_root_node()
    for group, actions in [*((author, AUTHOR_PAGE_PERMISSIONS) for author in authors),
                           (approvers, APPROVER_PAGE_PERMISSIONS)]:
        for action in actions:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{action}_page")
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
        for app_label, model in MEDIA_PERMISSIONS:  # pictures and attachments of a write-up
            for action in ("add", "choose"):
                permission = Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                GroupCollectionPermission.objects.get_or_create(group=group, collection=root_collection,
                                                                permission=permission)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(approvers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow
