"""What Assist and language models are given: answers, questions, the pad by voice, tools, aliases."""
