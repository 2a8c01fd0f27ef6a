"""The risk app: the risk methodology (scale, factors), immediate-action assessments, risk
evaluation studies and re-evaluations."""
