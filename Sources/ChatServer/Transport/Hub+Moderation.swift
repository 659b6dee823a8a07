import Foundation
import Logging
import Moderation

extension Hub {
    /// Reads the filter file again (on SIGHUP, or when it changed on disk: `contents` is
    /// what the watcher read). A file with any problem is refused whole and the rules in
    /// force stay; either way the audit log and the server log say so. Returns whether
    /// the new rules are in force.
    @discardableResult
    func reloadFilter(contents: [UInt8]? = nil) -> Bool {
        guard let path = self.configuration.moderation.filterPath else { return false }
        let now = Date()
        do {
            let filter = try ModerationFilter.load(path: path, contents: contents)
            self.state.setFilter(filter)
            self.logger.notice("filter reloaded: \(filter.rules.count) rules from \(path)")
            self.apply([.audit(ModerationAuditEvent(time: now, kind: .filterReload(path: path, rules: filter.rules.count, error: nil)))])
            return true
        } catch {
            self.logger.error("filter not reloaded, the previous rules stay in force: \(error.reason)")
            self.apply([.audit(ModerationAuditEvent(time: now, kind: .filterReload(path: path, rules: nil, error: error.reason)))])
            return false
        }
    }
}
