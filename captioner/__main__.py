import sys

from serving.rnnapp import main

sys.exit(main(["caption", *sys.argv[1:]], prog="python -m captioner"))
