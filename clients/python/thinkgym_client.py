"""Synchronous Python client for ``thinkgym serve``, standard library only.

``ThinkgymClient`` speaks OpenEnv's WebSocket protocol at ``/ws`` (one env session per
connection) over a minimal RFC 6455 client built on ``socket``; ``HttpClient`` uses the
session-keeping ``POST /reset`` / ``POST /step`` routes through ``urllib``.

    from thinkgym_client import ThinkgymClient
    with ThinkgymClient("http://127.0.0.1:8000", env="maze-v0") as env:
        result = env.reset(seed=0)
        result = env.step({"tool_call": {"name": "move", "arguments": {"direction": "down"}}})
"""

from __future__ import annotations

import base64
import json
import os
import socket
import ssl
import struct
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Union

__all__ = ["StepResult", "ThinkgymClient", "HttpClient", "ServerError", "tool_call"]

IMAGE_PLACEHOLDER = "<image>"


class ServerError(RuntimeError):
    """An error reply of the server: ``code`` is one of OpenEnv's codes (``CAPACITY_REACHED``...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class StepResult:
    """A reset or step result: the observation (``text`` with ``<image>`` placeholders,
    ``images``, ``terminated``, ``truncated``, ``turn``, ``info``), the reward and ``done``."""

    observation: Dict[str, Any]
    reward: Optional[float]
    done: bool
    session_id: Optional[str] = None
    _base_url: str = field(default="", repr=False)

    @property
    def text(self) -> str:
        """The observation text, ``<image>`` where each image stands."""
        return self.observation.get("text", "")

    def image_bytes(self) -> List[bytes]:
        """The PNG bytes of each image, in order (fetching URL-mode images from the server)."""
        result = []
        for image in self.observation.get("images", []):
            if "data" in image:
                result.append(base64.b64decode(image["data"]))
            else:
                url = urllib.parse.urljoin(self._base_url + "/", image["url"].lstrip("/"))
                with urllib.request.urlopen(url, timeout=60) as response:
                    result.append(response.read())
        return result

    def content_parts(self) -> List[Dict[str, Any]]:
        """The observation as chat content parts: ``{"type": "text"}`` and ``{"type": "image", "image": bytes}``
        in order (``image`` is a PIL image when Pillow is installed)."""
        pieces = self.text.split(IMAGE_PLACEHOLDER)
        images = self.image_bytes()
        parts: List[Dict[str, Any]] = []
        for index, piece in enumerate(pieces):
            if piece.strip():
                parts.append({"type": "text", "text": piece.strip("\n")})
            if index < len(pieces) - 1 and index < len(images):
                parts.append({"type": "image", "image": to_pil(images[index])})
        return parts


def to_pil(png: bytes) -> Any:
    """A PIL image of PNG bytes when Pillow is installed, else the bytes unchanged."""
    try:
        from io import BytesIO

        from PIL import Image  # type: ignore

        return Image.open(BytesIO(png))
    except ImportError:
        return png


def tool_call(name: str, **arguments: Any) -> Dict[str, Any]:
    """The action that calls tool ``name`` with ``arguments``."""
    return {"tool_call": {"name": name, "arguments": arguments}}


def _action(action: Union[str, Dict[str, Any]]) -> Dict[str, Any]:
    # A string is a raw model turn, parsed by the server like the episode loop does.
    return {"text": action} if isinstance(action, str) else action


def _result(data: Dict[str, Any], base_url: str, session_id: Optional[str] = None) -> StepResult:
    return StepResult(data["observation"], data.get("reward"), bool(data.get("done")), session_id, base_url)


class _WebSocket:
    """A minimal RFC 6455 client: text frames, masking, fragmentation, ping/pong and close."""

    def __init__(self, url: str, timeout: float) -> None:
        parsed = urllib.parse.urlsplit(url)
        secure = parsed.scheme == "wss"
        host = parsed.hostname or "127.0.0.1"
        port = parsed.port or (443 if secure else 80)
        raw = socket.create_connection((host, port), timeout=timeout)
        self.sock = ssl.create_default_context().wrap_socket(raw, server_hostname=host) if secure else raw
        self.buffer = b""
        key = base64.b64encode(os.urandom(16)).decode()
        path = parsed.path + ("?" + parsed.query if parsed.query else "")
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        head = self._read_until(b"\r\n\r\n")
        status = head.split(b"\r\n", 1)[0].decode(errors="replace")
        if " 101 " not in status + " ":
            raise ConnectionError(f"WebSocket upgrade refused: {status}")
        import hashlib

        expected = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        if expected not in head:
            raise ConnectionError("WebSocket upgrade answered with a wrong Sec-WebSocket-Accept")

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def _read(self, count: int) -> bytes:
        while len(self.buffer) < count:
            self._fill()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        length = len(payload)
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", length)
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload)) if length < 4096 else _mask(payload, mask)
        self.sock.sendall(header + mask + masked)

    def send_text(self, text: str) -> None:
        self._send_frame(0x1, text.encode("utf-8"))

    def receive_text(self) -> str:
        """The next text message (control frames handled on the way)."""
        message = b""
        while True:
            first, second = self._read(2)
            opcode = first & 0x0F
            length = second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(length)
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                reason = payload[2:].decode("utf-8", errors="replace")
                raise ConnectionError(f"the server closed the WebSocket ({code}: {reason})")
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            message += payload
            if first & 0x80:
                return message.decode("utf-8")

    def close(self) -> None:
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        self.sock.close()


def _mask(payload: bytes, mask: bytes) -> bytes:
    # XOR by whole integers: fast enough for megabytes without third-party packages.
    repeated = (mask * (len(payload) // 4 + 1))[: len(payload)]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(repeated, "little")).to_bytes(len(payload), "little")


class ThinkgymClient:
    """OpenEnv-style WebSocket client: one env session for the life of the connection.

    ``base_url`` is the server's ``http://`` (or ``ws://``) address; ``env`` picks the env a reset
    without ``env`` plays.
    """

    def __init__(self, base_url: str = "http://127.0.0.1:8000", env: Optional[str] = None, timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        ws_url = self.base_url.replace("https://", "wss://").replace("http://", "ws://") + "/ws"
        if env is not None:
            ws_url += "?" + urllib.parse.urlencode({"env": env})
        self._socket = _WebSocket(ws_url, timeout)

    def _request(self, message: Dict[str, Any], expected: str) -> Dict[str, Any]:
        self._socket.send_text(json.dumps(message))
        reply = json.loads(self._socket.receive_text())
        if reply.get("type") == "error":
            raise ServerError(reply["data"].get("code", "ERROR"), reply["data"].get("message", ""))
        if reply.get("type") != expected:
            raise ServerError("PROTOCOL", f"expected a {expected} message, got {reply.get('type')}")
        return reply.get("data") or {}

    def reset(self, seed: int = 0, env: Optional[str] = None, options: Optional[Dict[str, Any]] = None, **fields: Any) -> StepResult:
        """Starts an episode; ``fields`` may hold ``episode_id``, ``images`` ("inline"/"url"), ``format``."""
        data: Dict[str, Any] = {"seed": seed, **fields}
        if env is not None:
            data["env"] = env
        if options is not None:
            data["options"] = options
        return _result(self._request({"type": "reset", "data": data}, "observation"), self.base_url)

    def step(self, action: Union[str, Dict[str, Any]]) -> StepResult:
        """Applies an action: a dict (``{"tool_call": {...}}``, ``{"answer": ...}``) or raw model text."""
        return _result(self._request({"type": "step", "data": _action(action)}, "observation"), self.base_url)

    def call(self, name: str, **arguments: Any) -> StepResult:
        """Calls one tool of the env."""
        return self.step(tool_call(name, **arguments))

    def state(self) -> Dict[str, Any]:
        """The session's state (``episode_id``, ``step_count``, ``env``, ``seed``, ``done``...)."""
        return self._request({"type": "state"}, "state")

    def mcp(self, method: str, params: Optional[Dict[str, Any]] = None, request_id: int = 1) -> Dict[str, Any]:
        """A JSON-RPC call (``tools/list``, ``tools/call``) on this connection's session."""
        return self._request({"type": "mcp", "data": {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params or {}}}, "mcp")

    def close(self) -> None:
        """Ends the session and the connection."""
        try:
            self._socket.send_text(json.dumps({"type": "close"}))
        except OSError:
            pass
        self._socket.close()

    def __enter__(self) -> "ThinkgymClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class HttpClient:
    """Session-keeping HTTP client: ``reset`` opens a session, later calls reuse its id."""

    def __init__(self, base_url: str = "http://127.0.0.1:8000", env: Optional[str] = None, timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.env = env
        self.timeout = timeout
        self.session_id: Optional[str] = None

    def _call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            try:
                detail = json.loads(error.read())["error"]
            except (ValueError, KeyError, TypeError):
                raise ServerError(str(error.code), error.reason) from None
            raise ServerError(detail.get("code", str(error.code)), detail.get("message", "")) from None

    def get(self, path: str) -> Dict[str, Any]:
        """A GET of a JSON route (``/health``, ``/metadata?env=...``, ``/schema``)."""
        return self._call("GET", path)

    def reset(self, seed: int = 0, env: Optional[str] = None, options: Optional[Dict[str, Any]] = None, **fields: Any) -> StepResult:
        """Starts an episode (in a new session the first time)."""
        body: Dict[str, Any] = {"seed": seed, **fields}
        if env or self.env:
            body["env"] = env or self.env
        if options is not None:
            body["options"] = options
        if self.session_id is not None:
            body["session_id"] = self.session_id
        data = self._call("POST", "/reset", body)
        self.session_id = data["session_id"]
        return _result(data, self.base_url, self.session_id)

    def step(self, action: Union[str, Dict[str, Any]]) -> StepResult:
        """Applies an action in the session."""
        if self.session_id is None:
            raise ServerError("SESSION_ERROR", "call reset() first")
        return _result(self._call("POST", "/step", {"session_id": self.session_id, "action": _action(action)}), self.base_url, self.session_id)

    def call(self, name: str, **arguments: Any) -> StepResult:
        """Calls one tool of the env."""
        return self.step(tool_call(name, **arguments))

    def state(self) -> Dict[str, Any]:
        """The session's state."""
        return self._call("GET", "/state?" + urllib.parse.urlencode({"session_id": self.session_id or ""}))

    def close(self) -> None:
        """Closes the session (if any)."""
        if self.session_id is not None:
            try:
                self._call("POST", "/close", {"session_id": self.session_id})
            except ServerError:
                pass
            self.session_id = None

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
