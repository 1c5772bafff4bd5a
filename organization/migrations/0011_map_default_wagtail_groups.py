"""Wagtail's default "Editors" and "Moderators" groups sit beside KTLearn's five roles and mean
nothing here: their members (if any) move to the Trainer role, who edits the course content, and the
two groups are deleted. Reversing does not re-create them."""

from django.db import migrations

DEFAULT_GROUPS = ("Editors", "Moderators")
TRAINER = "Giảng viên"  # organization.roles.TRAINER (a migration does not import app code)


def map_default_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    defaults = list(Group.objects.filter(name__in=DEFAULT_GROUPS))
    if not defaults:
        return
    members = User.objects.filter(groups__in=defaults).distinct()
    if members.exists():
        trainer, _ = Group.objects.get_or_create(name=TRAINER)
        trainer.user_set.add(*members)
    for group in defaults:
        group.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0010_one_time_passwords"),
        ("auth", "0012_alter_user_first_name_max_length"),
        # Every Wagtail migration that looks these groups up runs first.
        ("wagtailcore", "0005_add_page_lock_permission_to_moderators"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtaildocs", "0002_initial_data"),
        ("wagtailimages", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(map_default_groups, migrations.RunPython.noop)]
