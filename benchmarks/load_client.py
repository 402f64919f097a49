"""The timed client of dashboard_load.py: gunicorn on a free loopback port, GET
requests with a signed-in session cookie, timed body and all, and the
nearest-rank percentiles of what they took."""

import http.client
import random
import socket
import subprocess
import threading
import time
from collections import defaultdict

from support import start_gunicorn


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str, session: str) -> tuple[int, int, float]:
    """(status, bytes, seconds) of one GET, body read in full."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body), time.perf_counter() - started
    finally:
        connection.close()


def serve(port: int, workers: int) -> subprocess.Popen:
    """gunicorn on `port`, once it answers the sign-in page (20 s at most)."""
    server = start_gunicorn(port, workers)
    for _ in range(100):
        time.sleep(0.2)
        try:
            if fetch(port, "/accounts/login/", "")[0] == 200:
                return server
        except OSError:
            continue
    server.terminate()
    raise SystemExit("gunicorn did not answer within 20 s")


def warm_up(port: int, urls: list[tuple[str, str]], session: str) -> dict:
    """Each URL once, alone, in order: name → milliseconds. Any answer but 200
    stops the benchmark, since the timed rounds would measure an error page."""
    warm = {}
    for name, path in urls:
        status, _size, seconds = fetch(port, path, session)
        if status != 200:
            raise SystemExit(f"{name}: {path} answered {status}")
        warm[name] = 1000 * seconds
    return warm


def load(
    port: int,
    urls: list[tuple[str, str]],
    session: str,
    clients: int,
    rounds: int,
    seed: int,
) -> dict:
    """Every URL `rounds` times, in an order shuffled from `seed`, by `clients`
    threads: per URL name its seconds, last body size and non-200 answers, and
    the elapsed time of the whole load."""
    queue = [url for url in urls for _ in range(rounds)]
    random.Random(seed).shuffle(queue)
    lock = threading.Lock()
    found: dict = defaultdict(lambda: {"seconds": [], "bytes": 0, "errors": 0})

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                name, path = queue.pop()
            status, size, seconds = fetch(port, path, session)
            with lock:
                entry = found[name]
                entry["seconds"].append(seconds)
                entry["bytes"] = size
                entry["errors"] += status != 200

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"pages": found, "elapsed": time.perf_counter() - started}


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[max(0, round(share * len(ordered)) - 1)]
