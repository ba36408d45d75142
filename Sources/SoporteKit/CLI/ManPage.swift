/// Renders `man/soporte.1` (mdoc) from the command table plus the hand-written sections.
public enum ManPage {
    static func esc(_ s: String) -> String {
        var t = s.replacingAll("\\", with: "\\e")
        if t.hasPrefix(".") || t.hasPrefix("'") { t = "\\&" + t }
        return t
    }

    /// An example as the arguments of `.Dl`, a parsed macro line: there `"` would quote
    /// (and vanish) and a word such as `Ar` would be called as a macro, so quotes become
    /// `\(dq` and every word starts with `\&`; the page then shows the command exactly as
    /// it is typed (docs/CONTRACT.md §14.7).
    static func exampleArguments(_ s: String) -> String {
        s.split(separator: " ", omittingEmptySubsequences: true).map { word in
            "\\&" + String(word).replacingAll("\\", with: "\\e").replacingAll("\"", with: "\\(dq")
        }.joined(separator: " ")
    }

    /// Text lines: one sentence per line, as mdoc prefers.
    static func sentences(_ s: String) -> String {
        var out: [String] = []
        var cur = ""
        let chars = Array(s)
        for (i, c) in chars.enumerated() {
            cur.append(c)
            if c == ".", i + 1 < chars.count, chars[i + 1] == " ", i > 0, chars[i - 1].isLetter || chars[i - 1] == ")" {
                out.append(cur)
                cur = ""
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out.map { esc($0.trimmingWhitespace()) }.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    static func option(_ o: OptionSpec) -> String {
        var head = ".It Xo\n"
        if let s = o.short { head += ".Fl \(s)" + (o.valueName.map { " Ar \($0)" } ?? "") + " ,\n" }
        head += ".Fl \(esc("-" + o.long))" + (o.valueName.map { " Ar \($0)" } ?? "") + "\n.Xc\n"
        var body = sentences(o.help)
        if o.required { body += "\nRequired." }
        if let d = o.defaultText { body += "\nDefault: \(esc(d))." }
        return head + body + "\n"
    }

    public static func render(root: CommandSpec, globals: [OptionSpec]) -> String {
        var m = """
        .Dd December 1, 2026
        .Dt SOPORTE 1
        .Os
        .Sh NAME
        .Nm soporte
        .Nd administer soporteclientes.net hosting and billing from the command line
        .Sh SYNOPSIS
        .Nm
        .Op Ar global options
        .Ar command
        .Op Ar subcommand
        .Op Ar arguments
        .Op Ar options
        .Sh DESCRIPTION
        .Nm
        talks to the soporteclientes.net API: WHM/cPanel accounts, invoices, subscriptions, servers, packages and system health.
        It is made for shells, cron and pipes: data goes to standard output, messages to standard error, and every failure has its own exit status.
        .Pp
        Options may appear anywhere after the program name;
        .Fl \\-
        ends options.
        Values are given as
        .Fl \\-opt Ar value ,
        .Fl \\-opt Ns = Ns Ar value ,
        .Fl o Ar value
        or
        .Fl o Ns Ar value .
        .Sh COMMANDS

        """
        m += ".Bl -tag -width Ds\n"
        for (path, c) in root.paths() where !path.isEmpty && c.subcommands.isEmpty {
            m += ".It Nm Cm " + path.joined(separator: " ")
            for a in c.arguments {
                let name = a.name + (a.variadic ? " ..." : "")
                m += a.optional ? " Op Ar \(name)" : " Ar \(name)"
            }
            m += "\n" + sentences(c.summary) + "\n"
            if !c.aliases.isEmpty { m += "Also spelt\n" + c.aliases.map { ".Cm \($0)" }.joined(separator: " ,\n") + " .\n" }
            if let d = c.details { m += ".Pp\n" + sentences(d) + "\n" }
            if !c.options.isEmpty {
                m += ".Bl -tag -width Ds\n"
                for o in c.options { m += option(o) }
                m += ".El\n"
            }
            for e in c.examples.prefix(1) { m += ".Pp\n.Dl \(exampleArguments(e))\n" }
        }
        m += ".El\n"
        m += ".Sh OPTIONS\nThese global options are accepted by every command.\n.Bl -tag -width Ds\n"
        for o in globals + root.options { m += option(o) }
        m += ".El\n"
        m += handWritten
        return wrapTextLines(m)
    }

    /// Breaks text lines (not macro lines) longer than 78 bytes at spaces; in roff a
    /// line break inside text is a space, so the output reads the same.
    static func wrapTextLines(_ page: String) -> String {
        var out: [String] = []
        for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
            guard !line.hasPrefix("."), line.utf8.count > 78, !line.hasPrefix(" ") else { out.append(String(line)); continue }
            var cur = ""
            for word in line.split(separator: " ") {
                if !cur.isEmpty && cur.utf8.count + 1 + word.utf8.count > 78 {
                    out.append(cur)
                    cur = ""
                }
                cur += (cur.isEmpty ? "" : " ") + word
            }
            if !cur.isEmpty { out.append(cur) }
        }
        return out.joined(separator: "\n")
    }

    static let handWritten = #"""
    .Sh OUTPUT FORMATS
    .Bl -tag -width Ds
    .It Cm table
    The default.
    One row per item, the resource's default columns or those of
    .Fl \-fields ,
    aligned by display width (wide CJK characters take two cells, combining marks none).
    On a terminal too narrow for the default columns, whole columns are left out in an order each resource sets (the id never), and a note names them; what remains is cut to the width with an ellipsis.
    Columns named with
    .Fl \-fields
    are never left out, only cut.
    .Ic get
    prints a vertical KEY VALUE table whose long values wrap within the value column.
    Control characters, escape sequences and bidirectional overrides from the API are shown escaped
    .Pq Li \ex1b , Li \eu202e .
    The table holds every row's text (about 100 bytes a row) to size its columns; the other formats stream in constant memory.
    A table walk stopped part-way, by an error, Ctrl-C or SIGTERM, first prints the rows it holds, and its message counts exactly those rows (a second Ctrl-C ends it at once, printing none).
    An empty list on a terminal says
    .Dq no results .
    .It Cm json
    One JSON document: an array of all items for
    .Ic list ,
    written item by item; the object for
    .Ic get .
    Pretty on a terminal, compact in a pipe.
    Key order and number literals are kept exactly as the server sent them.
    Strings are written decoded, whatever escapes the server used
    .Po
    Laravel writes
    .Li \eu00e9
    for \('e and
    .Li \e/
    for /
    .Pc :
    as UTF-8, with only the escapes JSON needs
    .Po
    .Li \e" ,
    .Li \e\e ,
    .Li \en ,
    .Li \er ,
    .Li \et ,
    .Li \eb ,
    .Li \ef ,
    other control characters as
    .Li \eu00XX
    .Pc ;
    DEL, C1 control characters, U+2028, U+2029 and the bidirectional overrides are written as
    .Li \eu
    escapes too: the same value, safe to print on a terminal.
    .Ic list
    and
    .Ic get
    write a value the same way.
    Of keys that occur twice in an object the last wins, at the place of the first, in every format (as JavaScript and jq read them).
    With
    .Fl \-fields
    each item holds only those fields, in that order, whatever the server sent.
    If a walk fails part-way the array is left unclosed, so no JSON reader mistakes partial data for the whole.
    .It Cm ndjson
    One compact JSON object per line, flushed as each page arrives.
    .It Cm csv
    RFC 4180 quoting, a header row, LF line ends.
    Nested objects become dotted columns
    .Pq Li server.name ,
    arrays their JSON text, null an empty cell.
    Columns are fixed by
    .Fl \-fields ,
    or by the first item; with no item at all the header holds the columns the items would have had: the resource's known fields in the server's order, nested objects dotted.
    .Fl \-csv-safe
    prefixes string cells that start with = + - @ TAB or CR with a single quote.
    CSV and TSV are data: values are written exactly, with only their own quoting.
    .It Cm tsv
    Tab-separated with a header row; tabs, newlines, carriage returns and backslashes inside values are written as
    .Li \et ,
    .Li \en ,
    .Li \er
    and
    .Li \e\e .
    .It Cm xlsx
    An Office Open XML workbook
    .Pq Excel, LibreOffice
    for
    .Ic list ,
    .Ic get
    and
    .Ic history
    only, given on the command line
    .Pq not as the config's or the environment's default ;
    on a terminal it is refused with status 2: redirect it to a file.
    One sheet, named after the resource
    .Pq Li accounts ,
    with the columns of
    .Cm csv .
    JSON numbers are numeric cells that keep their literal
    .Pq Li 100.10 ;
    strings stay text, also those that look like numbers
    .Pq Li 007 , Li 1e5 ;
    ISO 8601 dates and date-times with
    .Li Z
    or an offset are date cells in UTC, shown as yyyy-mm-dd hh:mm:ss
    .Pq text without a zone, and dates before 1900-03-01, stay text ;
    booleans are boolean cells, null an empty cell, arrays and objects their JSON text.
    The header row is bold and frozen and has an autofilter; column widths fit the first 100 rows.
    Characters XML cannot hold
    .Pq C0 controls but TAB, LF and CR; U+FFFE, U+FFFF
    are written as the format's
    .Li _xHHHH_
    escape, which Excel and LibreOffice read back as the character
    .Pq openpyxl leaves it as written .
    The workbook is streamed in constant memory: a zip whose entries are stored, not compressed
    .Pq about four times the size of the CSV
    so that every byte passes the secret check as text.
    A sheet holds at most 1,048,576 rows and 16,384 columns: a walk with more stops with an error that says so.
    If a walk fails part-way the zip is left without its directory, so no reader takes it for the whole.
    .It Cm nagios , Cm prometheus
    For
    .Ic health
    only; see
    .Sx MONITORING .
    .El
    .Pp
    .Fl \-fields
    applies to
    .Ic get
    in every format, as to
    .Ic list .
    A
    .Fl \-fields ,
    .Fl \-sort
    or
    .Fl \-include
    name that no item of the first page has is named in a warning with the closest name the items (or the resource) have, when it is one of the resource's known fields (listed by
    .Ic list \-\-help
    and
    .Ic get \-\-help ;
    a dotted name by its first part).
    A
    .Fl \-fields ,
    .Fl \-count-by
    or
    .Fl \-sum
    name that no item of the first page has and that is no known field either is status 2, before any item is printed, with the closest name.
    .Fl \-sort
    names must be known fields: checked before anything is sent (status 2, with the closest name).
    .Sh TOTALS
    .Ic list \-\-count-by Ar FIELD
    and
    .Fl \-sum Ar FIELD
    (each repeatable, or a comma-separated list; dotted names reach nested values) print, after the walk and in place of the items, one row per group in any output format: the group's values, then
    .Li count ,
    then
    .Li sum_ Ns Ar FIELD
    for each sum, then
    .Li skipped
    when some value could not be summed (the column is then in every row).
    With only
    .Fl \-sum ,
    one row covers every item.
    Rows are sorted by the group's values in jq's order: null, false, true, numbers by value, strings by code point, then arrays and objects by their JSON text; a missing field is null.
    Equal numbers are one group
    .Pq Li 1 , Li 1.0 , Li 1e0 ,
    shown as the first one seen; a number and a string are never the same group.
    .Pp
    Sums are exact decimal arithmetic on the literals the server sent, never floating point:
    .Li 100.10 + 0.20
    is
    .Li 100.30 ,
    and a sum keeps the largest number of decimals of its terms
    .Pq Li 100.10 + 0.2 No is Li 100.30 .
    JSON numbers with exponents count exactly
    .Pq Li 1e3 No is Li 1000 ;
    so do strings that hold a plain decimal, as Laravel sends money
    .Pq Li \(dq100.10\(dq , Li \(dq-3.5\(dq .
    Anything else (null, other text, booleans, arrays, objects, a number of more than 4096 digits) is counted in
    .Li skipped ,
    and a warning names the field, how many values and the first of them.
    A group where nothing was summed shows null (an empty cell).
    .Pp
    Memory grows with the groups, not the items: more than 100,000 groups is status 2 and stops the walk.
    .Fl \-filter ,
    .Fl \-search ,
    .Fl \-limit
    and the other listing options apply as usual;
    .Fl \-fields
    is a usage error with totals (the rows have their own columns).
    A walk that fails or is stopped by a signal prints no totals (part of a list would read as the whole) and, rather than a
    .Fl \-from-page
    that would total only the rest, says to run the command again.
    .Sh LISTING
    Listing walks every page: page one gives the page count, the rest are fetched four at a time
    .Pq config Cm concurrency
    and written in order as each next page arrives.
    .Fl \-limit Ar N
    asks for pages of N items when N is under 100 and fetches no page beyond the one holding item N.
    .Pp
    A walk never ends with status 0 and items missing.
    A page before the last that comes back with fewer items than a page holds while the total did not change is asked for once more; still short, the walk fails with status 8.
    A page that repeats or goes backwards ends the walk (status 8).
    When the total changes during a walk, a warning says so and an id repeated from the neighbouring page is not written twice.
    .Pp
    A walk that stops part-way, on an error, Ctrl-C or SIGTERM, prints what it had and then the complete command that resumes it: the same command and options, shell-quoted, with
    .Fl \-from-page Ar N
    (and a
    .Fl \-limit
    lowered by what was written).
    A signal that arrives while a page is being written says so: the resume command starts at that page, so some of its items may come twice.
    Under
    .Fl o Cm json
    or
    .Cm ndjson
    that is a
    .Li WALK_STOPPED
    warning line.
    .Pp
    An answer larger than 16 MiB is refused with status 8 (one that announces more is refused before it is read), and pages waiting to be written may hold at most 32 MiB between them (a page is parsed only in its turn: a page of bare numbers parses to ten times its size): a walk stays under 100 MiB whatever the server sends.
    An answer of more than 500,000 JSON values is refused too.
    .Pp
    Filters:
    .Fl \-filter Ar FIELD=VALUE ,
    .Ar FIELD:OP=VALUE
    with OP one of eq, ne, gt, gte, lt, lte, like, in, between, or the shorthands
    .Li != >= <= > < ~ .
    .Cm in
    takes
    .Li a,b,c
    and
    .Cm between
    exactly two values,
    .Li lo,hi .
    A value that starts with another operator character
    .Pq Li status==paid , Li amount=>3
    is a usage error that shows the form meant.
    .Sh NAMES FOR IDS
    Wherever an ID goes, on the command line or on standard input, an account may be given by its domain or its username, a server by its hostname or its name, a package by its name.
    A word with a dot is looked up as a domain or hostname, another as a username or name, with one filtered request; no match is status 5, several are status 2 with a list of them.
    A word of digits is always an ID.
    .Fl \-dry-run
    prints the lookup too.
    .Sh BULK COMMANDS
    .Ic delete ,
    .Ic suspend ,
    .Ic unsuspend
    and
    .Ic cancel
    take one or more IDs;
    .Ar -
    reads them from standard input, one per line (the first field of each line; lines starting with # are skipped).
    They send a few requests at a time, print one result per ID in input order
    .Pq Li suspended 12 , Li failed 13: ...
    or, with
    .Fl o Cm json ,
    one JSON array of result objects
    .Pq Li id , action , outcome , note , http_status , request_id , job_id , location , error ;
    with
    .Cm ndjson
    one a line; an id of digits is a JSON number.
    They go on past failures and exit 0 only if every ID succeeded, else with the status of the first failure.
    Destructive ones ask on the terminal; without one and without
    .Fl \-yes
    they refuse with status 2 before sending anything.
    A DELETE sent again after its answer was lost that then finds nothing did its work:
    .Li deleted 23 (already gone: the first answer was lost) .
    Cancelling a subscription already cancelled is done:
    .Li cancelled 7 (already cancelled) .
    .Pp
    .Fl \-journal Ar FILE
    appends every outcome to FILE as a JSON line
    .Pq Li id , action , outcome , http_status , request_id , at ,
    mode 0600, synced before the next result is printed; a
    .Li sending
    line is synced before each request leaves.
    Run again with the same file, a bulk command skips the IDs done, retries the failed ones, and checks the item behind an unknown outcome (a request sent whose answer was lost, or one in flight when the run was killed) before acting again.
    A run holds a lock on its journal: a second run on the same file is refused with status 2.
    .Pp
    On a terminal, and without
    .Fl q ,
    a progress line on standard error says how far a run is
    .Pq Li suspend: 120/625, 2 failed ;
    it is erased at the end.
    Stopped by Ctrl-C or SIGTERM (status 130 or 143), a bulk command says where it stood,
    .Li interrupted after 120 of 625: 118 done, 2 failed, 4 in flight (outcome not known), 501 not sent ,
    and how to go on: with
    .Fl \-journal ,
    run the same command again; without, that
    .Fl \-journal Ar FILE
    makes a run resumable.
    .Pp
    An empty list of IDs (an empty standard input) is a usage error (status 2), unless
    .Fl \-allow-empty
    is given: then the run says
    .Li nothing to do: no IDs given
    and exits 0, as a pipeline whose filter matched nothing should.
    .Sh WAITING FOR AN EFFECT
    An API may queue a change and answer
    .Li 202 Accepted .
    Such an answer is reported as accepted, not done, with the job id
    .Pq Li meta.job_id
    and the Location the server gives:
    .Li accepted 42 (not done yet; job job_3, location https://.../whm/accounts/42) ;
    under
    .Fl o Cm json
    the outcome is
    .Li accepted
    and the result holds
    .Li job_id
    and
    .Li location .
    .Ic accounts create
    and
    .Ic accounts update
    print
    .Li accepted create of account 251 (not done yet; ...)
    instead of the item, or under
    .Fl o Cm json
    or
    .Cm ndjson
    a result object
    .Pq Li id , action , outcome , http_status , request_id , job_id , location , data
    whose
    .Li data
    is the item the answer holds.
    A journal records an accepted change as
    .Li accepted ;
    a rerun checks the item before acting on it again.
    .Pp
    .Fl \-wait
    on
    .Ic accounts create , update , delete , suspend , unsuspend
    and
    .Ic subscriptions cancel
    checks the item after the request (GET, through the same retries and rate-limit pacing as every request) until the change shows: created and its status not
    .Li pending ;
    every field set with the value sent; 404 after a delete; status
    .Li suspended , active
    or
    .Li cancelled .
    The first check is made at once, the next after 1 second, and each wait is twice the one before, up to 10 seconds; every wait over a second is said on standard error unless
    .Fl q
    .Pq Li waiting for account 42 to be suspended: checking again in 2 s .
    .Fl \-wait-timeout Ar DURATION
    (default 5m, counted from the request) bounds it all: a duration is a number of seconds
    .Pq Li 30
    or hours, minutes and seconds in that order
    .Pq Li 30s , 5m , 1h , 1h30m ,
    from 1 second to 24 hours; anything else is status 2.
    Once the change shows, the status is 0: a bulk command prints
    .Li suspended 42 (took 3 s) ,
    and create and update print the item as the last check saw it.
    When the time runs out the status is 11 and the message names the last state seen
    .Pq Li account 42 is still active after 5m ;
    bulk commands print
    .Li timed out 42: ...
    for that ID and go on with the others, each ID waited for by the worker that sent its request: up to 32 IDs are waited for side by side, with no more requests in flight, changes and checks together, than
    .Cm concurrency
    allows.
    .Pp
    .Ic get Ar ID Fl \-wait-for Ar FIELD Ns = Ns Ar VALUE
    (or
    .Ar FIELD Ns != Ns Ar VALUE ;
    repeatable, all must hold; dotted names for nested fields) on every resource checks the same way until the conditions hold, then prints the item as
    .Ic get
    does; status 11 when the time runs out.
    VALUE is compared with the field's text: strings as they are, numbers by value
    .Pq Li amount=100.1 No matches Li 100.10 ,
    .Li true , false ,
    and
    .Li null ,
    which an absent field also is.
    .Sh WAITS AND RATE LIMITS
    .Fl \-timeout
    bounds each attempt of a request, and
    .Cm token_command .
    GET, PUT and DELETE are retried on connection errors, timeouts, 502, 503, 504 and 429; POST and PATCH only on 429 and when the request never left.
    Waits honour Retry-After and the error's
    .Li retry_after ,
    else back off exponentially with jitter.
    .Pp
    Pacing reads X-RateLimit-Limit, -Remaining and -Reset: requests go at once while the budget lasts, counting those in flight against what remains; when it is spent, a fixed window (Reset stays put) is waited out until its reset, never longer, and a token bucket (Reset moves later with each request) is paced at its refill rate.
    Without X-RateLimit-Reset (Laravel's throttle sends it on the 429 alone) the window is the minute from the first request seen; after it, one request alone learns the next window's budget.
    Against either kind no 429 is provoked.
    .Pp
    Pacing is advice: when the headers imply a wait longer than
    .Fl \-max-wait ,
    .Nm
    waits at most one request's refill time (60 / Limit seconds) and sends, and the server's answer decides.
    .Fl \-max-wait
    (default 60 seconds) bounds every wait the API asks for: a Retry-After longer than it is exit 7 at once, saying how long the API asked for and the time to try again.
    .Pp
    .Fl \-deadline Ar DURATION
    (config
    .Cm deadline ,
    no default) is the time for the whole command, retries and waits included: no attempt starts, and no wait begins, that would end past it, and each attempt's timeout is cut to what is left.
    When it passes,
    .Nm
    stops with status 9
    .Pq Li deadline of 9s passed during GET /admin/system/health (attempt 2) ;
    under
    .Fl o Cm nagios
    the line is CRITICAL (status 2), under
    .Fl o Cm prometheus
    the metrics say
    .Li soporte_health_up 0 .
    A DURATION is seconds
    .Pq Li 30 , Li 2.5
    or whole hours, minutes and seconds in that order
    .Pq Li 30s , Li 5m , Li 1h30m ,
    from 1 second to 24 hours.
    Every wait over one second is said on standard error
    .Pq Li rate limited (429): retrying GET /whm/servers in 12 s (attempt 2 of 4) ,
    on a terminal or not, unless
    .Fl q .
    .Sh MONITORING
    .Ic health Fl o Cm nagios
    prints one line in the monitoring-plugins format,
    .Li SOPORTE OK - healthy, version 1.0.0 | time=0.012s;;;0 accounts=250;;;0 ,
    and exits 0 OK (healthy), 1 WARNING (degraded), 2 CRITICAL (unhealthy, unreachable, a server error, authentication) or 3 UNKNOWN (a usage or configuration problem).
    .Pp
    .Ic health Fl o Cm prometheus
    prints the Prometheus text exposition format:
    .Li soporte_health_up ,
    .Li soporte_health_status{status}
    (1 for the status reported),
    .Li soporte_health_check{check} ,
    .Li soporte_health_request_duration_seconds
    and
    .Li soporte_health_last_run_timestamp_seconds .
    A failed check still prints them, with
    .Li soporte_health_up 0 ,
    and exits with the usual status.
    .Sh RUNNING UNATTENDED
    For cron, systemd timers and monitoring agents.
    .Fl \-read-only ,
    .Ev SOPORTE_READ_ONLY Ns =1
    or
    .Li read_only = true
    in the profile refuse every request other than GET before it is sent, with status 4 and a message that names where the setting came from;
    .Fl \-dry-run
    still prints the requests.
    The check is made where every request leaves, so no command can get past it: give it to monitoring boxes that must never change anything.
    .Pp
    Under systemd, the token can come as a credential:
    .Li LoadCredential=soporte-token:/etc/soporte/token
    (or
    .Li SetCredentialEncrypted= )
    makes
    .Pa $CREDENTIALS_DIRECTORY/soporte-token
    a token source right after
    .Fl \-token-file ;
    .Li soporte-license-key
    and
    .Li soporte-signing-secret
    likewise come before the environment and the config.
    .Ic auth status
    names the credential.
    Files inside
    .Ev CREDENTIALS_DIRECTORY
    are not refused for their group bits: systemd makes them readable by the service alone.
    .Pp
    A cron line (one line in the crontab) that suspends the accounts of overdue invoices every night, resumable, and quiet when there are none (cron needs its % escaped):
    .Bd -literal -offset indent
     30 3 * * * soporte -q invoices list --filter status=overdue -o tsv --fields account_id --no-headers | sort -u | soporte -q accounts suspend - --yes --allow-empty --reason overdue --journal /var/lib/soporte/suspend-$(date +\e%F).journal
    .Ed
    .Pp
    A systemd timer: the package ships
    .Pa /usr/share/doc/soporte/examples/soporte-health.service
    and
    .Pa soporte-health.timer ,
    which write the Prometheus textfile every minute with the token from
    .Li LoadCredential= :
    .Bd -literal -offset indent
    install -d -m 700 /etc/soporte
    install -m 600 /dev/stdin /etc/soporte/token
    cp /usr/share/doc/soporte/examples/soporte-health.* /etc/systemd/system/
    systemctl daemon-reload
    systemctl enable --now soporte-health.timer
    .Ed
    .Pp
    An NRPE command for Nagios or Icinga (statuses 0 to 3):
    .Bd -literal -offset indent
     command[check_soporte]=/usr/bin/soporte --read-only health -o nagios --deadline 8
    .Ed
    .Pp
    A textfile for the node_exporter textfile collector, written by a rename so that it is never read half-written (also when the check fails, which then says soporte_health_up 0):
    .Bd -literal -offset indent
     * * * * * cd /var/lib/prometheus/node-exporter && soporte --read-only health -o prometheus > soporte.prom.tmp; mv soporte.prom.tmp soporte.prom
    .Ed
    .Sh CONFIGURATION
    The config file is INI text with one section per profile and
    .Li #
    or
    .Li \&;
    comment lines:
    .Bd -literal -offset indent
    [default]
    api_url = https://api.soporteclientes.net/v1
    token_command = pass show soporte/production

    [sandbox]
    api_url = https://api-sandbox.soporteclientes.net/v1
    token = sk_test_abc123xyz
    .Ed
    .Pp
    Keys: api_url, token, token_command, license_key, signing_secret, output, color, timeout, retries, max_wait, deadline, ca_bundle, concurrency (1 to 16), history (on or off), read_only (true or false).
    Unknown keys are warned about.
    A bad value stops every command with status 3 naming the file, line and key, except the config commands, which read past it so that it can be repaired.
    Precedence is flag, then environment, then the profile, then the default.
    .Pp
    The token comes from the first of
    .Fl \-token-file ,
    the systemd credential
    .Pa $CREDENTIALS_DIRECTORY/soporte-token ,
    .Ev SOPORTE_API_TOKEN ,
    the profile's token_command and the profile's token.
    There is no flag that takes the token itself.
    token_command runs by /bin/sh in a process group of its own, with standard input closed; its output (trimmed) is the token and is never shown, its standard error reaches the user.
    It is bounded by
    .Fl \-timeout :
    past that its group is killed and the run ends with status 3; once the shell has exited, children it left running in the background are ended too.
    A file that holds a token, a signing secret or a license key, and any token file, that group or others can read is refused with the chmod that fixes it.
    A
    .Fl \-token-file
    or
    .Fl \-password-file
    that is not a regular file (a FIFO, a directory, a device) is refused without being read (status 3 and 2); their errors name the option, not the path given, which may be a mistyped secret.
    .Pp
    .Ic config set
    checks the value exactly as a reader would (status 2 and the file untouched when it is wrong), creates the profile's section when it is missing, takes a lock so that concurrent runs lose no update, and writes through a temporary file and a rename with mode 0600 (folder 0700), keeping every other line; a config that is a symbolic link is written at its target and stays a link.
    .Pp
    The profile in use is the one named by
    .Fl \-profile ,
    else by SOPORTE_PROFILE, else by the line
    .Li default_profile = NAME
    that
    .Ic config use Ar NAME
    writes at the top of the config file (before the first section, written as
    .Ic config set
    writes;
    .Ic config use default
    removes it), else
    .Li default .
    A named profile that has no section is status 3 with the closest name that has one; the message for a missing token names the profile in use, where its name came from, and whether the config file has a section for it.
    .Sh ENVIRONMENT
    .Bl -tag -width Ds
    .It Ev SOPORTE_API_TOKEN
    The API token.
    .It Ev SOPORTE_API_URL
    The API base URL.
    .It Ev SOPORTE_PROFILE
    The profile: after
    .Fl \-profile ,
    before the config file's
    .Li default_profile .
    .It Ev SOPORTE_CONFIG
    The config file.
    .It Ev SOPORTE_OUTPUT
    The default output format.
    .It Ev SOPORTE_LICENSE_KEY
    Sent as X-License-Key.
    .It Ev SOPORTE_SIGNING_SECRET
    Signs POST, PUT, PATCH and DELETE requests with X-Timestamp and X-Signature (HMAC-SHA256 of method, path, timestamp and body).
    .It Ev SOPORTE_CA_BUNDLE
    Extra CA certificates to trust.
    .It Ev SOPORTE_HISTORY
    .Li off
    turns the history off.
    .It Ev SOPORTE_READ_ONLY
    .Li 1
    refuses every request other than GET (see
    .Sx RUNNING UNATTENDED ) .
    .It Ev CREDENTIALS_DIRECTORY
    Set by systemd: its soporte-token, soporte-license-key and soporte-signing-secret are used.
    .It Ev NO_COLOR , Ev CLICOLOR , Ev CLICOLOR_FORCE
    Colour, as usual.
    .It Ev XDG_CONFIG_HOME , Ev XDG_STATE_HOME
    Where the config and the history live.
    .It Ev HTTPS_PROXY , Ev NO_PROXY
    Proxies, as libcurl reads them; a proxy that cannot be reached is named in the error, with the variable it came from and without its user information.
    .El
    .Pp
    A SOPORTE_ variable whose value is not UTF-8 is a configuration error (status 3).
    .Sh FILES
    .Bl -tag -width Ds
    .It Pa $XDG_CACHE_HOME/soporte/RESOURCE
    The ids and names of the last complete
    .Ic list
    walk of RESOURCE (accounts, servers...), one item a line, at most 10,000, mode 0600 in a folder 0700, replaced atomically; the shell completions read it after get, update and the bulk verbs, and never send a request.
    Names that a shell could expand are left out.
    Without XDG_CACHE_HOME,
    .Pa ~/.cache/soporte/ .
    .It Pa $XDG_CONFIG_HOME/soporte/config
    The config file; without XDG_CONFIG_HOME,
    .Pa ~/.config/soporte/config .
    .It Pa $XDG_STATE_HOME/soporte/history
    The history: one JSON line for each POST, PUT, PATCH and DELETE sent (time, the command as its verb and ids, such as accounts suspend 42, profile, API host, method, path, HTTP status, request id, duration, and the reason given with \-\-reason; never a body, a header, another option value or a secret), mode 0600, the newest 10,000 kept; without XDG_STATE_HOME,
    .Pa ~/.local/state/soporte/history .
    .Ic soporte history
    lists it, newest first;
    .Fl \-since
    keeps the records from a UTC date or date-time, or from a duration ago, and
    .Fl \-profile
    those of one profile.
    .It Pa /usr/share/doc/soporte/examples/
    soporte-health.service and soporte-health.timer: the Prometheus textfile every minute, from a systemd timer.
    .El
    .Sh EXIT STATUS
    .Bl -tag -width Ds -compact
    .It 0
    success
    .It 1
    unexpected error, or standard output could not be written
    .It 2
    usage: bad command, option, filter or argument; refused confirmation; a journal in use
    .It 3
    configuration: no token, bad config file or value, insecure file mode, http:// to a non-loopback host, token_command failed or timed out
    .It 4
    authentication or permission (HTTP 401, 403)
    .It 5
    not found (HTTP 404, or no item with that name); when the API URL's path names no version, the message suggests the URL with /v1
    .It 6
    rejected request (HTTP 400, 409, 422), details printed
    .It 7
    rate limited after the retries, or the API asked for a wait longer than --max-wait
    .It 8
    server error after the retries, an answer that is not the API's JSON, a short page twice, an answer over 16 MiB
    .It 9
    network: DNS, connect, timeout, TLS verification
    .It 10
    health: the API reports itself not healthy
    .It 11
    --wait or --wait-for: the state was not reached before --wait-timeout
    .It 130
    interrupted (Ctrl-C)
    .It 141
    standard output was closed early (as by head)
    .It 143
    terminated (SIGTERM)
    .El
    .Pp
    Bulk commands exit 0 only if every ID succeeded, else with the status of the first failure.
    .Ic health Fl o Cm nagios
    uses the plugin statuses 0 to 3 instead.
    .Sh EXAMPLES
    Pending invoices over 100 to a spreadsheet, as a nightly cron job would:
    .Dl soporte invoices list --filter status=pending --filter 'amount>=100' -o csv --csv-safe > pending.csv
    .Pp
    Domains of suspended accounts, with jq:
    .Dl soporte accounts list --filter status=suspended -o ndjson | jq -r .domain
    .Pp
    Suspend every account on server 3, reading IDs from standard input, with a journal that makes a rerun pick up where a run stopped:
    .Bd -literal -offset indent
    soporte accounts list --filter server_id=3 -o tsv --fields id \e
        --no-headers | soporte accounts suspend - --yes --reason maintenance \e
        --journal suspend-srv3.log
    .Ed
    .Pp
    See what a command would send:
    .Dl soporte accounts delete 42 --dry-run
    .Pp
    A check for Nagios or Icinga, and a textfile for the Prometheus node exporter:
    .Dl soporte health -o nagios
    .Dl soporte health -o prometheus > soporte.prom
    .Pp
    What was changed from here lately:
    .Dl soporte history --limit 10
    .Sh DIAGNOSTICS
    Errors go to standard error as
    .Li soporte: message ,
    detail lines, and the server's request id.
    An error answer that is not the API's envelope is read for what it says: Laravel's
    .Li {\(dqmessage\(dq, \(dqerrors\(dq: {\(dqfield\(dq: [...]}}
    (the field errors are the detail lines and the JSON line's details),
    .Li {\(dqerror\(dq: \(dqtext\(dq} ,
    plain text (on one line, cut to 300 characters) or an HTML page's title; the exit status follows the HTTP status.
    Only a body with nothing readable in it is
    .Dq a body that is not the API's JSON .
    With
    .Fl o Cm json
    or
    .Cm ndjson
    standard error carries JSON only, one line each: errors as
    .Li {"error": {"code", "message", "http_status", "exit_status", "request_id", "details"}} ,
    the same shape for the API's errors and those of
    .Nm
    (null where there is none; the request id as the server sent it, escaped only in the text form), warnings and notes as
    .Li {"warning": {"code", "message"}} ,
    .Fl v
    lines as
    .Li {"log": {"message"}} .
    Text from outside shown on standard error is escaped for the terminal.
    A closed or unwritable standard output is an error (status 1); one closed by the reader, as by head, ends the run quietly with status 141.
    .Sh SECURITY
    Only HTTPS is used, except to loopback hosts: localhost, [::1], or an address in 127.0.0.0/8 written as exactly four decimal parts from 0 to 255 without leading zeros (127..0.0.1, 127.0.0.1., 127.1 and 0x7f.1 are not).
    An API URL with user information (user:password@), a query or a fragment is refused with status 3, from the option, the environment or the config alike, and is never shown.
    Certificates are always verified;
    .Fl \-ca-bundle
    adds trust and nothing turns verification off.
    Redirects are followed only within the API's origin, so the token never leaves it.
    .Pp
    No output of
    .Nm
    ever holds a secret (the token, whatever its source, the signing secret, the license key, passwords): not standard output or error,
    .Fl v
    or
    .Fl vv ,
    .Fl \-dry-run ,
    a journal or the history, nor the text the server sends back, whether it echoes a secret raw or escaped (JSON, shell, URL, CSV, TSV), in either Unicode normal form (NFC or NFD), or percent-encoded past need (any of its bytes as %XX, in either case).
    Where one would appear,
    .Li [redacted]
    appears; a secret shorter than 4 bytes is not searched for.
    .Fl vv
    masks JSON keys named password, token, secret, signing_secret and license_key (in any case, and any key holding password) at any depth, also in a body that is cut or is not valid JSON;
    .Fl \-dry-run
    masks them in the bodies it shows, and shows
    .Li $SOPORTE_API_TOKEN ,
    .Li $SOPORTE_LICENSE_KEY
    and
    .Li $SOPORTE_PASSWORD
    in place of the values.
    Passwords are never taken from the command line: a secret-named key in
    .Fl \-set ,
    .Fl \-set-string ,
    .Fl f
    or
    .Fl F
    is refused with status 2 (give a password with
    .Fl \-password-stdin ,
    .Fl \-password-file
    or the prompt, a body with
    .Ic api
    .Fl \-input ) .
    CR, LF and NUL are refused in anything that becomes a header.
    Core dumps are turned off at start.
    .Sh SEE ALSO
    .Xr curl 1 ,
    .Xr jq 1 ,
    .Xr soporte-sandbox 1
    """#
}
