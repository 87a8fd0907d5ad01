"""Cloud providers behind the runtime's seams: Lex V2 and Dialogflow ES (NLU), Azure Language
(sentiment), OpenWeather (weather), Secrets Manager (their keys), and the orchestrator that runs
them in parallel with deadlines, hedging, circuit breakers and embedded fallbacks.

Nothing here is imported by the embedded default: :mod:`runtime.providers.factory` builds what
the settings enable. SDK imports are deferred to the modules (and, for Google and Azure, to the
first call) that need them, so a disabled or not-yet-needed cloud costs no start-up time.
"""
