import Foundation
import TLS

/// The start-up warning about the user's own certificate.
public enum CertificateExpiry {
    /// One line when `certificate` has expired or expires within `days` days, else nil;
    /// the line names the command that renews it.
    public static func warning(for certificate: CertificateInfo, nick: String, days: Int, now: Date = Date()) -> String? {
        let left = certificate.daysUntilExpiry(from: now)
        let renew = "renew it with: scripts/gen-certs.sh client \(nick)"
        if certificate.notAfter <= now {
            return "warning: your certificate expired \(max(-left, 0)) day(s) ago and the server will refuse it; \(renew)"
        }
        guard left <= days else { return nil }
        return "warning: your certificate expires in \(left) day(s); \(renew)"
    }
}
