"""The review flow used by the CLI and the web station: draft -> reviewed -> signed, every change a
new revision, every action an audit event with its user."""
