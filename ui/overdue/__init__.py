"""The Cobrança workspace: the overdue review, the contact queue and the day's closing."""
