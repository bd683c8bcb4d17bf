"""The scripted fake OpenAI server for the benchmarks, in a process of its own, on gevent.

Started by `stream_latency.FakeProcess` (`python -m benchmarks.fake_llm_server FD`) and
driven over the connection on file descriptor FD: it sends its base URL, then answers
one command at a time until `stop`. The server's threads run as greenlets: with a thread
per stream, 200 streams at 50 chunks/s queued for one interpreter lock, wrote their chunks
in bunches and fell seconds behind their schedule, which measured the fake, not the app.
"""

from gevent import monkey

monkey.patch_all()  # before anything else is imported: threads and sockets cooperate

import sys  # noqa: E402
import time  # noqa: E402
from multiprocessing.connection import Connection  # noqa: E402

from gevent.socket import wait_read  # noqa: E402

from tests.fakes.openai_server import FakeOpenAIServer  # noqa: E402
from tests.fakes.scripts import Script  # noqa: E402


def _records(fake: FakeOpenAIServer) -> list[dict]:
    return [
        {
            "content": r.script.content if r.script else "",
            "scripted": r.script_index is not None,
            "stream": r.stream,
            "received_at": r.received_at,
            "chunks": [(len(c.text), c.monotonic) for c in r.chunks],
        }
        for r in fake.requests
    ]


def serve(conn: Connection) -> None:
    """Serve a FakeOpenAIServer and answer the parent's commands until `stop`."""
    fake = FakeOpenAIServer().start()
    conn.send(fake.base_url)
    while True:
        wait_read(conn.fileno())  # a plain read would hold every stream of the fake
        command, *args = conn.recv()
        if command == "script":
            contents, chunk_size, chunk_delay = args
            fake.script_many(
                Script(content=c, chunk_size=chunk_size, chunk_delay=chunk_delay) for c in contents
            )
            conn.send(None)
        elif command == "default":
            fake.set_default(Script(content=args[0]))
            conn.send(None)
        elif command == "wait_idle":
            deadline = time.monotonic() + args[0]
            while time.monotonic() < deadline and not all(r.finished for r in fake.requests):
                time.sleep(0.05)
            conn.send(all(r.finished for r in fake.requests))
        elif command == "count_requests":
            conn.send(len(fake.requests))
        elif command == "count_streams":
            conn.send(sum(1 for record in fake.requests if record.stream))
        elif command == "take_records":
            records, pending = _records(fake), fake.pending
            fake.reset()
            conn.send((records, pending))
        elif command == "stop":
            fake.stop()
            conn.send(None)
            return


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])))
