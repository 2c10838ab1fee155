"""A query worker process: ``python -m aigovkg.worker FD PATH ro|rw``, started by the engine (engine.py).

It opens the on-disk store at PATH (read-only, or read-write for ``rw``) and answers the jobs that come
over the socket FD until the socket closes.
"""

from __future__ import annotations

import socket
import sys

from aigovkg.engine import worker_main

if __name__ == "__main__":
    worker_main(socket.socket(fileno=int(sys.argv[1])), sys.argv[2], sys.argv[3] == "rw")
