"""Overdue flags, notifications and periodic runs leave the protection app for the deadlines
sub-app (label "deadlines", protection/deadlines/models.py), in the migration state only: their
tables (protection_overdueflag, protection_notification, protection_periodicrun and their
history tables) keep their names and rows. deadlines 0001 adds them to its state, with the same
tables, and moves their content types."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("protection", "0010_report_contradicted_clock"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='historicalnotification',
                    name='flag',
                ),
                migrations.RemoveField(
                    model_name='historicalnotification',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalnotification',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='historicaloverdueflag',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='historicaloverdueflag',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicaloverdueflag',
                    name='responsible',
                ),
                migrations.RemoveField(
                    model_name='historicalperiodicrun',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='flag',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='overdueflag',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='overdueflag',
                    name='responsible',
                ),
                migrations.DeleteModel(
                    name='PeriodicRun',
                ),
                migrations.DeleteModel(
                    name='HistoricalNotification',
                ),
                migrations.DeleteModel(
                    name='HistoricalOverdueFlag',
                ),
                migrations.DeleteModel(
                    name='HistoricalPeriodicRun',
                ),
                migrations.DeleteModel(
                    name='Notification',
                ),
                migrations.DeleteModel(
                    name='OverdueFlag',
                ),
            ],
        ),
    ]
