"""Seed the Core20PLUS5 framework tags, so that a fresh database offers them.

Core20: the most deprived 20 % of the population by the Index of Multiple
Deprivation; PLUS: population groups each ICS chooses; 5 clinical areas for
adults and 5 for children and young people (NHS England, 2021–2023).
"""

from django.db import migrations

FRAMEWORK = ("CORE20PLUS5", "core20plus5", "framework", "NHS England's approach to reducing healthcare inequalities.")
PARTS = [
    (
        "Core20",
        "core20",
        "population",
        "The most deprived 20 % of the population by the Index of Multiple Deprivation.",
    ),
    (
        "PLUS groups",
        "plus-groups",
        "population",
        "Population groups the ICS chooses, who experience poorer access, experience or outcomes.",
    ),
    (
        "Maternity",
        "maternity",
        "adult_area",
        "Continuity of carer for women from Black, Asian and minority ethnic communities and from the most deprived groups.",
    ),
    (
        "Severe mental illness",
        "severe-mental-illness",
        "adult_area",
        "Annual health checks for people living with severe mental illness.",
    ),
    (
        "Chronic respiratory disease",
        "chronic-respiratory-disease",
        "adult_area",
        "COPD: vaccination uptake to reduce exacerbations and admissions.",
    ),
    (
        "Early cancer diagnosis",
        "early-cancer-diagnosis",
        "adult_area",
        "75 % of cases diagnosed at stage 1 or 2 by 2028.",
    ),
    ("Hypertension", "hypertension", "adult_area", "Case-finding and optimal management of high blood pressure."),
    ("Asthma (children)", "children-asthma", "children_area", "Children and young people: asthma."),
    ("Diabetes (children)", "children-diabetes", "children_area", "Children and young people: diabetes."),
    ("Epilepsy (children)", "children-epilepsy", "children_area", "Children and young people: epilepsy."),
    ("Oral health (children)", "children-oral-health", "children_area", "Children and young people: oral health."),
    (
        "Mental health (children)",
        "children-mental-health",
        "children_area",
        "Children and young people: mental health.",
    ),
]


def seed(apps, schema_editor):
    FrameworkTag = apps.get_model("priorities", "FrameworkTag")
    name, slug, kind, description = FRAMEWORK
    framework, _ = FrameworkTag.objects.get_or_create(
        slug=slug, defaults={"name": name, "kind": kind, "description": description, "order": 0}
    )
    for order, (name, slug, kind, description) in enumerate(PARTS, start=1):
        FrameworkTag.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "kind": kind, "description": description, "order": order, "framework": framework},
        )


class Migration(migrations.Migration):
    dependencies = [("priorities", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
