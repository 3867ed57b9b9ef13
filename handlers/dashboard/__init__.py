"""The dashboard in the browser: Sign in with Slack, the portfolio and project pages."""
