"""An assessment's results as the app reads them: the stored snapshot of a submitted assessment
or results computed now, with their citations (selectors.py), and the gaps as CSV (gaps_csv.py).

The results themselves are `assessments.scoring.results.Results`.
"""

from .selectors import results_for_assessment

__all__ = ["results_for_assessment"]
