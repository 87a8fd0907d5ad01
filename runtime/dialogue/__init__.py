"""The conversation: the dialogue manager (``manager``) decides each reply from the session's
state and what the NLU understood; ``fulfilment`` answers a task once its slots are filled."""
