"""Report periods, queries, tables, exports, charts, the dashboard and the impact page."""
