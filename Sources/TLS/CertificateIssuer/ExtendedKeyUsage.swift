/// The TLS roles a leaf certificate may play: its extendedKeyUsage extension.
package struct ExtendedKeyUsage: OptionSet, Hashable, Sendable {
    package let rawValue: Int

    package init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// A TLS server may present it.
    package static let serverAuth = ExtendedKeyUsage(rawValue: 1 << 0)
    /// A TLS client may present it.
    package static let clientAuth = ExtendedKeyUsage(rawValue: 1 << 1)

    /// The extension's OpenSSL configuration value, roles in a fixed order. With no role the
    /// certificate says `emailProtection` only, so that neither TLS role accepts it.
    var configurationValue: String {
        var purposes: [String] = []
        if self.contains(.serverAuth) { purposes.append("serverAuth") }
        if self.contains(.clientAuth) { purposes.append("clientAuth") }
        return purposes.isEmpty ? "emailProtection" : purposes.joined(separator: ",")
    }
}
