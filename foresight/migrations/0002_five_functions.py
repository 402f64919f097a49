from django.db import migrations

# The five functions at the top of the capability classification (DESIGN.md).
FUNCTIONS = [
    (1, "Design", "Research, conceive and specify products, processes and systems."),
    (
        2,
        "Implement",
        "Make, build, operate, test and maintain the products and processes.",
    ),
    (
        3,
        "Logistics",
        "Source, store, move and supply materials, products and information.",
    ),
    (
        4,
        "Support",
        "Assure quality and compliance, and keep people, equipment and data working.",
    ),
    (
        5,
        "Enterprise",
        "Lead, plan, finance and manage the organisation and its people.",
    ),
]


def add_functions(apps, schema_editor):
    Function = apps.get_model("foresight", "Function")
    for position, name, description in FUNCTIONS:
        Function.objects.update_or_create(
            name=name, defaults={"position": position, "description": description}
        )


def remove_functions(apps, schema_editor):
    Function = apps.get_model("foresight", "Function")
    Function.objects.filter(name__in=[name for _, name, _ in FUNCTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("foresight", "0001_initial")]

    operations = [migrations.RunPython(add_functions, remove_functions)]
