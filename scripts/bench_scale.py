"""`scripts/bench --scale`: how each command's cost grows with the table. The same
commands over 1,000 of one user's records, then 200,000 rows (20,000 of the user's),
then 1,000,000 rows (100,000 of the user's), each table with one record of 10,000
versions; small documents (the bundled example, trimmed to about 3 KB).

A table a row per operation and a column per size; "growth" is the largest size's figure
over the smallest's (for qa --all, documents per second: below 1 is slower).

    scripts/bench --scale            # 1,000 / 200,000 / 1,000,000 rows (about 20 minutes)
    scripts/bench --scale --quick    # 1,000 / 100,000 rows
"""

import json
import statistics
import sys
import time

VERSIONS = 10_000


def user_share(rows):
    """Every how-many-th row is the user's: all of 1,000; a tenth of larger tables."""
    return 1 if rows <= 1_000 else 10


def small_document(root):
    """The bundled example without its long texts: a valid document of about 3 KB."""
    document = json.loads((root / "examples" / "structured_output.json").read_text())
    document["requirement_evidence_map"] = document["requirement_evidence_map"][:1]
    document["tailored_resume_text"]["ats_plain_text"] = "JANE DOE\nSUMMARY\nData engineer."
    document["ui"]["preview"]["live_preview_text"] = ""
    document["cover_note"]["body"] = "Dear hiring team, ..."
    return document


def load(run, psql, url, rows, user, document, env):
    """`rows` records, without the indexes while they load (then each built again as the
    migrations made it), vacuumed and analysed as a table in use is; and one record of
    the user's with 10,000 versions. Returns that record's id."""
    indexes = run([psql, "-X", "-At", url, "-c",
                   "SELECT indexname || '|' || indexdef FROM pg_indexes "
                   "WHERE tablename = 'optimized_resumes' "
                   "AND indexname <> 'optimized_resumes_pkey'"], env).stdout.decode()
    indexes = [line.split("|", 1) for line in indexes.splitlines() if line]
    share = user_share(rows)
    middle = rows // 2 - (rows // 2) % share
    statements = [f"DROP INDEX {name}" for name, _ in indexes] + [
        "INSERT INTO optimized_resumes (user_id, original_resume_id, job_analysis_id, "
        "title, optimized_content, structured_output, version, updated_at) "
        f"SELECT CASE WHEN g % {share} = 0 THEN '{user}' ELSE 'user-' || (g % 1000) END, "
        "gen_random_uuid(), gen_random_uuid(), "
        f"CASE WHEN g = {middle} THEN 'Quetzalcoatl wrangler' ELSE 'Scale record ' || g END, "
        "'Plain text resume ' || g || ': data engineer, SQL, pipelines', "
        "jsonb_set(jsonb_set($doc$" + json.dumps(document) + "$doc$::jsonb, "
        "'{analysis,job_title}', to_jsonb('Job ' || g)), '{analysis,must_have_skills}', "
        "jsonb_build_array('skill-' || (g % 997), 'skill-' || (g % 13))), 1, "
        f"now() - make_interval(secs => {rows} - g) "
        f"FROM generate_series(1, {rows}) g"] + [definition for _, definition in indexes]
    run([psql, "-X", "-q", url, "-c", "; ".join(statements)], env)
    record = run([psql, "-X", "-At", url, "-c",
                  f"SELECT id FROM optimized_resumes WHERE user_id = '{user}' "
                  "ORDER BY updated_at LIMIT 1"], env).stdout.decode().strip()
    run([psql, "-X", "-q", url, "-c",
         "INSERT INTO optimized_resume_versions (resume_id, version, structured_output, "
         "optimized_content, note, created_at) "
         f"SELECT r.id, v, r.structured_output, r.optimized_content, 'version ' || v, "
         f"now() - make_interval(secs => {VERSIONS} - v) "
         f"FROM optimized_resumes r, generate_series(1, {VERSIONS - 1}) v "
         f"WHERE r.id = '{record}'; "
         "INSERT INTO optimized_resume_versions (resume_id, version, note) "
         f"VALUES ('{record}', {VERSIONS}, 'current'); "
         f"UPDATE optimized_resumes SET version = {VERSIONS} WHERE id = '{record}'"], env)
    run([psql, "-X", "-q", url, "-c", "VACUUM ANALYZE"], env)
    return record


