"""Nothing lost: the spool keeps turns the history store could not take, for replay.

``base`` (the entry format, the interface, the store-failure hook and replay), ``file`` (the
local server's JSON-lines spool and its replay worker), ``sqs`` (the cloud spool), ``factory``
(which one the settings ask for) and ``job`` (the Lambda that drains the SQS spool).
"""

from runtime.spool.base import ReplayReport, Spool, SpooledTurn, replay, replay_one, spool_failures

__all__ = ["ReplayReport", "Spool", "SpooledTurn", "replay", "replay_one", "spool_failures"]
