"""Personal data out of logs and (on request) out of stored turns.

``base`` (the :class:`Redactor` interface, :class:`PiiSpan` and how spans become placeholders),
``local`` (the pattern redactor: Luhn-valid card numbers, CVVs, emails, phone numbers, IBANs,
US SSNs and UK National Insurance numbers; no network, microseconds a message), ``comprehend``
(Amazon Comprehend ``DetectPiiEntities`` with a deadline, falling back to the local redactor)
and ``factory`` (which one the settings ask for).
"""

from runtime.redaction.base import PiiSpan, Redactor, apply_spans
from runtime.redaction.local import LocalRedactor, redact

__all__ = ["LocalRedactor", "PiiSpan", "Redactor", "apply_spans", "redact"]
