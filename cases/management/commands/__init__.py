"""Management commands of the cases app: the demo data loader and the synthetic data generator."""
