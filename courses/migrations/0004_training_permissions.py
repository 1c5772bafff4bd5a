"""Who may manage in-person classes and external training in the admin (model permissions; which
records each user reaches is narrowed by the unit visibility rule in courses.selectors)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from organization import roles

MODELS = ("trainingclass", "externaltraining")
GRANTS = {
    roles.ADMINISTRATOR: ("add", "change", "delete", "view"),
    roles.UNIT_MANAGER: ("add", "change", "delete", "view"),
    roles.TRAINER: ("add", "change", "view"),
    roles.BOARD: ("view",),
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; create this app's now so they can be granted.
    app_config = apps.get_app_config("courses")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model in MODELS for action in actions]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="courses", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    perms = Permission.objects.filter(content_type__app_label="courses",
                                      codename__in=[f"{a}_{m}" for m in MODELS for a in ("add", "change", "delete",
                                                                                         "view")])
    for group in Group.objects.filter(name__in=list(GRANTS)):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_training_classes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
