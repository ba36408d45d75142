import SoporteJSON

/// `soporte health`: GET /admin/system/health; exit 10 when the API says it is not healthy.
enum Health {
    static let healthyWords = ["healthy", "ok", "up", "pass"]

    static func run(_ inv: Invocation) throws {
        guard let answer = try inv.sendOrPrint(APICall("GET", "/admin/system/health")) else { return }
        let doc = answer.json["data"] ?? answer.json
        try inv.printObject(doc, resource: nil)
        let status = doc["status"]?.stringValue ?? ""
        guard healthyWords.contains(status.lowercased()) else {
            throw SoporteError(.unhealthy, "the API reports itself \(status.isEmpty ? "without a status" : "'\(Sanitizer.forTerminal(status))'")",
                               requestID: answer.requestID)
        }
    }
}
