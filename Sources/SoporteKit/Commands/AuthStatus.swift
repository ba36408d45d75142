import SoporteJSON
import SoporteSystem

/// `auth status`: where the token comes from (masked), what it shadows, and a live check.
enum AuthStatus: Command {
    static let name = "auth status"
    static let spec = CommandSpec("status", summary: "Show where the token comes from (masked) and check it live.",
                                  examples: ["soporte auth status"], handler: Handler.of(AuthStatus.self))

    static func run(_ o: NoOptions, _ inv: Invocation) throws {
        let s = inv.settings
        try inv.io.out("profile:   \(s.profile)\n")
        try inv.io.out("api url:   \(s.apiURL)\n")
        let r = try TokenResolver(fs: inv.ctx.fs, runner: inv.ctx.runner, env: inv.ctx.env).resolve(s)
        inv.io.secrets.add(r.token, placeholder: "$SOPORTE_API_TOKEN")
        try inv.io.out("token:     \(TokenResolver.mask(r.token)) from \(r.source.label)\n")
        for other in s.tokenSources.dropFirst() {
            try inv.io.out("shadowed:  \(other.label) is also set and is ignored\n")
        }
        try inv.io.flush()
        let a = try inv.client().send(APICall("GET", "/whm/accounts", query: Query([("per_page", "1")])))
        try inv.io.out("check:     token accepted (HTTP \(a.status))\n")
    }
}
