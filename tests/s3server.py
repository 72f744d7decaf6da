"""An S3-compatible server on loopback for tests (moto's server mode, in a thread of the test
process): the S3 storage tests and the two-host test talk to it over HTTP, as to MinIO or AWS.

    with running_s3_server() as s3:
        s3.make_bucket("photos")
        config = {"UPLOAD_DIR": "s3://photos/site", **s3.settings}
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from moto.server import ThreadedMotoServer

from marketplace.storage import s3_client


@dataclass
class S3Server:
    endpoint_url: str

    @property
    def settings(self) -> dict[str, str]:
        """The app settings (and environment variables) that point at this server."""
        return {"S3_ENDPOINT_URL": self.endpoint_url, "AWS_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing-secret-key"}

    def client(self):
        return s3_client(self.settings)

    def make_bucket(self, name: str | None = None) -> str:
        name = name or f"chq-{secrets.token_hex(6)}"
        self.client().create_bucket(Bucket=name)
        return name


@contextmanager
def running_s3_server() -> Iterator[S3Server]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield S3Server(f"http://{host}:{port}")
    finally:
        server.stop()
