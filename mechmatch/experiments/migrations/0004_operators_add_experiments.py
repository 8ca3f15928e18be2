"""Operators may now add experiments (those on ScoringPolicy weights): give the existing
Operators group the permission. New operators get it from accounts.services.operator_grant;
on a fresh database the group and permission do not exist yet and this does nothing."""

from django.db import migrations

OPERATOR_GROUP = "Operators"  # accounts.services.OPERATOR_GROUP, frozen here


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=OPERATOR_GROUP).first()
    permission = Permission.objects.filter(content_type__app_label="experiments", codename="add_experiment").first()
    if group is not None and permission is not None:
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=OPERATOR_GROUP).first()
    permission = Permission.objects.filter(content_type__app_label="experiments", codename="add_experiment").first()
    if group is not None and permission is not None:
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [("experiments", "0003_policy_experiments"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(grant, revoke)]
