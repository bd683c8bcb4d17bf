"""`make run-cluster`: Redis, Postgres, N app hosts and nginx on this machine, until Ctrl-C.

    python -m devservers.run_cluster [--hosts 2] [--workers 2] [--port 8080]

Prints the load balancer's URL (the API and the built frontend, which every host serves)
and each host's own URL; Ctrl-C (or SIGTERM) stops everything it started. Settings in
the environment (LLM_PROVIDER, OPENAI_API_KEY, ...) reach every host, except those the
cluster itself decides (where Redis, Postgres and each host's data live, the JWT key).
"""

from __future__ import annotations

import argparse
import os
import signal
import tempfile
from pathlib import Path

from backend.app.config import Settings
from devservers.cluster import start_cluster

# Settings the cluster sets for its hosts; the environment cannot move them elsewhere.
CLUSTER_OWNED = {
    "APP_ENV",
    "DATA_DIR",
    "REDIS_URL",
    "DATABASE_URL",
    "CHECKPOINT_URL",
    "JWT_SECRET_KEY",
    "METRICS_TOKEN",
    "WEB_CONCURRENCY",
    "TRUSTED_PROXY_HOPS",
}


def environment_overrides() -> dict[str, str]:
    """Settings named in this process's environment that the hosts should use as they are."""
    return {
        name: value
        for name, value in os.environ.items()
        if name in Settings.model_fields and name not in CLUSTER_OWNED
    }


def main() -> None:
    """Start the cluster, print where it is, and stop it on Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=2, help="app hosts (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gevent workers per host")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080)")
    args = parser.parse_args()
    # SIGTERM stops the cluster the same way Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    workdir = Path(tempfile.mkdtemp(prefix="tutor-cluster-"))
    print(f"Starting Redis, Postgres, {args.hosts} hosts and nginx (files in {workdir})...")
    cluster = start_cluster(
        workdir,
        hosts=args.hosts,
        workers=args.workers,
        env={"OFFLINE_LLM_TOKENS_PER_SECOND": "40", **environment_overrides()},
        port=args.port,
    )
    try:
        print(f"\nThe tutor: {cluster.url}  (round robin over the hosts below)")
        for host in cluster.hosts:
            print(f"  {host.name}: {host.url}  log: {host.log_path}")
        print(f"  redis: {cluster.redis.url}\n  postgres: {cluster.env['DATABASE_URL']}")
        print("Ctrl-C stops everything.")
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping the cluster...")
        cluster.stop()


if __name__ == "__main__":
    main()
