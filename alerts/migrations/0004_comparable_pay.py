"""An alert's salary minimum has a currency; its floor is that minimum in the reference
currency (README, "Pay you can compare"), kept by the database: on every write of a
subscription, and for every subscription when exchange rates change."""

from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION alerts_subscription_floor() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.salary_floor := coalesce(money_to_reference(NEW.salary_min, NEW.salary_currency), -1);
  RETURN NEW;
END
$$;
CREATE TRIGGER alerts_subscription_floor_trg
BEFORE INSERT OR UPDATE OF salary_min, salary_currency, salary_floor ON alerts_subscription
FOR EACH ROW EXECUTE FUNCTION alerts_subscription_floor();

CREATE OR REPLACE FUNCTION alerts_subscription_reprice() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE alerts_subscription
     SET salary_floor = money_to_reference(salary_min, salary_currency)
   WHERE salary_min IS NOT NULL
     AND salary_floor IS DISTINCT FROM money_to_reference(salary_min, salary_currency);
  RETURN NULL;
END
$$;
-- Alerts written while new rates are stored wait for them (as postings do, listings
-- 0008): an alert's own trigger would otherwise give it the old rates' floor.
CREATE OR REPLACE FUNCTION alerts_subscription_hold_writers() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE alerts_subscription IN SHARE ROW EXCLUSIVE MODE;
  RETURN NULL;
END
$$;
CREATE TRIGGER alerts_subscription_hold_writers_trg
BEFORE INSERT OR UPDATE OR DELETE ON money_exchangerate
FOR EACH STATEMENT EXECUTE FUNCTION alerts_subscription_hold_writers();
CREATE TRIGGER alerts_subscription_reprice_trg
AFTER INSERT OR UPDATE ON money_exchangerate
FOR EACH STATEMENT EXECUTE FUNCTION alerts_subscription_reprice();

UPDATE alerts_subscription SET salary_floor = -1;
"""
BACKWARD = """
DROP TRIGGER IF EXISTS alerts_subscription_hold_writers_trg ON money_exchangerate;
DROP FUNCTION IF EXISTS alerts_subscription_hold_writers();
DROP TRIGGER IF EXISTS alerts_subscription_reprice_trg ON money_exchangerate;
DROP FUNCTION IF EXISTS alerts_subscription_reprice();
DROP TRIGGER IF EXISTS alerts_subscription_floor_trg ON alerts_subscription;
DROP FUNCTION IF EXISTS alerts_subscription_floor();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0003_deliveries_through_outbox"),
        ("money", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="salary_currency",
            field=models.CharField(
                choices=[
                    ("USD", "USD – US dollar"),
                    ("EUR", "EUR – euro"),
                    ("GBP", "GBP – pound sterling"),
                    ("CAD", "CAD – Canadian dollar"),
                    ("AUD", "AUD – Australian dollar"),
                    ("NZD", "NZD – New Zealand dollar"),
                    ("CHF", "CHF – Swiss franc"),
                    ("SEK", "SEK – Swedish krona"),
                    ("NOK", "NOK – Norwegian krone"),
                    ("DKK", "DKK – Danish krone"),
                    ("PLN", "PLN – Polish złoty"),
                    ("SGD", "SGD – Singapore dollar"),
                    ("INR", "INR – Indian rupee"),
                    ("JPY", "JPY – Japanese yen"),
                    ("PHP", "PHP – Philippine peso"),
                    ("MXN", "MXN – Mexican peso"),
                    ("BRL", "BRL – Brazilian real"),
                    ("ZAR", "ZAR – South African rand"),
                    ("AED", "AED – UAE dirham"),
                ],
                default="USD",
                max_length=3,
            ),
        ),
        # generated before (salary_min, in any currency); a trigger's column now
        migrations.RemoveField(model_name="subscription", name="salary_floor"),
        migrations.AddField(
            model_name="subscription",
            name="salary_floor",
            field=models.BigIntegerField(default=-1, editable=False),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
