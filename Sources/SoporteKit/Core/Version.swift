/// The version printed by `--version` and sent in `User-Agent`.
public enum Version {
    public static let current = "0.2.0"
}
