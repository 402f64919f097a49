"""A real local HTTP server that speaks just enough of the chat-completions
protocol to test the LLM judge, with a script of how to answer each request."""

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# What the server can be told to do with the next request.
OK = "ok"  # a verdict for every pair in the request
RATE_LIMIT = "rate_limit"  # 429 with Retry-After: retry_after (0 unless set)
SLOW = "slow"  # answer only after the client has given up
NOT_JSON = "not_json"  # a completion whose content is not JSON
WRONG_SHAPE = "wrong_shape"  # JSON content without a "verdicts" list
SERVER_ERROR = "server_error"  # 500
UNAUTHORIZED = "unauthorized"  # 401, which no retry mends


class ChatServer:
    def __init__(self, slow_seconds: float = 1.5) -> None:
        self.slow_seconds = slow_seconds
        self.retry_after = "0"
        self.requests: list[dict] = []
        self.verdicts: dict[str, tuple[str, str]] = {}
        self._script: deque = deque()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    def script(self, *behaviours) -> None:
        """Queue how to answer the next requests; once the queue is empty, OK.

        A behaviour is one of the names above, or a dict sent back verbatim as the
        completion's JSON content."""
        self._script.extend(behaviours)

    def next_behaviour(self, payload: dict):
        with self._lock:
            self.requests.append(payload)
            return self._script.popleft() if self._script else OK

    def pairs(self, payload: dict) -> list[dict]:
        user = next(m for m in payload["messages"] if m["role"] == "user")
        return json.loads(user["content"])["pairs"]

    def reply_content(self, payload: dict) -> dict:
        verdicts = []
        for pair in self.pairs(payload):
            verdict, rationale = self.verdicts.get(
                pair["key"], ("match", f"The duty covers {pair['capability']}.")
            )
            verdicts.append(
                {"key": pair["key"], "verdict": verdict, "rationale": rationale}
            )
        return {"verdicts": verdicts}

    def start(self) -> None:
        # A short poll interval keeps stop(), and so each test, quick.
        threading.Thread(
            target=self._httpd.serve_forever, args=(0.02,), daemon=True
        ).start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args) -> None:
                pass  # keep the test output quiet

            def do_POST(self) -> None:
                if self.path != "/v1/chat/completions":
                    self.send_json(404, {"error": {"message": "Not found"}})
                    return
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length))
                behaviour = server.next_behaviour(payload)

                if behaviour == RATE_LIMIT:
                    error = {"error": {"message": "Slow down", "type": "rate_limit"}}
                    self.send_json(429, error, {"Retry-After": server.retry_after})
                elif behaviour == UNAUTHORIZED:
                    self.send_json(401, {"error": {"message": "Bad key"}})
                elif behaviour == SERVER_ERROR:
                    self.send_json(500, {"error": {"message": "Boom"}})
                elif behaviour == NOT_JSON:
                    self.send_completion(payload, "not json")
                elif behaviour == WRONG_SHAPE:
                    self.send_completion(payload, json.dumps({"answer": "match"}))
                elif isinstance(behaviour, dict):
                    self.send_completion(payload, json.dumps(behaviour))
                else:
                    if behaviour == SLOW:
                        time.sleep(server.slow_seconds)
                    content = json.dumps(server.reply_content(payload))
                    self.send_completion(payload, content)

            def send_completion(self, payload: dict, content: str) -> None:
                self.send_json(
                    200,
                    {
                        "id": "chatcmpl-test",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": payload.get("model", ""),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": content},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {
                            "prompt_tokens": 1,
                            "completion_tokens": 1,
                            "total_tokens": 2,
                        },
                    },
                )

            def send_json(self, status: int, body: dict, headers=None) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and went away

        return Handler


@pytest.fixture
def chat_server():
    server = ChatServer()
    server.start()
    yield server
    server.stop()
