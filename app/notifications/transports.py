"""Channel transports: SMTP email, HTTP gateways for SMS/WhatsApp, and the recording transport."""
from __future__ import annotations

import json
import logging
import smtplib
import sys
import urllib.request
from email.message import EmailMessage

log = logging.getLogger("satupintu.notifications")


class RecordingTransport:
    """Default when a channel has no gateway: the message stays in the outbox (readable in the app) and is logged."""

    def send(self, note) -> None:
        from app.audit.service import mask_contact

        # Personal data stays out of logs: the recipient is masked, the outbox row has it in full.
        log.info("notification %s to %s: %s", note.channel, mask_contact(note.recipient), note.subject)


class ConsoleTransport(RecordingTransport):
    """Development (`make run`, OUTBOX_CONSOLE=1): the whole message is also printed to the console.

    A newcomer without a mail server reads the verification code or the reset link right there, or on the
    administrators' outbox page. Never on in production: the console is not a place for personal data.
    """

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, note) -> None:
        super().send(note)
        stream = self.stream or sys.stdout
        rule = "-" * 72
        stream.write(f"\n{rule}\n[outbox #{note.id}] {note.channel} to {note.recipient}\n"
                     f"Subject: {note.subject}\n\n{note.body}\n{rule}\n")
        stream.flush()


class SmtpTransport:
    """Email through an SMTP server."""

    def __init__(self, host: str, port: int, sender: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False):
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls = username, password, starttls

    def send(self, note) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = note.recipient
        message["Subject"] = note.subject
        message["X-SatuPintu-Notification"] = str(note.id)
        message.set_content(note.body)
        with smtplib.SMTP(self.host, self.port, timeout=15) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


class HttpGatewayTransport:
    """SMS/WhatsApp through a gateway that accepts a JSON POST {"to", "message", "channel", "reference"}."""

    def __init__(self, url: str, token: str | None = None, channel: str = "sms"):
        self.url, self.token, self.channel = url, token, channel

    def send(self, note) -> None:
        if not note.recipient:
            raise ValueError("no phone number")
        body = json.dumps({"to": note.recipient, "message": f"{note.subject}\n{note.body}"[:1000],
                           "channel": self.channel, "reference": str(note.id)}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - configured gateway URL
            if response.status >= 300:
                raise RuntimeError(f"gateway answered {response.status}")


def for_channel(channel: str, config) -> object:
    """The transport configured for a channel."""
    if channel == "email" and config.get("SMTP_HOST"):
        return SmtpTransport(config["SMTP_HOST"], int(config.get("SMTP_PORT", 25)), config["MAIL_SENDER"],
                             config.get("SMTP_USERNAME"), config.get("SMTP_PASSWORD"),
                             bool(config.get("SMTP_STARTTLS")))
    if channel == "sms" and config.get("SMS_GATEWAY_URL"):
        return HttpGatewayTransport(config["SMS_GATEWAY_URL"], config.get("SMS_GATEWAY_TOKEN"), "sms")
    if channel == "whatsapp" and config.get("WHATSAPP_GATEWAY_URL"):
        return HttpGatewayTransport(config["WHATSAPP_GATEWAY_URL"], config.get("WHATSAPP_GATEWAY_TOKEN"), "whatsapp")
    return ConsoleTransport() if config.get("OUTBOX_CONSOLE") else RecordingTransport()
