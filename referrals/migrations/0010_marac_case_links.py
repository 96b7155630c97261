"""Marac case links stored on the referral (referrals.marac_cases), worked out for the rows
already stored from their own Marac dates and person keys: what the Marac figures counted from
those rows at query time before, so no figure changes. Rows without a person key (anonymised)
stay a case of their own and not a repeat, as they were counted."""

from django.db import migrations, models


def link_stored_referrals(apps, schema_editor):
    from referrals.marac_cases import link_marac_cases

    link_marac_cases(keep=False, model=apps.get_model("referrals", "Referral"))


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0009_oversight_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="marac_case",
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="referral",
            name="marac_repeat",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.RunPython(link_stored_referrals, migrations.RunPython.noop),
    ]
