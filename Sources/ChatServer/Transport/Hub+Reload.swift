import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import TLS

extension Hub {
    /// Reads the allowlist again. A malformed file is refused as a whole (the old list
    /// stays). What the change means for each live session is ``AllowlistReload``'s
    /// decision: sessions whose certificate lost every line are closed at once, those
    /// whose bindings changed are told their current nicks, the others are left alone.
    /// `contents`: the bytes the file watcher read once the write was complete, if any.
    @discardableResult
    func reloadAllowlist(contents: [UInt8]? = nil) -> Bool {
        let fresh: Allowlist
        do {
            fresh = try Allowlist.load(path: self.configuration.allowlistPath, contents: contents)
        } catch {
            self.logger.error("allowlist not reloaded, the previous one stays in force: \(error.reason)")
            self.counters.allowlistReloads[.rejected, default: 0] += 1
            return false
        }
        let reload = AllowlistReload(old: self.allowlist, new: fresh)
        self.counters.allowlistReloads[.success, default: 0] += 1
        self.counters.allowlistReloadedAt = Date()
        self.replaceAllowlist(with: fresh)
        if self.history != nil { self.state.setKnownNicks(fresh.entries.map(\.nick)) }
        var closed = 0
        if reload.hasChanges {
            let now = Date()
            // Each with how an operator notice names it: its nick, or its certificate's
            // fingerprint before it had one.
            var outcomes: [(SessionID, AllowlistReload.Outcome, name: String)] = []
            self.forEachConnection { connection, id in
                let nick = self.state.nick(of: id)
                let outcome = reload.outcome(for: connection.certificate, nick: nick)
                if outcome != .unchanged {
                    outcomes.append((id, outcome, nick ?? connection.certificate.fingerprint.hexDescription))
                }
            }
            var removed: [String] = []
            for (id, outcome, name) in outcomes {
                switch outcome {
                case .unchanged:
                    continue
                case .revoked:
                    closed += 1
                    removed.append(name)
                    self.apply(self.state.disallow(id, now: now))
                case .nickRemoved(let nicks):
                    removed.append(name)
                    self.apply(self.state.updateBindings(id, boundNicks: nicks, now: now))
                case .nicksChanged(let nicks):
                    self.apply(self.state.updateBindings(id, boundNicks: nicks, now: now))
                }
            }
            if !removed.isEmpty {
                self.apply(self.state.notifyOperators(
                    "Allowlist reloaded: closed \(removed.count == 1 ? "1 session" : "\(removed.count) sessions") "
                        + "no longer allowed: \(removed.joined(separator: ", "))"
                ))
            }
        }
        self.flush()
        self.logger.log(level: fresh.isEmpty ? .warning : .notice, "\(reload.summary(closed: closed))")
        return true
    }

    /// Reads server.toml's `[operators]` again: operator sessions it no longer grants lose
    /// `+o`. A file that fails to load changes nothing.
    func reloadOperators(_ operators: OperatorList) {
        self.apply(self.state.setOperators(operators))
        self.flush()
        self.logger.notice("operators reloaded: \(operators.entries.count) listed in [operators]")
    }

    /// Makes `context` the TLS context for new handshakes, and has each I/O loop check its
    /// live sessions against it: those the new CA bundle or CRL no longer admits come back
    /// as ``HubEvent/revoke(_:reason:)`` and are closed.
    func reloadTLS(_ context: TLSContext) {
        self.tlsContext.withLockedValue { $0 = context }
        for (loop, handles) in self.handlesByLoop() {
            loop.reverify(handles, against: context)
        }
    }

    /// Says goodbye to every session (`ERROR :Server shutting down`, after what was
    /// already routed to it); the future completes when all are closed.
    func shutdown() -> EventLoopFuture<Void> {
        self.beginShutdown()
        self.flush()
        let byLoop = self.handlesByLoop()
        self.counters.disconnects[.shutdown, default: 0] += byLoop.reduce(0) { $0 + $1.handles.count }
        let closing = byLoop.map { loop, handles in
            loop.close(handles, reason: "Server shutting down")
        }
        return EventLoopFuture.andAllComplete(closing, on: self.loop)
    }

    /// Logs, once a day and at start, the live sessions whose certificate expires soon.
    func logExpiringCertificates(now: Date = Date()) {
        let days = self.configuration.limits.expiryWarningDays
        self.forEachConnection { connection, id in
            let left = connection.certificate.daysUntilExpiry(from: now)
            if left <= days {
                self.logger.warning("client certificate expires in \(left) days", metadata: self.metadata(connection, id))
            }
        }
    }
}
