"""Classification metrics (accuracy, the confusion matrix, per-class recall, precision-recall
curves and average precision), regression errors (MAE, RMSE) and the book's rule for comparing
arms over seeds.

Each family lives in its own module (``dlbook.metrics.classification``, ``.regression`` and
``.seeds``); import them from here."""

from __future__ import annotations

from dlbook.metrics.classification import (
    accuracy,
    average_precision,
    confusion_matrix,
    per_class_recall,
    precision_recall_curve,
)
from dlbook.metrics.regression import mae, rmse
from dlbook.metrics.seeds import SeedComparison, compare_seeds

__all__ = ["accuracy", "confusion_matrix", "per_class_recall", "precision_recall_curve",
           "average_precision", "mae", "rmse", "compare_seeds", "SeedComparison"]
