"""The models behind the stages: the NLI scorer, the sentence encoder and the attribution tagger,
with one loader and one batching helper."""
