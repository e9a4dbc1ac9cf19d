"""Log-in flood against a real `digitize serve` (the tests' station helper): 40 failed log-ins at once
under 40 different names, from one client address and from 40 addresses (127.0.0.x, so the address
throttle does not apply), against a single failed log-in. Figures: wall time and the growth of the
server's peak resident memory (VmHWM), each scenario on a fresh server."""
from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

FLOOD = 40


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _attempt(station, i: int, address: str | None) -> int:
    with station.client(address=address) as c:
        return c.post("/api/session", json={"username": f"khong-co-{i}", "password": "mat-khau-doan"}).status_code


def _scenario(tmp: Path, name: str, count: int, spread: bool) -> dict:
    from support.station import start_station

    station = start_station(tmp / name)
    try:
        with station.client() as c:  # warm: the app and its first request, not counted
            c.get("/login").raise_for_status()
        before = _peak_mib(station.proc.pid)
        t = time.perf_counter()
        with ThreadPoolExecutor(count) as pool:
            codes = list(pool.map(lambda i: _attempt(station, i, f"127.0.0.{10 + i}" if spread else None),
                                  range(count)))
        seconds = time.perf_counter() - t
        grown = _peak_mib(station.proc.pid) - before
    finally:
        station.stop()
    return {"log_ins": count, "seconds": round(seconds, 2), "peak_rss_growth_mib": round(grown, 1),
            "answers": {str(code): codes.count(code) for code in sorted(set(codes))}}


def bench_login() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        single = _scenario(Path(tmp), "single", 1, False)
        one_address = _scenario(Path(tmp), "one-address", FLOOD, False)
        many_addresses = _scenario(Path(tmp), "many-addresses", FLOOD, True)
    base_s, base_mib = max(single["seconds"], 1e-3), max(single["peak_rss_growth_mib"], 1.0)
    return {
        "single_failed_login": single,
        "flood_one_address": one_address,
        "flood_40_addresses": many_addresses,
        "ratios": {"one_address_time_vs_single": round(one_address["seconds"] / base_s, 1),
                   "one_address_memory_vs_single": round(one_address["peak_rss_growth_mib"] / base_mib, 2),
                   "40_addresses_time_vs_single": round(many_addresses["seconds"] / base_s, 1),
                   "40_addresses_memory_vs_single": round(many_addresses["peak_rss_growth_mib"] / base_mib, 2)},
    }


if __name__ == "__main__":
    import json

    print(json.dumps(bench_login(), indent=2))
