import TLS

/// Whether to talk to a server whose TLS handshake just finished: a pure decision from the
/// configured pins, the known_servers entry and the presented certificate.
public enum ServerTrust {
    /// What a person is shown before trusting a server for the first time.
    public struct FirstContact: Hashable, Sendable {
        /// `host:port`.
        public let address: String
        /// The key pin to record (`sha256//BASE64`).
        public let publicKey: Fingerprint
        /// The certificate fingerprint (`sha256:HEX`), to compare with what the administrator published.
        public let certificate: Fingerprint
        public let commonName: String?

        /// The question, several lines, SSH-like.
        public var prompt: String {
            """
            The server at \(address) is not known yet\(commonName.map { " (certificate CN=\($0))" } ?? "").
              key pin:     \(publicKey)
              certificate: \(certificate)
            Compare these with what the server's administrator published.
            Trust this server and remember its key in known_servers? [y/N] 
            """
        }
    }

    /// The outcome of ``decide(address:pins:known:presented:interactive:)``.
    public enum Decision: Hashable, Sendable {
        /// Talk to the server.
        case accept
        /// First contact in an interactive run: show ``FirstContact/prompt``, record on yes.
        case ask(FirstContact)
        /// Do not send a byte; close with this error.
        case refuse(ChatClientError)
    }

    /// Decides on `presented`.
    ///
    /// Configured pins win: one must match (any of several, for rotation) and known_servers
    /// is not consulted. Without pins, a known_servers entry must match. Without either,
    /// an interactive run asks, and a non-interactive one refuses, naming the pin to add:
    /// scripts never trust on first use.
    public static func decide(
        address: String,
        pins: [Fingerprint],
        known: KnownServers.Entry?,
        knownServers: KnownServers?,
        presented: CertificateInfo,
        interactive: Bool,
        hints: ClientConfiguration = ClientConfiguration()
    ) -> Decision {
        let presentedKey = presented.publicKeyFingerprint
        if !pins.isEmpty {
            if pins.contains(where: { $0.matches(presented) }) { return .accept }
            return .refuse(pinMismatch(address: address, pins: pins, presented: presented, hints: hints))
        }
        if let known {
            if known.key.matches(presented) { return .accept }
            if let knownServers { return .refuse(knownServers.mismatch(known, presented: presentedKey, hints: hints)) }
            return .refuse(
                ChatClientError(
                    .knownServerMismatch,
                    "the server at \(address) presented key \(presentedKey) but known_servers has \(known.key); "
                        + "if the server's key was really changed, remove the stale entry with: \(hints.command("forget", address))"))
        }
        let contact = FirstContact(
            address: address, publicKey: presentedKey, certificate: presented.fingerprint, commonName: presented.commonName)
        if interactive { return .ask(contact) }
        return .refuse(
            ChatClientError(
                .untrustedServer,
                "the server at \(address) is not trusted yet (key \(presentedKey), certificate \(presented.fingerprint)); "
                    + "after checking it with the administrator, pass --pin \(presentedKey), or add pin = \"\(presentedKey)\" "
                    + "to \(hints.file) with: \(hints.command("pin", address, presentedKey.description)), or connect once interactively"))
    }

    /// The refusal naming the expected and the presented pins, the file and the command
    /// that changes only the pin.
    public static func pinMismatch(
        address: String, pins: [Fingerprint], presented: CertificateInfo, hints: ClientConfiguration = ClientConfiguration()
    ) -> ChatClientError {
        let expected = pins.map(\.description).joined(separator: " or ")
        return ChatClientError(
            .pinMismatch,
            "the server at \(address) presented key \(presented.publicKeyFingerprint) but the configured pin is \(expected); "
                + pinAdvice(address: address, presented: presented.publicKeyFingerprint.description, hints: hints))
    }

    /// What to do after a pin mismatch: check, then change only the pin, naming the file.
    static func pinAdvice(address: String, presented: String, hints: ClientConfiguration) -> String {
        "if the server's key was really changed (check with its administrator), change only the pin in \(hints.file) with: "
            + "\(hints.command("pin", address, presented)) (a --pin flag, if you gave one, wins over the file)"
    }
}
