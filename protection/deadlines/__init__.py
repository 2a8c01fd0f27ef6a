"""Deadlines and notifications, a feature of the protection app that spans the domain apps: the
sweep that flags overdue clocks (sweep.py), notices, digests and escalations (notifications.py),
their pages (views.py, urls.py) and the periodic tasks and outbox (tasks.py). Its models
(OverdueFlag, Notification, PeriodicRun ...) stay in protection/models.py, so no migration."""
