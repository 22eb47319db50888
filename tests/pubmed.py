"""PubMed's esummary as a loopback server answering from recorded answers, so the lookup makes a
real HTTP request in tests without reaching NCBI."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

RECORDED = Path(__file__).parent / "fixtures" / "pubmed"


def recorded_answer(pmid: str) -> dict:
    """esummary's answer for this ID: the recorded one, or the one for an ID PubMed lacks."""
    path = RECORDED / f"esummary-{pmid}.json"
    if path.exists():
        return json.loads(path.read_text())
    return {
        "header": {"type": "esummary", "version": "0.3"},
        "result": {
            "uids": [pmid],
            pmid: {"uid": pmid, "error": "cannot get document summary"},
        },
    }


class RecordedPubMed:
    """Serves recorded answers at `url`; `asked` holds each request's query, one value a key.
    Set `outage` to a status and an HTML page to answer that instead, as a failing server does."""

    def __init__(self):
        self.asked: list[dict[str, str]] = []
        self.outage: tuple[int, str] | None = None
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                query = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
                stand_in.asked.append(query)
                status, kind = 200, "application/json; charset=UTF-8"
                body = json.dumps(recorded_answer(query.get("id", ""))).encode()
                if stand_in.outage:
                    status, kind = stand_in.outage[0], "text/html; charset=UTF-8"
                    body = stand_in.outage[1].encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # quiet: pytest shows what matters
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        host, port = self.server.server_address[:2]
        self.url = f"http://{host}:{port}/entrez/eutils/esummary.fcgi"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
