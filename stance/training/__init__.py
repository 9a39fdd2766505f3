"""Training recipes: the NLI cross-encoder, the attribution tagger, and the pairs they are built from."""
