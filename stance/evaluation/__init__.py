"""`stance eval`: labelled pairs, NLI sets, document stances and PolNeAR attribution."""
