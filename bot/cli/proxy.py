"""A round-robin HTTP reverse proxy for the replica tests (aiohttp, in a background thread).

Each request goes to the next replica in turn, whatever the conversation (no sticky sessions: the
point is that a conversation survives hopping between replicas). The replica that served it is
named in the `X-Replica` response header."""

import asyncio
import itertools
import threading
from typing import List, Optional

import aiohttp
from aiohttp import web

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

    def start(self) -> "RoundRobinProxy":
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)

            async def setup() -> None:
                self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))
                app = web.Application()
                app.router.add_route("*", "/{tail:.*}", self._forward)
                self._runner = web.AppRunner(app)
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
            await self._session.close()
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
