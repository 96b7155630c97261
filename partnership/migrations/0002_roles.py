"""Create one group per role. Admins get the permissions that manage users and reference data;
the other roles are checked by group membership in views and selectors, and each app's own
migrations add the model permissions its role needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["officer", "performance_lead", "commissioner", "committee_member", "clerk", "admin"]
ADMIN_PERMISSIONS = {
    "partnership": ["user", "organisation", "area"],
    "auth": ["group"],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    admin = Group.objects.get(name="admin")
    for app_label, models in ADMIN_PERMISSIONS.items():
        admin.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label, content_type__model__in=models
            )
        )
    admin.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="partnership",
            content_type__model="auditevent",
            codename="view_auditevent",
        )
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
