"""The deadlines' models, taken over from the protection app: their tables keep the names
protection 0003 gave them (protection_overdueflag, protection_notification,
protection_periodicrun and their history tables).

On a database migrated through protection 0003-0011 the tables are there with their rows: this
migration only adds the models to the deadlines app's state (protection 0011, now part of the
squashed 0003, removed them from the protection app's) and moves the content types of the six models from app label "protection"
to "deadlines", so permissions and admin log entries stay attached. On a fresh database, where
protection's squashed 0003-0011 creates none of them (so the user model's app depends on no
domain app), it creates the tables (CreateTablesIfMissing). Reversed, it moves the content
types back and leaves the tables and their rows in place: reversing protection past 0002 drops
them, as reversing 0003 always did."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MODELS = (
    "overdueflag",
    "notification",
    "periodicrun",
    "historicaloverdueflag",
    "historicalnotification",
    "historicalperiodicrun",
)


def relabel(apps, schema_editor, old, new):
    """Move the content types of MODELS from app label `old` to `new` (none is created: on a
    fresh database they do not exist yet, and post_migrate creates them under "deadlines")."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)


class CreateTablesIfMissing(migrations.operations.base.Operation):
    """Create the tables of MODELS that the database lacks (a fresh database), from the state
    this migration has built; leave existing ones (and their rows) alone. Nothing backwards."""

    reversible = True
    reduces_to_sql = False

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        existing = set(schema_editor.connection.introspection.table_names())
        for name in MODELS:
            model = to_state.apps.get_model(app_label, name)
            if not self.allow_migrate_model(schema_editor.connection.alias, model):
                continue
            if model._meta.db_table not in existing:
                schema_editor.create_model(model)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return "Create the deadlines' tables where the database lacks them"


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, "protection", "deadlines")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, "deadlines", "protection")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0021_home_backlog_indexes'),
        ('contenttypes', '0002_remove_content_type_name'),
        # Replaced by protection 0003_squashed_0011, which Django puts here; named so, a
        # database that applied only part of 0003-0011 stops with Django's explanation.
        ('protection', '0011_deadlines_models_to_own_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PeriodicRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80, unique=True, verbose_name='tarea')),
                        ('last_started_at', models.DateTimeField(blank=True, null=True, verbose_name='último inicio')),
                        ('last_finished_at', models.DateTimeField(blank=True, null=True, verbose_name='último fin')),
                        ('last_result', models.CharField(blank=True, max_length=300, verbose_name='último resultado')),
                    ],
                    options={
                        'verbose_name': 'ejecución periódica',
                        'verbose_name_plural': 'ejecuciones periódicas',
                        'db_table': 'protection_periodicrun',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalOverdueFlag',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('clock', models.CharField(choices=[('urgent_issue', 'Emisión de medidas urgentes'), ('urgent_implement', 'Implementación de medidas urgentes'), ('risk_study', 'Estudio de evaluación de riesgo'), ('board_papers', 'Envío de documentos a la Junta'), ('notification', 'Comunicación del acuerdo a autoridades'), ('implementation', 'Implementación de medidas'), ('reevaluation', 'Revaluación periódica'), ('appeal_filing', 'Plazo para inconformidad (ordinaria)'), ('appeal_consejo_ruling', 'Dictamen del Consejo sobre inconformidad'), ('urgent_appeal_filing', 'Plazo para inconformidad (urgente)'), ('urgent_appeal_ruling', 'Resolución de inconformidad urgente'), ('rediscussion', 'Respuesta a solicitud de nueva discusión'), ('appeal_board_ruling', 'Resolución de la Junta sobre inconformidad'), ('emergency_response', 'Respuesta a una emergencia'), ('report_contradicted', 'Reporte de autoridad contradicho')], max_length=40, verbose_name='plazo')),
                        ('subject_type', models.CharField(choices=[('case', 'Expediente'), ('study', 'Estudio de riesgo'), ('session', 'Sesión de la Junta'), ('decision', 'Acuerdo de la Junta'), ('measure', 'Medida otorgada'), ('appeal', 'Inconformidad'), ('rediscussion', 'Solicitud de nueva discusión'), ('contact', 'Emergencia de la bitácora de contactos'), ('report', 'Reporte de una autoridad implementadora')], max_length=16, verbose_name='tipo de registro')),
                        ('subject_id', models.BigIntegerField(verbose_name='registro')),
                        ('due_at', models.DateTimeField(verbose_name='vencía')),
                        ('raised_at', models.DateTimeField(verbose_name='detectado')),
                        ('responsible_role', models.CharField(blank=True, choices=[('reception', 'Recepción de casos (URCRR)'), ('analyst', 'Evaluación de riesgo (UER)'), ('follow_up', 'Seguimiento (UPSA)'), ('coordinator', 'Coordinación Ejecutiva (CEN)'), ('board_government', 'Junta de Gobierno: gobierno'), ('board_civil', 'Junta de Gobierno: sociedad civil'), ('consultant', 'Consultoría o contratista externo'), ('authority', 'Autoridad implementadora'), ('administrator', 'Administración del sistema')], max_length=32, verbose_name='rol responsable')),
                        ('escalation_level', models.PositiveSmallIntegerField(choices=[(0, 'Sin avisar'), (1, 'Avisado a la persona responsable'), (2, 'Escalado a la Coordinación')], default=0, verbose_name='escalamiento')),
                        ('assignee_alerted_at', models.DateTimeField(blank=True, null=True, verbose_name='aviso a la persona responsable')),
                        ('escalated_at', models.DateTimeField(blank=True, null=True, verbose_name='escalado a la Coordinación')),
                        ('cleared_at', models.DateTimeField(blank=True, null=True, verbose_name='cerrado')),
                        ('done_at', models.DateTimeField(blank=True, help_text='Vacío en un aviso cerrado: el plazo dejó de correr sin cumplirse (expediente concluido, medida terminada, fecha modificada).', null=True, verbose_name='cumplido')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case', verbose_name='expediente')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('responsible', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='persona responsable')),
                    ],
                    options={
                        'verbose_name': 'historical plazo vencido',
                        'verbose_name_plural': 'historical plazos vencidos',
                        'db_table': 'protection_historicaloverdueflag',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalPeriodicRun',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('name', models.CharField(db_index=True, max_length=80, verbose_name='tarea')),
                        ('last_started_at', models.DateTimeField(blank=True, null=True, verbose_name='último inicio')),
                        ('last_finished_at', models.DateTimeField(blank=True, null=True, verbose_name='último fin')),
                        ('last_result', models.CharField(blank=True, max_length=300, verbose_name='último resultado')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical ejecución periódica',
                        'verbose_name_plural': 'historical ejecuciones periódicas',
                        'db_table': 'protection_historicalperiodicrun',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='OverdueFlag',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('clock', models.CharField(choices=[('urgent_issue', 'Emisión de medidas urgentes'), ('urgent_implement', 'Implementación de medidas urgentes'), ('risk_study', 'Estudio de evaluación de riesgo'), ('board_papers', 'Envío de documentos a la Junta'), ('notification', 'Comunicación del acuerdo a autoridades'), ('implementation', 'Implementación de medidas'), ('reevaluation', 'Revaluación periódica'), ('appeal_filing', 'Plazo para inconformidad (ordinaria)'), ('appeal_consejo_ruling', 'Dictamen del Consejo sobre inconformidad'), ('urgent_appeal_filing', 'Plazo para inconformidad (urgente)'), ('urgent_appeal_ruling', 'Resolución de inconformidad urgente'), ('rediscussion', 'Respuesta a solicitud de nueva discusión'), ('appeal_board_ruling', 'Resolución de la Junta sobre inconformidad'), ('emergency_response', 'Respuesta a una emergencia'), ('report_contradicted', 'Reporte de autoridad contradicho')], max_length=40, verbose_name='plazo')),
                        ('subject_type', models.CharField(choices=[('case', 'Expediente'), ('study', 'Estudio de riesgo'), ('session', 'Sesión de la Junta'), ('decision', 'Acuerdo de la Junta'), ('measure', 'Medida otorgada'), ('appeal', 'Inconformidad'), ('rediscussion', 'Solicitud de nueva discusión'), ('contact', 'Emergencia de la bitácora de contactos'), ('report', 'Reporte de una autoridad implementadora')], max_length=16, verbose_name='tipo de registro')),
                        ('subject_id', models.BigIntegerField(verbose_name='registro')),
                        ('due_at', models.DateTimeField(verbose_name='vencía')),
                        ('raised_at', models.DateTimeField(verbose_name='detectado')),
                        ('responsible_role', models.CharField(blank=True, choices=[('reception', 'Recepción de casos (URCRR)'), ('analyst', 'Evaluación de riesgo (UER)'), ('follow_up', 'Seguimiento (UPSA)'), ('coordinator', 'Coordinación Ejecutiva (CEN)'), ('board_government', 'Junta de Gobierno: gobierno'), ('board_civil', 'Junta de Gobierno: sociedad civil'), ('consultant', 'Consultoría o contratista externo'), ('authority', 'Autoridad implementadora'), ('administrator', 'Administración del sistema')], max_length=32, verbose_name='rol responsable')),
                        ('escalation_level', models.PositiveSmallIntegerField(choices=[(0, 'Sin avisar'), (1, 'Avisado a la persona responsable'), (2, 'Escalado a la Coordinación')], default=0, verbose_name='escalamiento')),
                        ('assignee_alerted_at', models.DateTimeField(blank=True, null=True, verbose_name='aviso a la persona responsable')),
                        ('escalated_at', models.DateTimeField(blank=True, null=True, verbose_name='escalado a la Coordinación')),
                        ('cleared_at', models.DateTimeField(blank=True, null=True, verbose_name='cerrado')),
                        ('done_at', models.DateTimeField(blank=True, help_text='Vacío en un aviso cerrado: el plazo dejó de correr sin cumplirse (expediente concluido, medida terminada, fecha modificada).', null=True, verbose_name='cumplido')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='overdue_flags', to='cases.case', verbose_name='expediente')),
                        ('responsible', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='overdue_flags', to=settings.AUTH_USER_MODEL, verbose_name='persona responsable')),
                    ],
                    options={
                        'verbose_name': 'plazo vencido',
                        'verbose_name_plural': 'plazos vencidos',
                        'db_table': 'protection_overdueflag',
                        'ordering': ['due_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('message', models.TextField(blank=True, db_default='', verbose_name='mensaje')),
                        ('link', models.CharField(blank=True, db_default='', max_length=300, verbose_name='enlace')),
                        ('kind', models.CharField(choices=[('overdue', 'Plazo vencido a su cargo'), ('escalated', 'Plazo vencido escalado a la Coordinación'), ('handover', 'Expedientes recibidos en traspaso'), ('grave_aggr', 'Agresión grave registrada')], max_length=12, verbose_name='tipo')),
                        ('urgent', models.BooleanField(default=False, verbose_name='procedimiento urgente')),
                        ('created_at', models.DateTimeField(verbose_name='creado')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='leído')),
                        ('email_status', models.CharField(choices=[('pending', 'Por enviar'), ('sent', 'Enviado'), ('skipped', 'No se envía')], default='pending', max_length=8, verbose_name='correo')),
                        ('email_claim', models.UUIDField(blank=True, editable=False, null=True, verbose_name='envío en curso')),
                        ('email_claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='envío en curso desde')),
                        ('email_attempts', models.PositiveSmallIntegerField(default=0, verbose_name='intentos de envío')),
                        ('emailed_at', models.DateTimeField(blank=True, null=True, verbose_name='enviado por correo')),
                        ('email_error', models.TextField(blank=True, verbose_name='último error de envío')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='destinataria')),
                        ('flag', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to='deadlines.overdueflag', verbose_name='plazo vencido')),
                    ],
                    options={
                        'verbose_name': 'aviso',
                        'verbose_name_plural': 'avisos',
                        'db_table': 'protection_notification',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalNotification',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('message', models.TextField(blank=True, db_default='', verbose_name='mensaje')),
                        ('link', models.CharField(blank=True, db_default='', max_length=300, verbose_name='enlace')),
                        ('kind', models.CharField(choices=[('overdue', 'Plazo vencido a su cargo'), ('escalated', 'Plazo vencido escalado a la Coordinación'), ('handover', 'Expedientes recibidos en traspaso'), ('grave_aggr', 'Agresión grave registrada')], max_length=12, verbose_name='tipo')),
                        ('urgent', models.BooleanField(default=False, verbose_name='procedimiento urgente')),
                        ('created_at', models.DateTimeField(verbose_name='creado')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='leído')),
                        ('email_status', models.CharField(choices=[('pending', 'Por enviar'), ('sent', 'Enviado'), ('skipped', 'No se envía')], default='pending', max_length=8, verbose_name='correo')),
                        ('email_claim', models.UUIDField(blank=True, editable=False, null=True, verbose_name='envío en curso')),
                        ('email_claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='envío en curso desde')),
                        ('email_attempts', models.PositiveSmallIntegerField(default=0, verbose_name='intentos de envío')),
                        ('emailed_at', models.DateTimeField(blank=True, null=True, verbose_name='enviado por correo')),
                        ('email_error', models.TextField(blank=True, verbose_name='último error de envío')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recipient', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='destinataria')),
                        ('flag', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='deadlines.overdueflag', verbose_name='plazo vencido')),
                    ],
                    options={
                        'verbose_name': 'historical aviso',
                        'verbose_name_plural': 'historical avisos',
                        'db_table': 'protection_historicalnotification',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AddIndex(
                    model_name='overdueflag',
                    index=models.Index(fields=['case', 'clock'], name='overdue_flag_case'),
                ),
                migrations.AddIndex(
                    model_name='overdueflag',
                    index=models.Index(condition=models.Q(('cleared_at__isnull', True)), fields=['responsible', 'due_at'], name='overdue_flag_open_resp'),
                ),
                migrations.AddIndex(
                    model_name='overdueflag',
                    index=models.Index(condition=models.Q(('cleared_at__isnull', True)), fields=['escalation_level', 'assignee_alerted_at'], name='overdue_flag_open_escal'),
                ),
                migrations.AddIndex(
                    model_name='overdueflag',
                    index=models.Index(fields=['subject_type', 'subject_id'], name='overdue_flag_subject'),
                ),
                migrations.AddConstraint(
                    model_name='overdueflag',
                    constraint=models.UniqueConstraint(condition=models.Q(('cleared_at__isnull', True)), fields=('clock', 'subject_type', 'subject_id'), name='overdue_flag_open_once'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['recipient', '-created_at'], name='notification_inbox'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(condition=models.Q(('read_at__isnull', True)), fields=['recipient'], name='notification_unread'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(condition=models.Q(('email_status', 'pending')), fields=['recipient', 'created_at'], name='notification_email_pending'),
                ),
                migrations.AddConstraint(
                    model_name='notification',
                    constraint=models.UniqueConstraint(fields=('recipient', 'flag'), name='notification_once'),
                ),
            ],
        ),
        CreateTablesIfMissing(),
        migrations.RunPython(forwards, backwards),
    ]
