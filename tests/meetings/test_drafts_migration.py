"""Upgrading: meetings that existed before drafts are published by the migration, so nothing disappears."""

import datetime

import pytest
from django.utils import timezone

from meetings.models import Meeting

# This test migrates and commits: the module puts the database back for the tests after it.
pytestmark = pytest.mark.usefixtures("database_put_back")


@pytest.mark.django_db(transaction=True)
def test_existing_meetings_are_published_by_the_migration():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    # Meetings before drafts, beside today's engagement app (whose partnerships' columns the old rows need).
    engagement_now = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "engagement"]
    before = [("meetings", "0003_region_indexes"), *engagement_now]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        partnership_model = old.get_model("engagement", "Partnership")
        meeting_model = old.get_model("meetings", "Meeting")
        partnership = partnership_model.objects.create(name="Old", slug="old")
        start = timezone.now()
        meeting = meeting_model.objects.create(
            partnership=partnership, title="Before drafts", start=start, end=start + datetime.timedelta(hours=1)
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert Meeting.objects.get(pk=meeting.pk).published_at is not None
