"""The gradient lab's numpy side: exact BPTT Jacobians, the sentiment GRU's gates, the training curves.

The curves themselves are made by `python -m training.train gradlab` (torch).
"""
