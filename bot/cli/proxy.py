"""A round-robin HTTP reverse proxy in front of several Rasa processes (aiohttp).

`make run WORKERS=2` runs it as its own process (`python -m bot.cli.proxy --port 5005 URL URL`); the
replica tests run it in a background thread (`RoundRobinProxy(...).start()`). Production puts nginx
there instead (docs/deploy/nginx.conf).

Each request goes to the next replica in turn, whatever the conversation (no sticky sessions: the
shared lock store serialises a conversation's messages, and a conversation survives hopping between
replicas). The replica that served it is named in the `X-Replica` response header."""

import argparse
import asyncio
import itertools
import sys
import threading
from typing import List, Optional

import aiohttp
from aiohttp import web

MAX_BODY = 1_000_000  # as the Rasa server behind it (bot/cli/serve.py RASA_REQUEST_MAX_SIZE)
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "content-encoding"}


class RoundRobinProxy:
    def __init__(self, upstreams: List[str], port: int) -> None:
        self.upstreams = upstreams
        self.port = port
        self._turn = itertools.count()
        self._lock = threading.Lock()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None
        self._session: Optional[aiohttp.ClientSession] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _next(self) -> int:
        with self._lock:
            return next(self._turn) % len(self.upstreams)

    async def _forward(self, request: web.Request) -> web.Response:
        index = self._next()
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            async with self._session.request(request.method, self.upstreams[index] + request.path_qs,
                                             headers=headers, data=body) as answer:
                payload = await answer.read()
                out = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
                out["X-Replica"] = str(index)
                return web.Response(status=answer.status, body=payload, headers=out)
        except aiohttp.ClientError as exc:
            return web.Response(status=502, text=f"replica {index}: {type(exc).__name__}",
                                headers={"X-Replica": str(index)})

    def app(self) -> web.Application:
        """The proxy's application; its client session opens and closes with it."""
        async def client_session(_: web.Application):
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))
            yield
            await self._session.close()

        app = web.Application(client_max_size=MAX_BODY)
        app.cleanup_ctx.append(client_session)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        return app

    def start(self) -> "RoundRobinProxy":
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)

            async def setup() -> None:
                self._runner = web.AppRunner(self.app())
                await self._runner.setup()
                await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

            self._loop.run_until_complete(setup())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, daemon=True, name="round-robin-proxy")
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is None:
            return

        async def cleanup() -> None:
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Répartit les requêtes entre plusieurs serveurs Rasa, à tour de rôle.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("upstreams", nargs="+", help="http://127.0.0.1:PORT de chaque serveur Rasa")
    args = parser.parse_args(argv)
    web.run_app(RoundRobinProxy(args.upstreams, args.port).app(), host="127.0.0.1", port=args.port,
                print=None, handle_signals=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
