"""Security and audit: two-factor login, the audit log, break-glass access, sealed data, known
devices."""
