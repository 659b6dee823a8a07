import Foundation
import ServerTime
import Testing

@testable import HistoryStore

@Suite("Export and purge")
struct ExportTests {
    @Test func aLineHasItsFieldsInOrderAndEscaped() {
        let record = HistoryRecord(
            id: MessageID(epoch: 1, counter: 2),
            event: channelMessage("say \"hi\"\nand ☃ / done", from: "alice", to: "#Ops", at: 1_546_612_406_123)
        )
        #expect(HistoryExportLine.encode(record) == """
            {"time":"2019-01-04T14:33:26.123Z","msgid":"\(record.id)","from":"alice!alice@localhost",\
            "target":"#Ops","text":"say \\"hi\\"\\nand ☃ / done"}
            """)
    }

    @Test func exportWritesTheTargetsMessagesSinceATimeAsJSONLines() async throws {
        try await withStore { store, _, directory async throws in
            let records = await appendAll((0..<1500).map {
                channelMessage("m\($0)", at: baseTime + Int64($0))
            } + [channelMessage("elsewhere", to: "#dev", at: baseTime + 10)], to: store)
            let destination = directory.appendingPathComponent("ops.jsonl")
            let written = try await store.export(.channel("#ops"), since: baseTime + 100, to: destination)
            #expect(written == 1400)

            let lines = try String(contentsOf: destination, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 1400)
            let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: String])
            #expect(first == [
                "time": ServerTimeFormat.format(baseTime + 100),
                "msgid": records[100].id.description,
                "from": "alice!alice@localhost",
                "target": "#ops",
                "text": "m100",
            ])
            let last = try #require(try JSONSerialization.jsonObject(with: Data(lines[1399].utf8)) as? [String: String])
            #expect(last["text"] == "m1499")
        }
    }

    @Test func exportToAnUncreatableFileFailsByName() async throws {
        try await withStore { store, _, directory async throws in
            let destination = directory.appendingPathComponent("missing/dir/out.jsonl")
            let error = await #expect(throws: HistoryStoreError.self) {
                try await store.export(.channel("#ops"), since: 0, to: destination)
            }
            #expect(error?.description.contains(destination.path) == true)
        }
    }

    @Test func purgeDeletesEverythingANickSentAndNothingElse() async throws {
        try await withStore { store, _, _ async throws in
            await appendAll(
                (0..<30).map { channelMessage("spam \($0)", from: "mallory", at: baseTime + Int64($0)) }
                    + [
                        privateMessage("dm spam", from: "mallory", to: "bob"),
                        privateMessage("reply", from: "bob", to: "mallory"),
                        channelMessage("fine", from: "alice"),
                    ],
                to: store
            )
            let deleted = try await store.purge(sentBy: "mallory", chunkSize: 7)
            #expect(deleted == 31)
            #expect(texts(try await store.messages(in: .channel("#ops"), .latest(after: nil), limit: 100)) == ["fine"])
            #expect(texts(try await store.messages(in: .direct("bob", "mallory"), .latest(after: nil), limit: 100)) == ["reply"])
        }
    }

    @Test func aPurgeWaitsForAnotherProcessesWriteInsteadOfFailing() async throws {
        try await withStore { server, _, directory async throws in
            await appendAll([channelMessage("gone", from: "mallory"), channelMessage("kept")], to: server)
            // The operator's tool opens the same file beside the running server.
            let (tool, _) = try openStore(in: directory)
            let holding = Task {
                try await server.maintenanceWrite { _ in Thread.sleep(forTimeInterval: 0.3) }
            }
            try await Task.sleep(for: .milliseconds(50))
            let deleted = try await tool.purge(sentBy: "mallory")
            try await holding.value
            await tool.close()
            #expect(deleted == 1)
            #expect(texts(try await server.messages(in: .channel("#ops"), .latest(after: nil), limit: 10)) == ["kept"])
        }
    }

    @Test func exportIntoAHandleWritesTheSameLines() async throws {
        try await withStore { store, _, directory async throws in
            await appendAll([channelMessage("one"), channelMessage("two", at: baseTime + 1)], to: store)
            let file = directory.appendingPathComponent("piped.jsonl")
            #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
            let handle = try FileHandle(forWritingTo: file)
            let written = try await store.export(.channel("#ops"), since: 0, into: handle, named: "standard output")
            try handle.close()
            #expect(written == 2)
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 2 && lines[1].contains("\"text\":\"two\""))
        }
    }
}
