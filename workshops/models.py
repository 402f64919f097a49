# Workshops, rounds and answers arrive with the Delphi workshops issue.
