"""A database that goes away, or stops answering, and comes back, as a site
process sees it: a TCP relay on loopback in front of the real test database,
and requests made the way gunicorn makes them.

For scripts run in a fresh interpreter (tests.core.test_database_failures'
run_site_python), which put the relay in front of the database before
Django reads DATABASE_URL:

    relay = Relay.in_front_of(sys.argv[1])  # sets DATABASE_URL to go through it
    django.setup()
    application = WSGIHandler()
    answer = get(application, "/articles/")

It imports nothing from Django or the site, so a script can import it first.
"""

import os
import socket
import threading
from urllib.parse import urlsplit
from wsgiref.util import setup_testing_defaults


class Relay:
    """Forwards bytes between the site and the database until told otherwise:

    - cut(): every connection is dropped and new ones are closed at once, as
      when the database server goes down (the client learns at once);
    - freeze(): nothing is forwarded either way, yet every socket stays open
      and new connections are accepted and then never forwarded, as when the
      server or a proxy hangs. The kernel still acknowledges every packet, so
      neither TCP keepalives nor a server-side timeout can end the wait;
    - restore() ends either."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.refusing = False
        self.thawed = threading.Event()
        self.thawed.set()
        self.open = []
        self.held = []  # connections accepted while frozen, never forwarded
        threading.Thread(target=self.accept, daemon=True).start()

    @classmethod
    def in_front_of(cls, database_url):
        """A relay to the database at `database_url`; DATABASE_URL is set to
        reach that database through it."""
        real = urlsplit(database_url)
        relay = cls(real.hostname, real.port or 5432)
        login = real.netloc.rsplit("@", 1)[0]
        os.environ["DATABASE_URL"] = real._replace(netloc=f"{login}@127.0.0.1:{relay.port}").geturl()
        return relay

    def accept(self):
        while True:
            client, _ = self.listener.accept()
            if self.refusing:
                client.close()
            elif not self.thawed.is_set():
                self.held.append(client)
            else:
                server = socket.create_connection(self.target)
                self.open += [client, server]
                for source, sink in ((client, server), (server, client)):
                    threading.Thread(target=self.pump, args=(source, sink), daemon=True).start()

    def pump(self, source, sink):
        try:
            while data := source.recv(65536):
                self.thawed.wait()  # frozen: what was read is held, not passed on
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            shut(end)

    def cut(self):
        self.refusing = True
        for end in self.open:
            shut(end)
        self.open = []

    def freeze(self):
        self.thawed.clear()

    def restore(self):
        self.refusing = False
        for client in self.held:
            client.close()
        self.held = []
        self.thawed.set()


def shut(end):
    try:
        end.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def get(application, path):
    """GET `path` from a WSGI `application` as gunicorn does: one call per
    request, then close(), which ends the request (and lets Django tidy its
    database connection)."""
    environ = {"PATH_INFO": path, "HTTP_HOST": "localhost"}
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["retry_after"] = dict(headers).get("Retry-After")

    body = application(environ, start_response)
    try:
        answer["body"] = b"".join(body).decode()
    finally:
        body.close()
    return answer
