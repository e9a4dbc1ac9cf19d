"""Where the project, the shared corpus and the committed samples are."""
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
# resolved, like every path the pipeline records: ../shared may be reached through a symbolic link
CORPUS = (REPO.parent / "shared" / "corpus").resolve()
SAMPLES = REPO / "samples"
