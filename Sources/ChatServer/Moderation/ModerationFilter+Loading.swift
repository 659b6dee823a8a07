import Moderation

extension ModerationFilter {
    /// Reads the filter file at `path`, or parses `contents` when given: the bytes a
    /// ``FileWatcher`` read once a write was complete (`path` then only names the file).
    ///
    /// - Throws: ``ConfigurationError`` `.fileUnreadable` (`path: cannot read: …`) or
    ///   `.invalidValue` with the filter's own `path:line: what is wrong`.
    public static func load(path: String, contents: [UInt8]? = nil) throws(ConfigurationError) -> ModerationFilter {
        var bytes = try FileContents.bytes(
            atPath: path, given: contents,
            fix: "give the filter file as [moderation] filter = \"…\", a TOML file of [[rule]] tables")
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError(.invalidEncoding, "\(path):1: not valid UTF-8; save the file as UTF-8")
        }
        do {
            return try ModerationFilter(parsing: text, path: path)
        } catch {
            throw ConfigurationError(.invalidValue, error.reason)
        }
    }
}
