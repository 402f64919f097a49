# Provision, match runs and review decisions arrive with later issues.
