"""Which model permissions each role's group holds.

The groups themselves are created by a data migration
(``engagement/migrations/0002_ladder_and_roles.py``). Permissions only exist once every
app has migrated, so they are granted after ``migrate`` by
``sync_role_permissions``, which is idempotent: it adds what is missing and
removes nothing an administrator granted by hand.
"""

from engagement.roles import CHAIR, FINANCE, MEMBER, STAFF


def _crud(app_label, *models, actions=("add", "change", "delete", "view")):
    return [f"{app_label}.{action}_{model}" for model in models for action in actions]


ROLE_PERMISSIONS = {
    MEMBER: [],
    STAFF: [
        *_crud("engagement", "participant", "organisation", "theme"),
        *_crud("engagement", "partnership", "engagementtype", actions=("view",)),
        *_crud("meetings", "attendance", "feedback", "response", "yearreview"),
        *_crud("meetings", "meeting", "agendaitem", "paper", actions=("view", "change")),
        *_crud("priorities", "actionupdate"),
        *_crud("priorities", "priority", "action", "frameworktag", actions=("view",)),
    ],
    CHAIR: [
        *_crud("engagement", "partnership", "organisation", "participant", "engagementtype", "theme"),
        *_crud("meetings", "meeting", "agendaitem", "paper", "attendance", "feedback", "response", "yearreview"),
        *_crud("priorities", "priority", "action", "actionupdate", "frameworktag"),
        *_crud("reimbursement", "paymentpolicy"),
        *_crud("reimbursement", "claim", "claimline", "receipt", actions=("view",)),
    ],
    FINANCE: [
        *_crud("reimbursement", "paymentpolicy", actions=("view",)),
        *_crud("reimbursement", "claim", "claimline", "receipt", actions=("view", "change")),
        *_crud("meetings", "meeting", "attendance", actions=("view",)),
        *_crud("engagement", "participant", actions=("view",)),
    ],
}


def sync_role_permissions(**kwargs):
    """Grant each role's group its permissions (post_migrate handler)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for group_name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = set()
        for dotted in perms:
            app_label, codename = dotted.split(".")
            wanted.add((app_label, codename))
        if not wanted:
            continue
        found = Permission.objects.filter(
            content_type__app_label__in={a for a, _ in wanted}, codename__in={c for _, c in wanted}
        ).select_related("content_type")
        group.permissions.add(*[p for p in found if (p.content_type.app_label, p.codename) in wanted])
