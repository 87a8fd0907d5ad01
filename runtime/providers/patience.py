"""The patience: how long a turn waits for the clouds once the embedded models could answer.

Each call has its own deadline (Lex 5 s, Dialogflow 5 s, Azure 3 s) and the hedge
(:mod:`runtime.providers.hedge`) covers one slow cloud; but when every cloud is late, the user
would wait for the longest deadline although the embedded NLU had a confident reading a few
milliseconds after being asked. The patience bounds that wait by what is useful:

- **NLU.** Once ``nlu.delay_s()`` has passed since the turn started, if no cloud has answered
  confidently and the embedded NLU is confident (an intent other than ``FallbackIntent`` with a
  calibrated confidence at or over the threshold), its reading is the answer and the turn is
  degraded. An embedded NLU that is not confident changes nothing: the turn waits for the clouds
  up to their deadlines, then falls back as it always did.
- **Sentiment.** Once ``sentiment.delay_s()`` has passed, if Azure has not answered, the embedded
  lexicon labels the message (degraded too).

Both are derived from what the clouds did lately, not fixed: the NLU's patience is the 95th
percentile of recent turns' time to their first confident cloud answer, × 1.2; the sentiment's the
same over Azure's answers. Times run from the start of the turn, so a Dialogflow answer that came
after the hedge delay counts with it, and the patience leaves room for the hedge to work. A
healthy but slow day raises the patience with it (up to the ceiling), so the clouds keep
answering; a fast day lowers it to the floor, which keeps one jitter from handing a turn to the
embedded model. Calls the turn stopped waiting for run on to their own deadlines in the background
and still give samples (and still count for the breakers and the hedge), so the patience follows
the clouds even while the embedded model answers for them; a cloud that hangs gives no samples
and leaves the patience where it was. With no samples yet (a cold start) the patience is the
ceiling: the clouds are trusted until they are known.

The ceiling is the longest a user waits when the embedded model has a confident answer: clouds
whose 95th percentile is above ceiling / 1.2 see their slowest turns answered by the embedded
model, and the ``AnsweredByPatience`` share (and its alarm) shows it.
"""

from __future__ import annotations

from runtime.providers.hedge import ObservedDelay

PERCENTILE = 0.95
MARGIN = 1.2
WINDOW = 100
MIN_SAMPLES = 5


class Patience:
    """The NLU's and the sentiment's patience, each derived from observed latency and clamped.

    ``nlu`` observes, per turn, the time from the start to the first confident cloud NLU answer;
    ``sentiment`` the time from the start to Azure's answer.
    """

    def __init__(
        self,
        *,
        floor_s: float,
        ceiling_s: float,
        window: int = WINDOW,
        min_samples: int = MIN_SAMPLES,
    ) -> None:
        """Raises ``ValueError`` unless ``0 <= floor_s <= ceiling_s``."""
        if not 0 <= floor_s <= ceiling_s:
            raise ValueError("the patience needs 0 <= floor_s <= ceiling_s")
        self.floor_s = floor_s
        self.ceiling_s = ceiling_s
        self.nlu = self._estimator(window, min_samples)
        self.sentiment = self._estimator(window, min_samples)

    def _estimator(self, window: int, min_samples: int) -> ObservedDelay:
        return ObservedDelay(
            percentile=PERCENTILE,
            margin=MARGIN,
            floor_s=self.floor_s,
            ceiling_s=self.ceiling_s,
            initial_s=self.ceiling_s,
            window=window,
            min_samples=min_samples,
        )
