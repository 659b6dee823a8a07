import IRC
import TLS

/// Who may become an operator with OPER: certificate holders named in server.toml's
/// `[operators]` table, by a nick (every certificate the allowlist binds to it) or by a
/// fingerprint (that certificate, or that public key, whatever nicks it uses). There are
/// no passwords: the certificate is the credential.
public struct OperatorList: Sendable, Equatable {
    /// One line of the table: a nick or a fingerprint, and its class.
    public enum Holder: Hashable, Sendable, CustomStringConvertible {
        case nick(String)
        case fingerprint(Fingerprint)

        public var description: String {
            switch self {
            case .nick(let nick): nick
            case .fingerprint(let fingerprint): fingerprint.hexDescription
            }
        }
    }

    /// Each listed holder with its class, in no particular order.
    public private(set) var entries: [Holder: OperatorClass] = [:]

    /// An empty list: nobody can become an operator.
    public init() {}

    public init(_ entries: [Holder: OperatorClass]) {
        for (holder, operatorClass) in entries {
            self.entries[Self.normalized(holder)] = operatorClass
        }
    }

    public var isEmpty: Bool { self.entries.isEmpty }

    /// The class `OPER name` grants a session authenticated by `identity`, or nil (491).
    ///
    /// `name` must be a nick the allowlist binds to the certificate; the grant is then
    /// the one listed for that nick or for the certificate's fingerprint or public-key
    /// fingerprint, the highest when several are.
    public func operatorClass(forName name: String, identity: ClientIdentity) -> OperatorClass? {
        guard identity.boundNicks.contains(where: { IRCCaseMapping.equals($0, name) }) else { return nil }
        let grants = [
            self.entries[.nick(IRCCaseMapping.fold(name))],
            self.entries[.fingerprint(identity.certificateFingerprint)],
            self.entries[.fingerprint(identity.publicKeyFingerprint)],
        ]
        return grants.compactMap { $0 }.max()
    }

    /// Nicks are kept folded, so that lookups follow `CASEMAPPING=ascii`.
    private static func normalized(_ holder: Holder) -> Holder {
        switch holder {
        case .nick(let nick): .nick(IRCCaseMapping.fold(nick))
        case .fingerprint: holder
        }
    }
}
