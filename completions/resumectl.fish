# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_resumectl_global_optspecs
    string join \n database-url= user= config= format= no-input connect-timeout= statement-timeout= migration-database-url= max-input-size= h/help V/version
end

function __fish_resumectl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_resumectl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_resumectl_using_subcommand
    set -l cmd (__fish_resumectl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c resumectl -n "__fish_resumectl_needs_command" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_needs_command" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_needs_command" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_needs_command" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_needs_command" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_needs_command" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_needs_command" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_needs_command" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_needs_command" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c resumectl -n "__fish_resumectl_needs_command" -s V -l version -d 'Print version'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "migrate" -d 'Apply the embedded schema migrations (safe over the web application\'s table)'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "get" -d 'Print a record, or one column of it with --field'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "save" -d 'Validate a structured_output document and write it (update, or create with --new)'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "delete" -d 'Delete records (asks first on a terminal; --yes otherwise)'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "set-qa" -d 'Set a record\'s QA metrics from flags (merged) or from a file (replaced)'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "edit" -d 'Edit a record\'s structured_output in $VISUAL/$EDITOR, validated, conflict-safe'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "history" -d 'List a record\'s versions'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "diff" -d 'Show what changed in structured_output between two versions, as JSON paths'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "restore" -d 'Make an old version current again, as a new version'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "list" -d 'List records: search titles and text, find by document contents (--contains)'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "validate" -d 'Check documents offline with the validator save uses (no database needed)'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "schema" -d 'Print the JSON Schema (draft 2020-12) the validator is built from'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "export" -d 'Render a record as txt, md, html, docx, pdf or jsonresume (reuses an unchanged earlier export)'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "qa" -d 'Measure the quality figures (coverage, readability, duplicates, format compliance) from the document, with their evidence; --write keeps them; thresholds exit 8'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c resumectl -n "__fish_resumectl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l wait -d 'Retry connection failures for up to SECONDS while the database starts (CI steps)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l lock-timeout -d 'Give up after SECONDS waiting for another migration or a table lock' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -f -a "status" -d 'List applied and pending migrations and check the expected columns and indexes (exit 0 only when all are there, 7 otherwise)'
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and not __fish_seen_subcommand_from status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l wait -d 'Retry connection failures for up to SECONDS while the database starts (CI steps)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l lock-timeout -d 'Give up after SECONDS waiting for another migration or a table lock' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from status" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "status" -d 'List applied and pending migrations and check the expected columns and indexes (exit 0 only when all are there, 7 otherwise)'
complete -c resumectl -n "__fish_resumectl_using_subcommand migrate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c resumectl -n "__fish_resumectl_using_subcommand get" -l field -d 'Print only this column: JSON columns as JSON, text columns raw' -r -f -a "id\t''
user_id\t''
title\t''
version\t''
original_resume_id\t''
job_analysis_id\t''
match_score\t''
optimized_content\t''
optimization_summary\t''
improvements_made\t''
keywords_added\t''
skills_highlighted\t''
structured_output\t''
qa_metrics\t''
export_formats\t''
created_at\t''
updated_at\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand get" -l version -d 'Print the record as it was at version N (see `resumectl history ID`)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand get" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand get" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand get" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand get" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand get" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand get" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand get" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand get" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand get" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand get" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l jobs -d 'With --ndjson: write on up to N connections at once (lines for one record keep their order)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l title -d 'The record\'s title (required with --new)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l original-resume-id -d 'With --new: the source resume\'s id [default: a new UUID]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l job-analysis-id -d 'With --new: the job analysis id [default: a new UUID]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l qa-metrics -d 'qa_metrics from a JSON file (or \'-\')' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l export-formats -d 'export_formats from a JSON file (or \'-\')' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l optimized-content -d 'optimized_content (the plain-text resume) from a file (or \'-\') [default with --new: the document\'s tailored_resume_text.ats_plain_text]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l match-score -d 'match_score, 0 to 100' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l if-version -d 'Write only if the record is still at version N; otherwise write nothing and exit 6' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l note -d 'A change note stored with the new version' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l clear -d 'Set a nullable field back to NULL (repeatable)' -r -f -a "structured_output\t''
qa_metrics\t''
export_formats\t''
match_score\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l new -d 'Create a new record instead of updating one'
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l ndjson -d 'Batch: read NDJSON, one save body a line ({"id", "structured_output", "qa_metrics", "export_formats", "optimized_content", "match_score", "title", "if_version", "note"}; no "id" creates); each line in its own transaction; bad lines are named and skipped; exit 5 if any'
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l atomic -d 'With --ndjson: every line in one transaction; any bad line writes nothing'
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand save" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand delete" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand delete" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand delete" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand delete" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand delete" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand delete" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand delete" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand delete" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand delete" -s y -l yes -d 'Do not ask: required when there is no terminal'
complete -c resumectl -n "__fish_resumectl_using_subcommand delete" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand delete" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l coverage -d 'Keyword coverage, percent (0-100)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l readability -d 'Readability, percent (0-100)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l format-compliance -d 'Format compliance, percent (0-100)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l duplicates -d 'Duplicate count (a whole number, 0 or more)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l if-version -d 'Write only if the record is still at version N; otherwise write nothing and exit 6' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l note -d 'A change note stored with the new version' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand set-qa" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand edit" -l note -d 'A change note stored with the new version [default: "edited"]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand edit" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand edit" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand edit" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand edit" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand edit" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand edit" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand edit" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand edit" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand edit" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand edit" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand history" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand history" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand history" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand history" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand history" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand history" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand history" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand history" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand history" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand history" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand diff" -l from -d 'The older version [default: the one before --to]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand diff" -l to -d 'The newer version [default: the current one]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand diff" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand diff" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand diff" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand diff" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand diff" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand diff" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand diff" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand diff" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand diff" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand diff" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand restore" -l version -d 'The version to make current again' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand restore" -l if-version -d 'Write only if the record is still at version N; otherwise write nothing and exit 6' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand restore" -l note -d 'A change note stored with the new version' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand restore" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand restore" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand restore" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand restore" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand restore" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand restore" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand restore" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand restore" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand restore" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand restore" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l search -d 'Case-insensitive text to find in the title or the plain-text resume' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l contains -d 'Only records whose structured_output contains this JSON object (PostgreSQL\'s @>: nested keys must match, arrays must include the given items)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l limit -d 'At most N records' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l offset -d 'Skip the first N records (the next page: --offset of the previous plus its --limit)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l below-coverage -d 'Only records whose stored qa_metrics coverage is below N (as `qa --write` keeps it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l below-readability -d 'Only records whose stored readability is below N' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l below-format-compliance -d 'Only records whose stored format compliance is below N' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l above-duplicates -d 'Only records with more than N stored duplicates' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l all-users -d 'Every user\'s records, with a user column (for support staff; says so on stderr)'
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l explain -d 'Print the plan PostgreSQL chooses for this listing instead of the records'
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand list" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand validate" -l kind -d 'What each document is' -r -f -a "structured-output\t'A structured_output document'
qa-metrics\t'A qa_metrics object'
export-formats\t'An export_formats object'
save-line\t'A line of `save --ndjson`: {"id":..., "structured_output":{...}, ...}'"
complete -c resumectl -n "__fish_resumectl_using_subcommand validate" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand validate" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand validate" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand validate" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand validate" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand validate" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand validate" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand validate" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand validate" -l ndjson -d 'Each input is NDJSON: one document a line (blank lines are ignored)'
complete -c resumectl -n "__fish_resumectl_using_subcommand validate" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c resumectl -n "__fish_resumectl_using_subcommand schema" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand schema" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand schema" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand schema" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand schema" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand schema" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand schema" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand schema" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand schema" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand schema" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l to -d 'The format to write' -r -f -a "txt\t'The ATS plain text (tailored_resume_text.ats_plain_text) as it is'
md\t'Markdown laid out from resume_json'
html\t'One self-contained HTML page (inline style, no external resource, all text escaped)'
docx\t'A Word document'
pdf\t'A tagged PDF, typeset in process (Typst): --paper, --template'
jsonresume\t'A JSON Resume document (the jsonresume.org schema 1.x), for other resume tools'"
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -s o -l output -d 'Where to write it; \'-\' for stdout [default: the document\'s file_name_suggestion, with the format\'s extension, in the current directory]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l paper -d 'With --to pdf: the paper size' -r -f -a "a4\t''
letter\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l template -d 'With --to pdf: your own Typst template (start from templates/resume.typ); it may read files in its own folder, nothing else' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l upload -d 'Put the file where the web application serves it from: s3://bucket/prefix (Amazon S3 or an S3-compatible store, credentials as every AWS tool takes them) or file:///dir; the key is prefix/ID/VERSION/FILE. With -o FILE, also written locally' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l ttl -d 'With --upload: how long the web application may hand out the stored URL (export_formats.expires_at), e.g. 24h, 7d, 90m' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l presign -d 'With an s3:// --upload: also print a time-limited https URL for sharing, valid for DURATION (1s to 7d); it is not stored' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l force -d 'Write the file again even when the version it shows is unchanged, or replace a file that is not this record\'s export'
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l cover-note -d 'The document\'s cover note as a one-page letter, instead of the resume'
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l document -d 'Measure a document from a FILE (or \'-\'), offline: no database, no user' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l if-version -d 'Write only if the record is still at version N; otherwise write nothing and exit 6' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l note -d 'A change note stored with the new version' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l min-coverage -d 'Exit 8 when keyword coverage is below N' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l min-readability -d 'Exit 8 when readability is below N' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l max-duplicates -d 'Exit 8 when there are more than N duplicate bullets' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l min-format-compliance -d 'Exit 8 when format compliance is below N' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l all -d 'Every record of the user that has a document, one line each, then a summary'
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l all-users -d 'With --all: every user\'s records (for support staff; says so on stderr)'
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l write -d 'Merge the four figures into each record\'s qa_metrics, as a new version (other keys stay)'
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand qa" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand completions" -l database-url -d 'PostgreSQL URL (postgres://user:password@host:port/database)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand completions" -l user -d 'The user id that owns the records (every read and write is scoped by it)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand completions" -l config -d 'Config file with keys database_url and user [default: $XDG_CONFIG_HOME/resumectl/config.toml]' -r -F
complete -c resumectl -n "__fish_resumectl_using_subcommand completions" -l format -d 'Output format [default: table on a terminal, json otherwise]' -r -f -a "table\t''
json\t''"
complete -c resumectl -n "__fish_resumectl_using_subcommand completions" -l connect-timeout -d 'Seconds to wait for a connection before giving up [default: 10]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand completions" -l statement-timeout -d 'Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it; 0 for no limit [default: 30]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand completions" -l migration-database-url -d 'migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand completions" -l max-input-size -d 'Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]' -r
complete -c resumectl -n "__fish_resumectl_using_subcommand completions" -l no-input -d 'Never prompt (also implied by CI=true); a command that needs a confirmation fails'
complete -c resumectl -n "__fish_resumectl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "migrate" -d 'Apply the embedded schema migrations (safe over the web application\'s table)'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "get" -d 'Print a record, or one column of it with --field'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "save" -d 'Validate a structured_output document and write it (update, or create with --new)'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "delete" -d 'Delete records (asks first on a terminal; --yes otherwise)'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "set-qa" -d 'Set a record\'s QA metrics from flags (merged) or from a file (replaced)'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "edit" -d 'Edit a record\'s structured_output in $VISUAL/$EDITOR, validated, conflict-safe'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "history" -d 'List a record\'s versions'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "diff" -d 'Show what changed in structured_output between two versions, as JSON paths'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "restore" -d 'Make an old version current again, as a new version'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "list" -d 'List records: search titles and text, find by document contents (--contains)'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "validate" -d 'Check documents offline with the validator save uses (no database needed)'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "schema" -d 'Print the JSON Schema (draft 2020-12) the validator is built from'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "export" -d 'Render a record as txt, md, html, docx, pdf or jsonresume (reuses an unchanged earlier export)'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "qa" -d 'Measure the quality figures (coverage, readability, duplicates, format compliance) from the document, with their evidence; --write keeps them; thresholds exit 8'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "completions" -d 'Print shell completions'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and not __fish_seen_subcommand_from migrate get save delete set-qa edit history diff restore list validate schema export qa completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c resumectl -n "__fish_resumectl_using_subcommand help; and __fish_seen_subcommand_from migrate" -f -a "status" -d 'List applied and pending migrations and check the expected columns and indexes (exit 0 only when all are there, 7 otherwise)'
