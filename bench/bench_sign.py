"""Signing and verification timings: PAdES B-B with the demo key (stamp on), per document, and `verify` per file."""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def bench_signing(pdf_paths, repeat: int = 3) -> dict:
    """Sign each PDF `repeat` times and verify each signed copy; seconds per document / per file."""
    import logging

    from digitize.signing.signers import SignerSpec, open_signer
    from digitize.stages.sign import SignOptions, sign_pdf
    from digitize.verify.files import verify_file

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    paths = [Path(p) for p in pdf_paths]
    with tempfile.TemporaryDirectory() as tmp:
        keys = Path(tmp) / "keys"
        signer = open_signer(SignerSpec.parse("demo"), keys)
        sign_times, verify_times, sizes, verdicts = [], [], [], {}
        for i, path in enumerate(paths):
            data = path.read_bytes()
            for _ in range(repeat):
                t = time.perf_counter()
                signed, _ = sign_pdf(data, signer, SignOptions(organisation="Bộ phận Một cửa (DEMO)"))
                sign_times.append(time.perf_counter() - t)
            out = Path(tmp) / f"{i}.pdf"
            out.write_bytes(signed)
            sizes.append(len(signed) - len(data))
            for _ in range(repeat):
                t = time.perf_counter()
                verdict = verify_file(out, [keys / "demo-root.crt.pem"])
                verify_times.append(time.perf_counter() - t)
            verdicts[verdict.verdict.value] = verdicts.get(verdict.verdict.value, 0) + 1
    return {
        "documents": len(paths),
        "sign_seconds_per_document": round(statistics.median(sign_times), 4),
        "sign_seconds_max": round(max(sign_times), 4),
        "verify_seconds_per_file": round(statistics.median(verify_times), 4),
        "verify_seconds_max": round(max(verify_times), 4),
        "signature_bytes_added_median": int(statistics.median(sizes)),
        "verdicts": verdicts,
    }


if __name__ == "__main__":
    import json

    corpus = REPO.parent / "shared" / "corpus" / "pdfa"
    # the 6-1-12 files carry signatures of their own (the PDF/A signature rules under test)
    files = sys.argv[1:] or sorted(str(p) for p in corpus.glob("PDFA-2b_*-pass-*.pdf") if "6-1-12" not in p.name)
    print(json.dumps(bench_signing(files), indent=1))
