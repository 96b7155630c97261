"""Logging filters named in settings.LOGGING.

Django's template engine logs, at DEBUG, every variable a template fails to look up, with the
whole template context in the message. On the referral form shown again after an error, that
context holds the name, date of birth and address the officer has just typed, so such a line
must never be written, whatever level logging is set to.
"""

import logging


class DropTemplateLookupFailures(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Exception while resolving variable")
