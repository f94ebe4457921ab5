"""The serving half: numpy, Pillow, sentencepiece and onnxruntime, never torch.

`artifact` reads (and, for training, writes) a model folder; `session` creates onnxruntime
sessions; one subpackage per model turns user input into results; `cli` is the `rnnapp` command.
"""
