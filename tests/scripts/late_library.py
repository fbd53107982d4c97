# Loads a C library after the capture started (sqlite3 is not imported at
# start-up): the payload's dlopen hook must patch it, so that SQLite's own
# mallocs are seen under the Python function that drove it.
import sqlite3


def use_sqlite():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (b BLOB)")
    db.executemany("INSERT INTO t VALUES (?)",
                   [(bytes(1000),) for _ in range(3000)])
    return db


if __name__ == "__main__":
    keep = use_sqlite()
    print("rows", keep.execute("SELECT count(*) FROM t").fetchone()[0])
