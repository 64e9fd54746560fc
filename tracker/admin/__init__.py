"""Administration pages: users, divisions and the audit trail."""
