"""Reimbursement pages: the member's claims (``claims.py``) and finance's side (``finance.py``)."""
