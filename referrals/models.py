"""Models for referrals."""
