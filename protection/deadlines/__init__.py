"""Deadlines and notifications, a feature that spans the domain apps, installed as its own app
(label "deadlines"): its models (overdue flags, notifications, periodic runs: models.py, on the
tables the protection app created), the sweep that flags overdue clocks (sweep.py), notices,
digests and escalations (notifications.py), an alert's e-mail map (lifecycle.py), their pages
(views.py, urls.py), the admin, the bell's context processor, the periodic tasks and the outbox
(tasks.py) and the check_deadlines command."""
