"""Models for commissioning."""
