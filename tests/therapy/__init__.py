"""The rules on plain data, without Home Assistant: sessions, history, the log, phases, pain."""
