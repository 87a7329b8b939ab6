"""Reference exchange rates: one row per currency, with the date they are of.

`per_eur` is what the European Central Bank publishes (units of the currency for one
euro); `in_reference` is what one unit is worth in the reference currency
(money.currencies.REFERENCE), derived from the same day's rates. Comparable pay is
`round(amount * in_reference)`, in SQL (`money_to_reference`, migration 0001) and in
Python (money.rates.Rates.to_reference) alike, to the unit.
"""

from django.db import models


class ExchangeRate(models.Model):
    currency = models.CharField(max_length=3, primary_key=True)
    per_eur = models.DecimalField(
        "units per euro", max_digits=20, decimal_places=10, help_text="As the ECB publishes it."
    )
    in_reference = models.DecimalField(
        "value of one unit in the reference currency",
        max_digits=24,
        decimal_places=12,
        editable=False,
    )
    rate_date = models.DateField("rates of")
    source = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["currency"]
        constraints = [
            models.CheckConstraint(condition=models.Q(per_eur__gt=0), name="rate_positive"),
            models.CheckConstraint(
                condition=models.Q(in_reference__gt=0), name="rate_in_reference_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency}: {self.per_eur} per EUR ({self.rate_date})"
