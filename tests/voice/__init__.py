"""Voice: Assist's intents, the tools of language-model assistants, aliases and exposure."""
