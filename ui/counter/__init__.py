"""The counter: what the cashier does at the till (sell, receive, open and close the cash)."""
