"""stance: contradiction and stance detection across documents.

Pipeline stages, one module each: corpus -> claims -> pairs -> scores -> matrices -> report.
"""
from stance.errors import StanceError
from stance.pipeline import RunResult, analyze, extract, load_config, run
from stance.models.factory import load_scorer
from stance.models.scorer import HFNLIScorer, Scorer

__version__ = "0.1.0"
__all__ = ["run", "analyze", "extract", "load_config", "RunResult", "Scorer", "HFNLIScorer", "load_scorer", "StanceError"]
