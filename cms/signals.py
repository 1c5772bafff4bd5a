"""The cms app's reactions: a new good-practice library gets its permissions and approval workflow."""

from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, dispatch_uid="cms_practice_library_editorial")
def grant_editorial_on_new_practice_library(sender, instance, created, raw=False, **kwargs):
    from .models import PracticeLibraryPage

    if raw or not created or not isinstance(instance, PracticeLibraryPage):
        return
    from .editorial import practice_library_grant_editorial

    practice_library_grant_editorial(instance)
