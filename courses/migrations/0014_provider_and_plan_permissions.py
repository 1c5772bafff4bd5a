"""Who may manage providers, their classes and training plans in the admin. Provider staff get a group of
their own: its permissions say what they may do, the provider's staff list which classes (courses.selectors)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from organization import roles

PROVIDER_STAFF = "Cán bộ cơ sở đào tạo"  # courses.models.PROVIDER_STAFF_GROUP
GRANTS = {
    roles.ADMINISTRATOR: {"trainingprovider": ("add", "change", "delete", "view"),
                          "trainingplan": ("add", "change", "delete", "view")},
    roles.UNIT_MANAGER: {"trainingplan": ("add", "change", "delete", "view")},
    roles.BOARD: {"trainingplan": ("view",), "trainingprovider": ("view",)},
    PROVIDER_STAFF: {"trainingclass": ("add", "change", "view")},
}


def _codenames(models):
    return [f"{action}_{model}" for model, actions in models.items() for action in actions]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("courses")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, models in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="courses",
                                                         codename__in=_codenames(models)))
    staff = Group.objects.get(name=PROVIDER_STAFF)
    staff.permissions.add(*Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, models in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group and name != PROVIDER_STAFF:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label="courses",
                                                                codename__in=_codenames(models)))
    Group.objects.filter(name=PROVIDER_STAFF).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0013_training_providers_and_plans"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
