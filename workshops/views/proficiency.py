"""Workshop list and overview, rounds, the proficiency form and the console."""

urls: list = []
