"""Notifications are mailed through SMTP when it is configured (a local SMTP peer here)."""

from __future__ import annotations

import dataclasses
import email
import socketserver
import threading
from datetime import date
from email.policy import default

import pytest

from core.settings import get_settings
from models.notifications import service as notifications
from models.notifications.tables import Notification
from models.vocabulary import Role
from tests.world import build_world, make_account

pytestmark = pytest.mark.anyio


class _SMTPPeer(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept messages: what it received goes to ``server.messages``."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 test")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 test")
            elif command == "DATA":
                self.reply("354 go on")
                body = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body += chunk
                self.server.messages.append(email.message_from_bytes(body, policy=default))
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_peer(monkeypatch):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPPeer)
    server.messages = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=server.server_address[1])
    monkeypatch.setattr(notifications, "get_settings", lambda: settings)
    yield server
    server.shutdown()
    server.server_close()


async def test_new_notifications_are_mailed_once(db, smtp_peer):
    world = await build_world()
    await make_account("giamdoc@syt.example.vn", Role.UNIT_HEAD, world.unit_b)
    assert await notifications.sweep_tasks(date(2024, 4, 2)) == 2  # head_b and the mailed head
    assert len(smtp_peer.messages) == 1  # head_b's username is not an address
    message = smtp_peer.messages[0]
    assert message["To"] == "giamdoc@syt.example.vn"
    assert message["Subject"] == "Nhiệm vụ VII.1 đã quá hạn (31/03/2024)"
    mailed = await Notification.select(Notification.mailed_at).where(Notification.mailed_at.is_not_null())
    assert len(mailed) == 1
    assert await notifications.sweep_tasks(date(2024, 4, 3)) == 0 and len(smtp_peer.messages) == 1
