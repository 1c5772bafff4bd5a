"""Multiple-choice answers are shuffled per sitting by default.

Changes MCQuestion.answer_order's default from "none" (as written) to "random" (a shuffle seeded by
sitting and question, so a reload shows the same order and the next attempt another), AND updates
every existing question still on "none" to "random": the demo banks, and any bank entered with the
old default, had the right answer first, so always choosing the first option passed. Questions set
to "content" (alphabetical) are left alone. A trainer who needs a fixed order (e.g. "all of the
above" last) sets "As written" again on that question.

Reversing restores the old default but cannot tell which questions were "none" before, so it leaves
the questions' order as it is.
"""

from django.db import migrations, models


def none_to_random(apps, schema_editor):
    MCQuestion = apps.get_model("assessments", "MCQuestion")
    MCQuestion.objects.filter(answer_order="none").update(answer_order="random")


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0002_question_figures_private"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mcquestion",
            name="answer_order",
            field=models.CharField(
                choices=[("content", "Alphabetical"), ("random", "Random"), ("none", "As written")],
                default="random",
                help_text="Random: a different order for each attempt, the same on reload",
                max_length=8,
                verbose_name="answer order",
            ),
        ),
        migrations.RunPython(none_to_random, migrations.RunPython.noop),
    ]
