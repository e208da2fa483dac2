"""An SMTP sink for bench/delivery.sh (aiosmtpd): counts accepted messages in a file and, when
given a delay, holds each DATA that long, like a slow or throttling server."""

import asyncio


class Sink:
    def __init__(self, counter_path, delay):
        self.counter_path = counter_path
        self.delay = delay
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 2:
            parser.error("Sink takes the counter file and the delay in seconds")
        return cls(args[0], float(args[1]))

    async def handle_DATA(self, server, session, envelope):
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        self.count += len(envelope.rcpt_tos)
        with open(self.counter_path, "w") as out:
            out.write(str(self.count))
        return "250 2.0.0 accepted"
