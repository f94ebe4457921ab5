import sys

from serving.rnnapp import main

sys.exit(main(prog="python -m textmodels"))
