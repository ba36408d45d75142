/// Renders `man/soporte.1` (mdoc) from the command table plus the hand-written sections.
public enum ManPage {
    static func esc(_ s: String) -> String {
        var t = s.replacingAll("\\", with: "\\e")
        if t.hasPrefix(".") || t.hasPrefix("'") { t = "\\&" + t }
        return t
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
        .Dd November 29, 2026
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
            for e in c.examples.prefix(1) { m += ".Pp\n.Dl \(esc(e))\n" }
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
    On a terminal rows are cut to its width with an ellipsis.
    The table holds every row's text (about 100 bytes a row) to size its columns;
    the other formats stream in constant memory.
    .Ic get
    prints a vertical KEY VALUE table.
    Control characters and escape sequences from the API are shown escaped.
    .It Cm json
    One JSON document: an array of all items for
    .Ic list ,
    written item by item; the object for
    .Ic get .
    Pretty on a terminal, compact in a pipe.
    Key order and number literals are kept exactly as the server sent them.
    If a walk fails part-way the array is left unclosed, so no JSON reader mistakes partial data for the whole.
    .It Cm ndjson
    One compact JSON object per line, flushed as each page arrives.
    .It Cm csv
    RFC 4180 quoting, a header row, LF line ends.
    Nested objects become dotted columns
    .Pq Li server.name ,
    arrays their JSON text, null an empty cell.
    Columns are fixed by
    .Fl \-fields
    or by the first item.
    .Fl \-csv-safe
    prefixes string cells that start with = + - @ TAB or CR with a single quote.
    .It Cm tsv
    Tab-separated with a header row; tabs, newlines, carriage returns and backslashes inside values are written as
    .Li \et ,
    .Li \en ,
    .Li \er
    and
    .Li \e\e .
    .El
    .Pp
    Listing walks every page: page one gives the page count, the rest are fetched four at a time
    .Pq config Cm concurrency
    and printed in order.
    .Fl \-limit Ar N
    fetches no page beyond the one holding item N.
    A walk that fails part-way prints what it had, exits non-zero, and names the
    .Fl \-from-page
    that resumes it.
    Filters:
    .Fl \-filter Ar FIELD=VALUE ,
    .Ar FIELD:OP=VALUE
    with OP one of eq, ne, gt, gte, lt, lte, like, in, between, or the shorthands
    .Li != >= <= > < ~ .
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
    Keys: api_url, token, token_command, license_key, signing_secret, output, color, timeout, retries, ca_bundle, concurrency.
    Unknown keys are warned about.
    Precedence is flag, then environment, then the profile, then the default.
    The token comes from the first of
    .Fl \-token-file ,
    .Ev SOPORTE_API_TOKEN ,
    the profile's token_command (run by /bin/sh, its trimmed output is the token) and the profile's token.
    There is no flag that takes the token itself.
    A file that holds a token or signing secret and that group or others can read is refused.
    .Ic config set
    writes through a temporary file and a rename, with mode 0600 (folder 0700), keeping every other line.
    .Sh ENVIRONMENT
    .Bl -tag -width Ds
    .It Ev SOPORTE_API_TOKEN
    The API token.
    .It Ev SOPORTE_API_URL
    The API base URL.
    .It Ev SOPORTE_PROFILE
    The profile.
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
    .It Ev NO_COLOR
    Disables colour.
    .It Ev XDG_CONFIG_HOME
    Where the config folder lives.
    .It Ev HTTPS_PROXY , Ev NO_PROXY
    Proxies, as libcurl reads them.
    .El
    .Sh FILES
    .Bl -tag -width Ds
    .It Pa $XDG_CONFIG_HOME/soporte/config
    The config file; without XDG_CONFIG_HOME,
    .Pa ~/.config/soporte/config .
    .El
    .Sh EXIT STATUS
    .Bl -tag -width Ds -compact
    .It 0
    success
    .It 1
    unexpected error
    .It 2
    usage: bad command, option, filter or argument; refused confirmation
    .It 3
    configuration: no token, bad config file, insecure file mode, http:// to a non-loopback host
    .It 4
    authentication or permission (HTTP 401, 403)
    .It 5
    not found (HTTP 404)
    .It 6
    rejected request (HTTP 400, 409, 422), details printed
    .It 7
    rate limited after the retries
    .It 8
    server error after the retries, or an answer that is not the API's JSON
    .It 9
    network: DNS, connect, timeout, TLS verification
    .It 10
    health: the API reports itself not healthy
    .It 130
    interrupted
    .It 141
    standard output was closed early (as by head)
    .El
    .Pp
    Bulk commands exit 0 only if every ID succeeded, else with the status of the first failure.
    .Sh EXAMPLES
    A nightly export from cron:
    .Bd -literal -offset indent
    0 3 * * * soporte invoices list --filter status=pending \e
        --filter 'amount>=100' -o csv > /srv/reports/pending.csv
    .Ed
    .Pp
    Domains of suspended accounts, with jq:
    .Dl soporte accounts list --filter status=suspended -o ndjson | jq -r .domain
    .Pp
    Suspend every account on server 3, reading IDs from standard input:
    .Bd -literal -offset indent
    soporte accounts list --filter server_id=3 -o tsv --fields id \e
        --no-headers | soporte accounts suspend - --yes --reason maintenance
    .Ed
    .Pp
    See what a command would send:
    .Dl soporte accounts delete 42 --dry-run
    .Sh SECURITY
    Only HTTPS is used, except to loopback hosts.
    Certificates are always verified;
    .Fl \-ca-bundle
    adds trust and nothing turns verification off.
    Redirects are followed only within the API's origin, so the token never leaves it.
    Tokens, signing secrets and passwords are redacted from every message, including
    .Fl vv
    output, and passwords are never taken from the command line.
    Retries repeat GET, PUT and DELETE; POST and PATCH are repeated only after a 429 or when the request never left.
    .Sh SEE ALSO
    .Xr curl 1 ,
    .Xr jq 1 ,
    .Xr soporte-sandbox 1
    """#
}
