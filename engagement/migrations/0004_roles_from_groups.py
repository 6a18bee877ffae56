"""Today's global groups become memberships, so nobody loses access on upgrade.

Each member of the ``Member``, ``Staff``, ``Chair`` or ``Finance`` group gets that
role on every top-level partnership (and so, through "a role covers the
partnerships below it", everywhere they could reach before). The groups are then
emptied and removed: roles and their permissions now come from memberships
(``engagement.backends.MembershipBackend``). The README says how to narrow the
result (delete the memberships a person should not have, in the back office).

Going back recreates the groups and puts each membership's user back in its group.
"""

from django.db import migrations

GROUP_FOR_ROLE = {"member": "Member", "staff": "Staff", "chair": "Chair", "finance": "Finance"}


def groups_to_memberships(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Membership = apps.get_model("engagement", "Membership")
    Partnership = apps.get_model("engagement", "Partnership")
    top_level = list(Partnership.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    for role, group_name in GROUP_FOR_ROLE.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        user_ids = list(group.user_set.values_list("pk", flat=True))
        Membership.objects.bulk_create(
            [Membership(user_id=user_id, partnership_id=pk, role=role) for user_id in user_ids for pk in top_level],
            ignore_conflicts=True,
        )
        group.user_set.clear()
        group.permissions.clear()
        group.delete()


def memberships_to_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Membership = apps.get_model("engagement", "Membership")
    for role, group_name in GROUP_FOR_ROLE.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.user_set.add(*set(Membership.objects.filter(role=role).values_list("user_id", flat=True)))


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0003_membership"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(groups_to_memberships, memberships_to_groups)]
