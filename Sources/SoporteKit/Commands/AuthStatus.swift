/// `auth status`: where the token comes from (masked), what it shadows, and a live check.
enum AuthStatus {
    static func run(_ inv: Invocation) throws {
        let s = inv.settings
        try inv.io.out("profile:   \(s.profile)\n")
        try inv.io.out("api url:   \(s.apiURL)\n")
        let r = try TokenResolver.resolve(s, env: inv.ctx.env)
        try inv.io.out("token:     \(TokenResolver.mask(r.token)) from \(r.source.label)\n")
        for other in s.tokenSources.dropFirst() {
            try inv.io.out("shadowed:  \(other.label) is also set and is ignored\n")
        }
        try inv.io.flush()
        let a = try inv.client().send(APICall("GET", "/whm/accounts", query: Query([("per_page", "1")])))
        try inv.io.out("check:     token accepted (HTTP \(a.status))\n")
    }
}
