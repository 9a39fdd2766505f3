"""The runtime pipeline, one module per stage: corpus -> sentences -> claims (attribution, cues,
speakers) -> pairs -> scores (judge) -> matrices -> report; targets scores documents against --target claims."""
