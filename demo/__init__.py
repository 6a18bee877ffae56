"""The demo data: the two seed documents in shared/seeds/ as partnerships, meetings, people and claims.

Kept apart from the apps so that opening an app shows its models, services
and views first. One module per app, loaded in the order the apps depend on
each other by ``manage.py load_demo`` (``management/commands/load_demo.py``).
Every loader is safe to run twice. Templates: ``templates/demo/``.
"""
