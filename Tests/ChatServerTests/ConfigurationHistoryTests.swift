@testable import ChatServer
import Foundation
import HistoryStore
import Testing

/// `[history]` and `data_dir` in server.toml (its mistakes are among ConfigurationTOMLTests'
/// `errorNamesTheLine` cases).
@Suite struct ConfigurationHistoryTests {
    @Test func historyDefaultsAreTheDocumentedOnes() {
        let history = ServerConfiguration().history
        #expect(history.enabled)
        #expect(history.durability == .full)
        #expect(history.replayOnJoin == 20)
        #expect(history.replayMaxAge == .seconds(86_400))
        #expect(history.retention == .seconds(90 * 86_400))
        #expect(history.maxMessagesPerTarget == 0)
    }

    @Test func theHistoryTableAndDataDirAreRead() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(
            toml: """
                data_dir = "state"
                [history]
                enabled = false
                durability = "normal"
                replay_on_join = 5
                replay_max_age = 3600
                retention = 86400
                max_messages_per_target = 1000
                """,
            path: "/etc/securechat/server.toml")
        #expect(configuration.dataDirectory == "/etc/securechat/state")
        #expect(!configuration.history.enabled)
        #expect(configuration.history.durability == .normal)
        #expect(configuration.history.replayOnJoin == 5)
        #expect(configuration.history.replayMaxAge == .seconds(3600))
        #expect(configuration.history.retention == .seconds(86_400))
        #expect(configuration.history.maxMessagesPerTarget == 1000)
    }

    @Test func theDataDirectoryDefaultsToDataBesideTheConfigurationFile() throws {
        var configuration = ServerConfiguration()
        #expect(configuration.resolvedDataDirectory == "data")
        try configuration.apply(toml: "port = 6697\n", path: "/etc/securechat/server.toml")
        #expect(configuration.resolvedDataDirectory == "/etc/securechat/data")
    }

    @Test func pruningKeepsTheRetentionWindowAndTheCap() {
        var history = ServerConfiguration.History()
        history.retention = .seconds(3600)
        history.maxMessagesPerTarget = 50
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let pruning = history.pruning(now: now)
        #expect(pruning.cutoff == Int64(1_699_996_400_000))
        #expect(pruning.maximumMessagesPerTarget == 50)
        history.maxMessagesPerTarget = 0
        #expect(history.pruning(now: now).maximumMessagesPerTarget == nil)
    }
}
