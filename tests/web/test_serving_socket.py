"""The socket `fonds serve --workers N` shares with its workers (web/serving.listening_socket):
each connection accepted on it sends without Nagle's delay, as the one-process server's do.

Without it a keep-alive client waited about 40 ms for every response after the first on a
connection (the response's second write held back until the client's delayed ACK)."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from fonds.web.serving import listening_socket


def test_connections_accepted_by_workers_send_without_delay() -> None:
    config = uvicorn.Config("fonds.web.serving:worker_app", factory=True, workers=2, host="127.0.0.1", port=0,
                            log_level="warning")
    sock = listening_socket(config)
    try:
        assert sock.proto == socket.IPPROTO_TCP  # asyncio sets TCP_NODELAY only on sockets that say so
        sock.listen()
        port = sock.getsockname()[1]

        async def accepted_nodelay() -> int:
            """Serve on the socket as a worker does (asyncio.start_server) and read the option of
            the connection the server side accepted."""
            seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

            async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                seen.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                writer.close()

            server = await asyncio.start_server(on_connect, sock=sock)
            async with server:
                _, client = await asyncio.open_connection("127.0.0.1", port)
                value = await asyncio.wait_for(seen, 10)
                client.close()
                return value

        assert asyncio.run(accepted_nodelay()) != 0
    finally:
        sock.close()
