"""The back office: the dashboard, reports and the audit trail."""
