"""`python -m textmodels sentiment|nextword|generate ...`: the same as `rnnapp sentiment|nextword|generate ...`."""
