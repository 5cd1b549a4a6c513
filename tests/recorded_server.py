"""A local HTTP server on 127.0.0.1 that answers with recorded responses, so
tests of the watched sources never reach the internet. Each test says what
each path answers (`server.answer(path, body, ...)`) and may change it
between runs, as the world outside changes between checks. Fetching from it
needs the test-only setting FETCH_ALLOW_LOOPBACK_FOR_TESTS."""

import http.server
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

# shutdown() returns at serve_forever's next poll: half a second by default,
# paid by every test that stops a server.
POLL_SECONDS = 0.01


@contextmanager
def local_http_server(handler):
    """A ThreadingHTTPServer on 127.0.0.1 (a free port) answering with
    `handler` (a BaseHTTPRequestHandler class) while the block runs."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True).start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


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
        self.httpd = None
        self._running = ExitStack()

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
        self.httpd = self._running.enter_context(local_http_server(self._handler_class()))
        return self

    def __exit__(self, *exc):
        self._running.close()
