"""Amazon DynamoDB Local (DESIGN 7): fetched once into .cache/, one process per test session.

The npm package `amplify-dynamodb-simulator` ships Amazon's own emulator jar; `npm pack`
fetches just that tarball, and only its `emulator/` folder is unpacked.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import tarfile
import tempfile
import time
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from devservers.ports import free_port, stop_process

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO_ROOT / ".cache" / "dynamodb-local"
NPM_PACKAGE = "amplify-dynamodb-simulator@2.9.30"
# DynamoDB Local 1.25.1 as shipped in that package version; a different jar is refused.
JAR_SHA256 = "454305e9bc3e6ebcca5b62569869e31563b8d7e346474e94557b2600702146c7"
READY_TIMEOUT_SECONDS = 30


def ensure_emulator() -> Path:
    """The unpacked `emulator/` folder, fetched with npm on first use (once, under a lock)."""
    emulator = CACHE_DIR / "emulator"
    if (emulator / "DynamoDBLocal.jar").exists():
        return emulator
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with (CACHE_DIR / ".lock").open("w") as lock:
        # Parallel test runs wait here for whichever fetches first.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (emulator / "DynamoDBLocal.jar").exists():
            _fetch_emulator(emulator)
    return emulator


def _fetch_emulator(target: Path) -> None:
    if shutil.which("npm") is None:
        pytest.fail("npm is needed once to fetch DynamoDB Local (see `make test-tools`).")
    with tempfile.TemporaryDirectory(dir=CACHE_DIR) as tmp:
        work = Path(tmp)
        subprocess.run(
            ["npm", "pack", NPM_PACKAGE, "--silent"],
            cwd=work, check=True, capture_output=True, timeout=600,
        )  # fmt: skip
        tarball = next(work.glob("*.tgz"))
        with tarfile.open(tarball) as archive:
            members = [m for m in archive.getmembers() if m.name.startswith("package/emulator/")]
            archive.extractall(work / "unpacked", members=members, filter="data")
        unpacked = work / "unpacked" / "package" / "emulator"
        digest = hashlib.sha256((unpacked / "DynamoDBLocal.jar").read_bytes()).hexdigest()
        if digest != JAR_SHA256:
            pytest.fail(f"DynamoDBLocal.jar from {NPM_PACKAGE} has an unexpected sha256 {digest}")
        # One rename publishes the folder whole: a reader never sees half of it.
        unpacked.rename(target)


class DynamoDBLocal:
    """One DynamoDB Local process on a loopback port; `stop()` and `start()` reuse the port."""

    def __init__(self, emulator: Path, log_dir: Path, shared_db: bool = True) -> None:
        self.emulator = emulator
        # -sharedDb: one database for every access key and region (else one per pair).
        self.shared_db = shared_db
        self.port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"dynamodb-local-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start in memory (empty, no tables) and wait until it answers."""
        if self.running:
            return
        # DynamoDB Local has no bind-address option: it listens on every interface. Tests
        # only ever reach it through 127.0.0.1.
        command = [
            "java", f"-Djava.library.path={self.emulator / 'DynamoDBLocal_lib'}",
            "-jar", str(self.emulator / "DynamoDBLocal.jar"),
            "-inMemory", "-port", str(self.port), "-disableTelemetry",
        ] + (["-sharedDb"] if self.shared_db else [])  # fmt: skip
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(
                command, cwd=self.log_path.parent, stdout=log_file, stderr=subprocess.STDOUT
            )
        self._wait_until_ready()

    def stop(self) -> None:
        """Stop the process (by its pid) and wait for it to exit."""
        if self.process is None:
            return
        stop_process(self.process, timeout=10)
        self.process = None

    @property
    def running(self) -> bool:
        """True while the process is alive."""
        return self.process is not None and self.process.poll() is None

    def client(self):
        """A low-level client for test set-up and inspection (no retries, short timeouts)."""
        return boto3.session.Session().client(
            "dynamodb",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=3),
        )

    def _wait_until_ready(self) -> None:
        client = self.client()
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"DynamoDB Local exited:\n{self.log_path.read_text()}")
            try:
                client.list_tables(Limit=1)
                return
            except (BotoCoreError, ClientError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"DynamoDB Local did not answer:\n{self.log_path.read_text()}")


@pytest.fixture(scope="session")
def dynamodb_local(tmp_path_factory):
    """A running DynamoDB Local for the whole session; stopped at its end."""
    if shutil.which("java") is None:
        pytest.fail("Java 17 is needed for DynamoDB Local: run `make test-tools` first.")
    server = DynamoDBLocal(ensure_emulator(), tmp_path_factory.mktemp("dynamodb-local"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def dynamodb_settings(make_settings, dynamodb_local):
    """Settings for the DynamoDB problem store, with a table name unique to this test."""

    def factory(**overrides):
        dynamodb_local.start()  # a test that stopped it may have failed before restarting
        values = {
            "PROBLEM_STORE": "dynamodb",
            "DYNAMODB_ENDPOINT_URL": dynamodb_local.endpoint_url,
            "PROBLEMS_TABLE_NAME": f"Problems-{uuid.uuid4().hex[:12]}",
            "AWS_REGION": "us-east-1",
            "DYNAMODB_TIMEOUT_SECONDS": 2.0,
            **overrides,
        }
        return make_settings(**values)

    return factory
