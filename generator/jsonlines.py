"""One JSON object per line over a socket: how `insights search` talks to its server.

The client (launch.py) runs before anything else is imported, and the json and socket modules
import enum and re, which cost more than the rest of the client. So this module uses json's C
parts directly: its string encoder, and its scanner, which reads JSON as json.loads does.
Messages hold text, whole numbers, true/false/null, lists and objects; never pickled objects.
"""

from __future__ import annotations

try:
    from _json import encode_basestring_ascii, make_scanner

    AVAILABLE = True
except ImportError:  # not CPython: the client does without the server
    AVAILABLE = False

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def send(sock: Any, message: dict[str, Any]) -> None:
    """Send one message as a line of JSON."""
    sock.sendall(dumps(message).encode("ascii") + b"\n")


def dumps(value: Any) -> str:
    """JSON of the values messages hold (text, whole numbers, true/false/null, lists, objects),
    ASCII only, as json.dumps writes it without spaces."""
    if isinstance(value, str):
        return str(encode_basestring_ascii(value))
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, list | tuple):
        return "[" + ",".join(map(dumps, value)) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot send {type(value).__name__} values")


class _Options:
    """What json's C scanner reads from its decoder: json.loads' defaults."""

    strict = True
    object_hook = object_pairs_hook = None
    parse_float, parse_int = float, int

    @staticmethod
    def parse_constant(name: str) -> float:
        return float(name.replace("Infinity", "inf"))


def _scanner() -> Any:
    """json's C scanner with json.loads' options (typeshed types its argument as a scanner)."""
    return make_scanner(_Options())  # type: ignore[arg-type]


_SCAN: Any = _scanner() if AVAILABLE else None


def loads(text: str) -> Any:
    """The value of one JSON text, as json.loads reads it; ValueError if it is not one."""
    try:
        value, end = _SCAN(text, 0)
    except StopIteration:
        raise ValueError("not JSON") from None
    if end != len(text):
        raise ValueError("extra data after the JSON value")
    return value


class Lines:
    """Read JSON lines from a socket, each at most `limit` bytes (ValueError if longer)."""

    def __init__(self, sock: Any, limit: int) -> None:
        self.sock = sock
        self.limit = limit
        self.buffer = bytearray()

    def read(self) -> dict[str, Any]:
        """The next message; ValueError if it is not a JSON object or the peer hung up first."""
        searched = 0
        while (end := self.buffer.find(b"\n", searched)) < 0:
            if len(self.buffer) > self.limit:
                raise ValueError("message too long")
            searched = len(self.buffer)
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ValueError("connection closed")
            self.buffer += chunk
        message = loads(self.buffer[:end].decode("utf-8"))
        del self.buffer[: end + 1]
        if not isinstance(message, dict):
            raise ValueError("not a message")
        return message
