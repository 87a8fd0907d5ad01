"""Daily analytics over the stored turns: the report (``report``), its CloudWatch metrics
(``metrics``), its HTML page (``html``), the ``python -m runtime analytics`` command (``cli``)
and the scheduled Lambda that publishes it (``job``)."""
