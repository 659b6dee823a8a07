import ServerMetrics

extension TOMLField {
    /// A `host:port` to listen on (`127.0.0.1:9697`, `[::1]:9697`); an empty string means off.
    func listenAddress() throws(ConfigurationError) -> ListenAddress? {
        let text = try self.string()
        if text.isEmpty { return nil }
        guard let address = ListenAddress(parsing: text) else {
            throw self.invalid("must be host:port (\"127.0.0.1:9697\", \"[::1]:9697\"), or \"\" for off, not \"\(text)\"")
        }
        return address
    }

    /// A number of seconds, 0 allowed, at most an hour.
    func secondsOrZero() throws(ConfigurationError) -> Duration {
        if case .integer(0) = self.value { return .zero }
        return try self.seconds(atMost: 3600)
    }
}
