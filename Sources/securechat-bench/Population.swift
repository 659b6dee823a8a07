import ChatClient
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Connecting many registered users at once, and the file-descriptor limit that needs.
enum Population {
    /// Connects `count` users (nicks 0..<count), each registered and, when `channel`
    /// names one for its index, joined to it (without `register`, only the TLS handshake is
    /// done and nothing is sent); at most `concurrency` in progress at once.
    ///
    /// Returns the clients (nil for each that failed), the failure count and first error.
    static func connect(
        count: Int, concurrency: Int = 64, group: any EventLoopGroup, options: BenchOptions,
        contexts: ClientContexts, register: Bool = true, channel: @escaping @Sendable (Int) -> String?
    ) async -> (clients: [BenchClient?], failures: Int, firstError: String?) {
        let outcome = await concurrently(count: count, concurrency: concurrency) { index in
            let nick = options.nick(index)
            let client = try await BenchClient.connect(
                group: group, options: options, context: try contexts.context(for: nick), nick: register ? nick : nil)
            if let name = channel(index) {
                do {
                    try await client.join(name)
                } catch {
                    client.close()
                    throw error
                }
            }
            return client
        }
        return (outcome.results, outcome.failures, outcome.firstError)
    }

    /// Raises the soft RLIMIT_NOFILE to the hard limit and, when that is still too low for
    /// `connections` (and the generator's own files), says so in `report`.
    static func raiseFileLimit(for connections: Int, into report: inout JSONLine) {
        let limit = Self.raiseFileLimit()
        if limit < connections + 64 {
            report["nofile_too_low"] =
                "RLIMIT_NOFILE \(limit) < \(connections + 64): raise the hard limit (ulimit -Hn) or use fewer connections"
        }
    }

    /// Raises the soft RLIMIT_NOFILE to the hard limit; returns the new soft limit.
    static func raiseFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return -1 }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return Int(limit.rlim_cur)
    }

    /// Closes every client and gives the server a moment to see the closes.
    static func closeAll(_ clients: [BenchClient?]) async {
        for case let client? in clients { client.close() }
        try? await Task.sleep(for: .milliseconds(500))
    }
}
