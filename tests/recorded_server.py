"""A local HTTP server on 127.0.0.1 that answers with recorded responses, so
tests of the watched sources never reach the internet. Each test says what
each path answers (`server.answer(path, body, ...)`) and may change it
between runs, as the world outside changes between checks. Fetching from it
needs the test-only setting FETCH_ALLOW_LOOPBACK_FOR_TESTS."""

import http.server
import threading
import time
from dataclasses import dataclass


@dataclass
class Answer:
    body: bytes
    status: int = 200
    content_type: str = "application/octet-stream"
    delay: float = 0.0  # seconds before answering
    trickle: bool = False  # one byte every 0.05 s, never finishing within a short limit


class RecordedServer:
    def __init__(self):
        self.answers = {}
        self.requests = []
        handler = self._handler_class()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, path, body, *, status=200, content_type="application/octet-stream", delay=0.0, trickle=False):
        if isinstance(body, str):
            body = body.encode()
        self.answers[path] = Answer(body, status, content_type, delay, trickle)

    def _handler_class(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                answer = server.answers.get(self.path) or Answer(b"not here", 404, "text/plain")
                if answer.delay:
                    time.sleep(answer.delay)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                try:
                    if answer.trickle:
                        for byte in answer.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(0.05)
                    else:
                        self.wfile.write(answer.body)
                except OSError:
                    pass  # the client gave up, as it should

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
