import IRC
import TLS

/// What a reload of the allowlist means for the sessions already connected.
///
/// The server builds one from the old and the new file, then asks about each live session.
/// Only sessions whose own bindings changed are affected; the rest are left alone. The
/// server's own business: tests reach it through `@testable import`.
struct AllowlistReload: Sendable {
    /// What to do with one connected session.
    enum Outcome: Hashable, Sendable {
        /// The certificate is bound to exactly the same nicks as before.
        case unchanged
        /// Still admitted and the session's nick is still bound to it, but other nicks were
        /// added or removed; `nicks` is the new list in file order (first = account name).
        case nicksChanged(nicks: [String])
        /// Still admitted, but no longer under the nick the session uses; `nicks` lists the
        /// ones it may still use. The server disconnects it (or renames it).
        case nickRemoved(nicks: [String])
        /// No line admits the certificate any more: disconnect the session.
        case revoked

        /// Whether the certificate may still connect at all.
        var isAdmitted: Bool { self != .revoked }
    }

    let old: Allowlist
    let new: Allowlist

    /// Whether any binding was added, removed or moved (order decides account names);
    /// comments, blank lines, nick case and fingerprint spelling do not count. When false
    /// the server need not look at any session.
    var hasChanges: Bool {
        self.old.entries.map(Self.key) != self.new.entries.map(Self.key)
    }

    /// What the reload means for a session authenticated by `certificate` and currently
    /// using `nick` (nil before registration: then only admission matters).
    func outcome(for certificate: CertificateInfo, nick: String?) -> Outcome {
        let after = self.new.nicks(for: certificate)
        guard !after.isEmpty else { return .revoked }
        if let nick, !after.contains(where: { IRCCaseMapping.equals($0, nick) }) {
            return .nickRemoved(nicks: after)
        }
        let before = self.old.nicks(for: certificate)
        return before.map(IRCCaseMapping.fold) == after.map(IRCCaseMapping.fold) ? .unchanged : .nicksChanged(nicks: after)
    }

    /// The log line for this reload once `closed` sessions were closed. A new list that
    /// binds nothing says in words what it does, since emptying the file is how an operator
    /// locks everyone out, and by mistake it looks like an outage.
    func summary(closed: Int) -> String {
        guard self.new.isEmpty else {
            return "allowlist reloaded: \(self.new.entries.count) lines, \(closed) sessions closed"
        }
        return "the allowlist \(self.new.path) is now empty: every session is closed and nobody can log in "
            + "until lines are added (\(closed) sessions closed)"
    }

    private static func key(_ entry: Allowlist.Entry) -> String {
        IRCCaseMapping.fold(entry.nick) + " " + entry.fingerprint.hexDescription
    }
}