def median_wall(command, env, run, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run(command, env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(binary, env, run, runs, rows, user, versioned, document_path, console):
    """Every operation's median wall time at this size (qa: documents per second)."""
    bin_ = str(binary)
    share = user_share(rows)
    users_rows = rows // share
    # A record of the user's other than the versioned one, and a cursor 90% of the way
    # down the user's listing.
    some = json.loads(run([bin_, "list", "--limit", "1", "--offset", str(users_rows // 3)],
                          env).stdout)[0]
    deep = json.loads(run([bin_, "list", "--limit", "1", "--offset",
                           str(users_rows * 9 // 10)], env).stdout)[0]["cursor"]
    contains = '{"analysis":{"must_have_skills":["skill-7"]}}'
    cases = [
        ("get ID", [bin_, "get", some["id"]]),
        ("save ID (3 KB document)", [bin_, "save", some["id"], str(document_path)]),
        ("list, first page (--limit 20)", [bin_, "list", "--limit", "20"]),
        ("list, a page 90% deep (--after)", [bin_, "list", "--limit", "20", "--after", deep]),
        ("list --contains (GIN)", [bin_, "list", "--limit", "20", "--contains", contains]),
        ("list --search (one match)", [bin_, "list", "--limit", "20", "--search",
                                       "quetzalcoatl"]),
        (f"history, first page of {VERSIONS:,} versions",
         [bin_, "history", versioned]),
    ]
    figures = {}
    for name, command in cases:
        figures[name] = median_wall(command, env, run, runs)
    # Where the first page's time goes, and the plan it ran (for what does not hold).
    timed = run(cases[2][1], dict(env, RESUMECTL_TIMINGS="1")).stderr.decode()
    plan = run([bin_, "list", "--limit", "20", "--explain"], env).stdout.decode()
    plan += run([bin_, "list", "--limit", "20", "--after", deep, "--explain"],
                env).stdout.decode()
    print(f"scale, {rows:,} rows, list's first page and a deep one: "
          + "; ".join(line for line in timed.splitlines() if line.startswith("timings"))
          + "\n" + plan, file=sys.stderr)
    started = time.perf_counter()
    run([bin_, "qa", "--all"], env)  # no threshold is given: anything but 0 is a failure
    figures["qa --all (documents/s)"] = users_rows / (time.perf_counter() - started)
    # The newest record's title (the saves above made one of them the newest).
    newest = json.loads(run([bin_, "list", "--limit", "1"], env).stdout)[0]["title"]
    figures["browse, first screen (80x24)"] = console.first_screen(binary, env, newest,
                                                                   min(runs, 10))
    return figures


TARGETS = {
    "get ID": 1.25,
    "save ID (3 KB document)": 1.25,
    "list, first page (--limit 20)": 1.25,
    "list, a page 90% deep (--after)": 1.25,
    "list --contains (GIN)": 2.0,
    "list --search (one match)": 2.0,
}


def rows(run, psql, binary, server, env, user, root, quick, runs):
    console = __import__("bench_console")  # scripts/ is on the path (scripts/bench)
    sizes = [1_000, 100_000] if quick else [1_000, 200_000, 1_000_000]
    document = small_document(root)
    document_path = root / "target" / "bench-scale-document.json"
    document_path.write_text(json.dumps(document))
    results = {}
    for size in sizes:
        database = f"bench_scale_{size}"
        run([psql, "-X", "-q", server.url("postgres"), "-c", f"CREATE DATABASE {database}"],
            env)
        url = server.url(database)
        size_env = dict(env, DATABASE_URL=url, RESUMECTL_USER=user)
        run([str(binary), "migrate"], size_env)
        print(f"scale: loading {size:,} rows ({size // user_share(size):,} of the user's)...",
              file=sys.stderr)
        started = time.perf_counter()
        versioned = load(run, psql, url, size, user, document, env)
        print(f"scale: loaded in {time.perf_counter() - started:.0f} s; measuring...",
              file=sys.stderr)
        results[size] = measure(binary, size_env, run, runs, size, user, versioned,
                                document_path, console)
        run([psql, "-X", "-q", server.url("postgres"), "-c", f"DROP DATABASE {database}"],
            env)
    report(results, sizes)


def report(results, sizes):
    first, last = sizes[0], sizes[-1]
    print("\n| operation | " + " | ".join(f"{size:,} rows" for size in sizes)
          + " | growth | target | met |")
    print("|---|" + "---|" * (len(sizes) + 3))
    for name in results[first]:
        cells = []
        for size in sizes:
            value = results[size][name]
            cells.append(f"{value:,.0f} docs/s" if "documents/s" in name
                         else f"{value * 1e3:.1f} ms")
        if "documents/s" in name:
            growth, target = results[last][name] / results[first][name], ">= 2,000 docs/s"
            met = all(results[size][name] >= 2000 for size in sizes)
        elif name.startswith("history"):
            growth = results[last][name] / results[first][name]
            ratio = results[last][name] / results[last]["get ID"]
            target, met = f"<= 3x a get ({ratio:.1f}x)", ratio <= 3
        else:
            growth = results[last][name] / results[first][name]
            limit = TARGETS.get(name)
            target = f"<= {limit}x" if limit else "context"
            met = growth <= limit if limit else "context"
        verdict = met if isinstance(met, str) else ("yes" if met else "NO")
        print(f"| {name} | " + " | ".join(cells) + f" | {growth:.2f}x | {target} | {verdict} |")
