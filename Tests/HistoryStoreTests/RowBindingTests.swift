import Foundation
import GRDB
import Testing

@testable import HistoryStore

/// The writer binds each column straight to SQLite (``StatementRow``): every kind of value
/// must come back as it went in, and each column must hold what its name says.
@Suite("Row binding")
struct RowBindingTests {
    @Test func everyColumnComesBackAsItWasAppended() async throws {
        try await withTemporaryDirectory { directory in
            let (store, _) = try openStore(in: directory)
            var tagged = channelMessage("", kind: .tagmsg, clientTags: "+draft/react=👍;+example.com/x=a\\sb")
            tagged.account = nil
            let events = [
                channelMessage("plain", from: "Alice", to: "#Ops"),
                tagged,
                channelMessage("Grüße ☃ 日本語 \u{1F680}", from: "bob"),
                privateMessage("to you", from: "Carol", to: "Dave"),
                HistoryEvent(
                    time: baseTime + 5, kind: .notice, source: "server.example", senderKey: "server.example",
                    account: "", target: .user(key: "dave", display: "Dave"), text: String(repeating: "x", count: 4000)
                ),
            ]
            let records = await appendAll(events, to: store)
            await store.close()

            let reader = try independentReader(store.path)
            let stored = try await reader.read { db in
                try HistoryRecord.fetchAll(db, sql: "SELECT \(HistoryRecord.selection) FROM event ORDER BY seq", arguments: [])
            }
            #expect(stored == records)
            let columns = try await reader.read { db in
                try Row.fetchAll(db, sql: "SELECT sender, conversation, account IS NULL AS noAccount FROM event ORDER BY seq")
                    .map { [$0["sender"] as String, $0["conversation"] as String, ($0["noAccount"] as Bool) ? "null" : "set"] }
            }
            #expect(columns == records.map {
                [String($0.event.senderNick), $0.event.conversation.storageKey, $0.event.account == nil ? "null" : "set"]
            })
            #expect(columns[0][0] == "Alice")
            #expect(columns[1][2] == "null")
        }
    }

    @Test(arguments: [
        ("alice!a@host", "alice"), ("alice@host", "alice"), ("server.example", "server.example"), ("Grüße!g@h", "Grüße"), ("", ""),
    ])
    func theSenderNickEndsAtTheFirstBangOrAt(source: String, nick: String) {
        let event = HistoryEvent(
            time: 0, kind: .privmsg, source: source, senderKey: "k", target: .channel(key: "#a", display: "#a"), text: "t"
        )
        #expect(event.senderNick == nick)
    }
}
