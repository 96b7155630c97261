"""Models for scrutiny."""
