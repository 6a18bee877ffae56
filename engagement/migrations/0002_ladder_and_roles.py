"""Seed the engagement ladder and the four role groups.

A fresh database needs both: every agenda item is placed on the ladder, and
every user is given a role. Permissions are granted to the groups after
migrate by ``partnership_portal.roles.sync_role_permissions``.
"""

from django.db import migrations

LADDER = [
    (1, "Informing", "We tell people about plans, decisions and services.", "We will keep you informed."),
    (
        2,
        "Consulting",
        "We ask for views on options we have drawn up.",
        "We will listen to you and tell you how your views influenced the decision.",
    ),
    (
        3,
        "Involving",
        "We work with people throughout, so their concerns shape the options.",
        "Your concerns will be reflected directly in the options we develop.",
    ),
    (
        4,
        "Collaborating",
        "We develop options and choose the way forward together.",
        "We will look to you for advice and take it up as far as possible.",
    ),
    (
        5,
        "Empowering",
        "People and communities make the decision.",
        "You decide, and we will put your decision into practice.",
    ),
]

ROLES = ["Member", "Staff", "Chair", "Finance"]


def seed(apps, schema_editor):
    EngagementType = apps.get_model("engagement", "EngagementType")
    Group = apps.get_model("auth", "Group")
    for rank, name, description, promise in LADDER:
        EngagementType.objects.update_or_create(
            name=name, defaults={"rank": rank, "description": description, "promise": promise}
        )
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
