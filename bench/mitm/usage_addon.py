"""mitmdump addon for the Tokentap benchmark: what mitmproxy-based token trackers do, done the cheap way.

- Routes requests for api.anthropic.com to the benchmark's loopback upstream (BENCH_UPSTREAM_PORT), the way
  Tokentap's upstream override does, so both proxies do the same work: CONNECT, TLS on both sides, forward.
- Streams server-sent events through (flow.response.stream) and scans the passing chunks for usage, so the client
  gets every chunk as it arrives; a plain JSON response is read whole (mitmproxy buffers it) and its usage parsed.
- Appends one JSON line per response with usage to BENCH_USAGE_LOG, as a store would.

Run by bench/Tokentap.Bench (scenario "proxy"); not part of Tokentap.
"""
import json
import os

UPSTREAM_PORT = int(os.environ["BENCH_UPSTREAM_PORT"])
LOG = open(os.environ["BENCH_USAGE_LOG"], "a", buffering=1)  # line-buffered: each record is written at once


def record(usage, model):
    LOG.write(json.dumps({"model": model, "usage": usage}) + "\n")


class SseUsageTap:
    """Passes chunks through untouched; keeps only the current partial line to find data: lines with usage."""

    def __init__(self):
        self.partial = b""
        self.usage = {}
        self.model = None

    def __call__(self, chunk):
        if chunk == b"":
            record(self.usage, self.model)
            return chunk
        data = self.partial + chunk
        lines = data.split(b"\n")
        self.partial = lines.pop()
        if len(self.partial) > 1 << 20:
            self.partial = b""
        for line in lines:
            if line.startswith(b"data:") and b'"usage"' in line:
                try:
                    event = json.loads(line[5:])
                except ValueError:
                    continue
                message = event.get("message") or {}
                self.model = message.get("model", self.model)
                self.usage.update(message.get("usage") or event.get("usage") or {})
        return chunk


class BenchAddon:
    def request(self, flow):
        if flow.request.pretty_host == "api.anthropic.com":
            flow.request.host = "127.0.0.1"
            flow.request.port = UPSTREAM_PORT

    def responseheaders(self, flow):
        content_type = flow.response.headers.get("content-type", "")
        if content_type.startswith("text/event-stream") or content_type.startswith("application/octet-stream"):
            flow.response.stream = SseUsageTap()

    def response(self, flow):
        if flow.response.stream:
            return
        try:
            body = json.loads(flow.response.content or b"{}")
        except ValueError:
            return
        if isinstance(body, dict) and "usage" in body:
            record(body["usage"], body.get("model"))

    def done(self):
        LOG.flush()


addons = [BenchAddon()]
