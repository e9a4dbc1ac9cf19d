"""Where the project, the shared corpus and the committed samples are."""
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLES = REPO / "samples"
