#!/usr/bin/env python3
"""What SQLite alone costs per stored message on this machine: the floor under the history log.

    scripts/bench/sqlite_floor.py [--rows 10000] [--per-commit 55 200 1000] [--synchronous FULL]

Creates the history log's event table with its indexes (schema v2: the row and the
conversation index for a channel message) in a temporary file, in WAL mode, and inserts
channel messages of 100 bytes in transactions of N rows, each transaction one SQL statement
that generates its rows, so no per-row work of any client library or language is counted.
Prints the process's CPU time per row (user and system: the WAL's writes and fsyncs).

SecureChat's writer does at least this work per message, plus binding its values. A
fanout message reaches 99 recipients, so each microsecond here is about 10 ns of server CPU
per delivery; compare it with fanout's figure with history off.
"""
import argparse
import os
import resource
import sqlite3
import tempfile

SCHEMA = """
CREATE TABLE event (seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, kind INTEGER NOT NULL,
    source TEXT NOT NULL, sender TEXT NOT NULL, senderKey TEXT NOT NULL, account TEXT,
    target TEXT NOT NULL, targetKey TEXT NOT NULL, isDirect INTEGER NOT NULL,
    conversation TEXT NOT NULL, text TEXT NOT NULL, clientTags TEXT NOT NULL);
CREATE INDEX event_by_conversation ON event (conversation, time, seq);
CREATE INDEX event_direct_by_sender ON event (senderKey, time) WHERE isDirect = 1;
CREATE INDEX event_direct_by_target ON event (targetKey, time) WHERE isDirect = 1;
"""

# Rows first..<last of one transaction: ten senders in one channel, 14 messages a millisecond.
INSERT = """
INSERT INTO event WITH RECURSIVE c(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM c WHERE i + 1 < ?)
SELECT i, 1700000000000 + i / 14, 0, 'user' || (i % 10) || '!user@127.0.0.1', 'user' || (i % 10),
    'user' || (i % 10), 'user' || (i % 10), '#bench', '#bench', 0, '#bench', printf('%0100d', i), ''
FROM c
"""


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def run(rows, per_commit, synchronous):
    with tempfile.TemporaryDirectory() as directory:
        db = sqlite3.connect(os.path.join(directory, "history.sqlite"), isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(f"PRAGMA synchronous = {synchronous}")
        db.executescript(SCHEMA)
        user0, system0 = cpu_seconds()
        for first in range(0, rows, per_commit):
            db.execute("BEGIN IMMEDIATE")
            db.execute(INSERT, (first, min(rows, first + per_commit)))
            db.execute("COMMIT")
        user1, system1 = cpu_seconds()
        stored = db.execute("SELECT count(*) FROM event").fetchone()[0]
        db.close()
    if stored != rows:
        raise SystemExit(f"sqlite_floor.py: stored {stored} rows, expected {rows}")
    user, system = (user1 - user0) * 1e6 / rows, (system1 - system0) * 1e6 / rows
    print(f"{per_commit:>5} rows a commit, synchronous={synchronous}: "
          f"{user + system:5.2f} µs CPU per row (user {user:.2f}, system {system:.2f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--per-commit", type=int, nargs="+", default=[55, 200, 1000])
    parser.add_argument("--synchronous", choices=["FULL", "NORMAL"], default="FULL")
    arguments = parser.parse_args()
    if arguments.rows < 1 or any(n < 1 for n in arguments.per_commit):
        parser.error("--rows and --per-commit take positive numbers")
    print(f"SQLite {sqlite3.sqlite_version}, {arguments.rows} channel messages per run")
    for per_commit in arguments.per_commit:
        run(arguments.rows, per_commit, arguments.synchronous)


if __name__ == "__main__":
    main()
