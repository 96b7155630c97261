"""Empty the open data cache whenever something it is built from changes.

Any save or delete of a commissioning row, an organisation or an area (and a change to a
service's areas or a contract's services) moves the cache version on after the transaction
commits, so the next request is answered from the database. Cheap, and nothing is missed:
published data is read from all of them.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from partnership.models import Area, Organisation

from .http import data_changed

UID = "commissioning.opendata.data_changed"


def _is_source(sender) -> bool:
    return sender._meta.app_label == "commissioning" or sender in (Organisation, Area)


def _changed(sender, **kwargs) -> None:
    if _is_source(sender):
        transaction.on_commit(data_changed)


def connect_signals() -> None:
    for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
        signal.connect(_changed, dispatch_uid=f"{UID}.{name}")
