"""`scripts/bench --only browse`: the support console's first screen over a table of
50,000 of the user's records (among 100,000 rows), and how long a key press takes to
redraw once the data is loaded. resumectl runs on a pseudo-terminal of 80x24, as a
person would start it; its output is read as it arrives.

- first screen: from starting the process to the newest record's title arriving on the
  terminal (connect, first page, first frame), median of the runs; psql's reference is
  the same page's query, run by psql from its start to its exit.
- key to redraw: from the key read to the frame written (RESUMECTL_TIMINGS=1 makes
  browse say it on exit), over a walk through the list and every view of a record.
"""

import fcntl
import os
import re
import select
import statistics
import struct
import subprocess
import termios
import time

ROWS = 100_000
USERS_SHARE = 2  # every 2nd row is the user's: 50,000 of them


def load(run, psql, url, user, example_json, env):
    run([psql, "-X", "-q", url, "-c",
         "INSERT INTO optimized_resumes (user_id, original_resume_id, job_analysis_id, "
         "title, optimized_content, structured_output, version, updated_at) "
         f"SELECT CASE WHEN g % {USERS_SHARE} = 0 THEN '{user}' ELSE 'user-' || (g % 1000) "
         "END, gen_random_uuid(), gen_random_uuid(), 'Bench record ' || g, "
         "'Plain text resume ' || g, jsonb_set($doc$" + example_json + "$doc$::jsonb, "
         "'{qa,scores,keyword_coverage_0_to_100}', to_jsonb(g % 101)), 1, "
         f"now() - make_interval(secs => {ROWS} - g) "
         f"FROM generate_series(1, {ROWS}) g; ANALYZE optimized_resumes;"], env)


def start(binary, env, args=("browse",)):
    """resumectl on a new 80x24 pseudo-terminal; returns (process, master fd)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def controlling_terminal():
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen([str(binary), *args], stdin=slave, stdout=slave, stderr=slave,
                               env=dict(env, TERM="xterm-256color"), start_new_session=True,
                               preexec_fn=controlling_terminal)
    os.close(slave)
    return process, master


def read_until(master, seen, needle, timeout=30.0):
    """Reads the terminal's output into `seen` until it holds `needle`."""
    deadline = time.perf_counter() + timeout
    while needle not in seen:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise SystemExit(f"bench: browse never showed {needle!r}")
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            try:
                seen.extend(os.read(master, 65536))
            except OSError:
                break
    return seen


def pump(master, seen, seconds):
    """Reads what arrives for `seconds`: a terminal nobody reads fills up, and the program
    then waits in its writes (which would be timed as a slow redraw)."""
    deadline = time.perf_counter() + seconds
    while (left := deadline - time.perf_counter()) > 0:
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            try:
                seen.extend(os.read(master, 65536))
            except OSError:
                return


def finish(process, master, seen):
    """Types q until it exits; returns everything it wrote."""
    for _ in range(5):
        os.write(master, b"q")
        try:
            process.wait(timeout=1)
            break
        except subprocess.TimeoutExpired:
            continue
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen.extend(chunk)
    os.close(master)
    return bytes(seen)


def first_screen(binary, env, newest, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        process, master = start(binary, env)
        seen = read_until(master, bytearray(), newest.encode())
        times.append(time.perf_counter() - started)
        finish(process, master, seen)
    return statistics.median(times)


def key_redraws(binary, env, newest):
    """Walks the list and each view; browse's own count of key-to-frame times."""
    process, master = start(binary, dict(env, RESUMECTL_TIMINGS="1"))
    seen = read_until(master, bytearray(), newest.encode())
    keys = [b"j"] * 40 + [b"k"] * 10 + [b"\x1b[6~"] * 3 + [b"\r"]
    for key in keys:
        os.write(master, key)
        pump(master, seen, 0.03)
    read_until(master, seen, b"SUMMARY")
    for key in [b"\x1b[B"] * 5 + [b"x", b"x", b"\t", b"\t", b"\t", b"\t", b"h", b"\x1b[B",
                b"\r", b"\x1b[B", b"\x1b", b"a", b"o", b"j", b"\x1b[6~", b"\x1b[6~", b"G",
                b"g", b"v", b"?", b"?"]:
        os.write(master, key)
        pump(master, seen, 0.06)
    output = finish(process, master, seen).decode("utf-8", "replace")
    found = re.search(r"browse: (\d+) keys redrawn, median ([\d.]+) ms, max ([\d.]+) ms",
                      output)
    print(found.group(0) if found else output[-400:], file=__import__("sys").stderr)
    if not found:
        raise SystemExit("bench: browse said nothing of its redraws")
    return int(found.group(1)), float(found.group(2)), float(found.group(3))


def rows(run, median_pair, binary, psql, server, env, user, root, runs):
    run([psql, "-X", "-q", server.url("postgres"), "-c", "CREATE DATABASE bench_browse"], env)
    url = server.url("bench_browse")
    browse_env = dict(env, DATABASE_URL=url, RESUMECTL_USER=user)
    run([str(binary), "migrate"], browse_env)
    example = (root / "examples" / "structured_output.json").read_text()
    print(f"loading {ROWS:,} rows for browse ({ROWS // USERS_SHARE:,} of the user's)...",
          file=__import__("sys").stderr)
    load(run, psql, url, user, example, env)
    newest = f"Bench record {ROWS}"
    ours = first_screen(binary, browse_env, newest, runs)
    query = ("SELECT id, title, version, updated_at, "
             "structured_output #> '{qa,scores,keyword_coverage_0_to_100}' "
             f"FROM optimized_resumes WHERE user_id = '{user}' "
             "ORDER BY updated_at DESC NULLS LAST, id LIMIT 100")
    _, theirs = median_pair([str(binary), "--version"], [psql, "-X", "-Atc", query, url],
                            browse_env, runs=runs)
    out = [(f"browse first screen, {ROWS // USERS_SHARE:,} of the user's records, 80x24",
            f"{ours * 1e3:.1f} ms", f"{theirs * 1e3:.1f} ms (the page's query)",
            ours / theirs, "< 300 ms", ours < 0.300)]
    count, median, most = key_redraws(binary, browse_env, newest)
    out.append((f"browse key to redraw, {count} keys (median; max {most:.2f} ms)",
                f"{median:.2f} ms", "one frame: 16 ms", median / 16.0, "< 16 ms",
                most < 16.0))
    return out
