"""`/pmo change`, `/pmo changes`, and the Approve and Reject buttons."""
