"""The pages every accessibility check runs on: one line per page, as the role who sees it.

Add a page here and it gets axe-core (WCAG 2.2 A and AA), the keyboard walk, visible
focus, 320 px reflow, 200 % zoom and print. ``{name}`` in a path is filled from
``demo_ids()`` in conftest.py (ids of demo objects, looked up by natural key).
Roles are the permission matrix's: anonymous, member, other_member, staff, chair,
finance; a signed-in role signs in through the real form once per test session.
"""

PAGES = [
    # Anyone
    ("anonymous", "/"),
    ("anonymous", "/p/lewisham/"),
    ("anonymous", "/p/lancashire-south-cumbria/"),
    ("anonymous", "/p/lewisham/glossary/"),
    ("anonymous", "/p/chorley/glossary/"),
    ("anonymous", "/meetings/"),
    ("anonymous", "/meetings/?partnership=lewisham&year=2023"),
    ("anonymous", "/meetings/{agenda}/"),
    ("anonymous", "/meetings/{lsc_meeting}/"),
    ("anonymous", "/priorities/"),
    ("anonymous", "/you-said-we-did/"),
    ("anonymous", "/accessibility/"),
    ("anonymous", "/accessibility/?partnership=lancashire-south-cumbria"),
    ("anonymous", "/accounts/login/"),
    ("anonymous", "/accounts/password/reset/"),
    ("anonymous", "/accounts/password/reset/done/"),
    ("anonymous", "/accounts/signup/"),
    ("anonymous", "/accounts/confirm-email/"),
    ("anonymous", "/claims/policy/"),
    ("anonymous", "/p/lewisham/topics/"),
    ("anonymous", "/p/lewisham/topics/{topic}/"),
    ("anonymous", "/p/lewisham/forward-plan/"),
    ("anonymous", "/p/lewisham/join/"),
    ("anonymous", "/meetings/items/{upcoming_item}/visitor-views/"),
    # Members
    ("member", "/"),
    ("member", "/meetings/{agenda}/"),
    ("member", "/meetings/{upcoming}/"),
    ("member", "/meetings/items/{upcoming_item}/views/"),
    ("member", "/my/views/"),
    ("member", "/priorities/{priority}/"),
    ("member", "/claims/"),
    ("member", "/claims/new/"),
    ("member", "/claims/{claim}/"),
    ("member", "/accounts/email/"),
    ("member", "/p/lewisham/topics/new/"),
    ("member", "/my/notifications/"),
    # Staff
    ("staff", "/meetings/{agenda}/attendance/"),
    ("staff", "/meetings/{agenda}/attendance/import/"),
    ("staff", "/meetings/items/{agenda_item}/views/record/"),
    ("staff", "/meetings/items/{agenda_item}/response/"),
    ("staff", "/reports/"),
    ("staff", "/reports/year-review/lewisham/2023/"),
    ("staff", "/p/lewisham/join/requests/"),
    ("lsc_staff", "/priorities/actions/{action}/notes/new/"),
    # Finance, and the chair as the other approver
    ("finance", "/reports/"),
    ("finance", "/finance/claims/"),
    ("finance", "/finance/payment-run/"),
    ("finance", "/finance/year-summary/"),
    ("chair", "/finance/claims/"),
]


def page_id(entry):
    role, path = entry
    return f"{role}:{path}"
