import ServerMetrics
import TLS
import TOMLKit

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

extension TOMLField {
    /// An array of fingerprints (`["spki:HEX", "sha256:HEX", "sha256//BASE64"]`).
    func fingerprints() throws(ConfigurationError) -> [Fingerprint] {
        guard case .array(let array) = self.value else {
            throw self.wrongType("an array of fingerprints: [\"spki:…\", \"sha256:…\"]")
        }
        var fingerprints: [Fingerprint] = []
        for (index, element) in array.enumerated() {
            guard let text = element.tomlValue.string else {
                throw self.invalid("[\(index)] must be a string (a fingerprint in quotes)")
            }
            do {
                fingerprints.append(try Fingerprint(parsing: text))
            } catch {
                throw self.invalid("[\(index)] is not a fingerprint: \(error.reason)")
            }
        }
        return fingerprints
    }
}
