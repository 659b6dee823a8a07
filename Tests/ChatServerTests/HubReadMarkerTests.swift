import ChatServer
import Foundation
import HistoryStore
import IRC
import Testing

/// draft/read-marker: MARKREAD's get and set, who is told, the forward-only rule, the
/// marker after JOIN, and what happens when the log cannot keep it.
@Suite struct HubReadMarkerTests {
    static let cap = "draft/read-marker"
    /// HubHarness.epoch as server time, and a second before it.
    static let now = "2023-11-14T22:13:20.000Z"
    static let earlier = "2023-11-14T22:13:19.000Z"

    /// Sends `line` from `session`, then stores the marker it asked for, as the log would.
    private func markStored(_ harness: inout HubHarness, _ line: String, from session: SessionID) throws {
        harness.send(line, from: session)
        let request = try #require(harness.readMarkerRequests.last)
        harness.readMarkerStored(request, .success(request.marker.time))
    }

    /// A get, and lines refused: answered at once, with nothing asked of the log.
    static let answeredAtOnce = [
        ReplyCase(caps: cap, send: "MARKREAD", replies: [":securechat.local FAIL MARKREAD NEED_MORE_PARAMS :Missing parameters"]),
        ReplyCase(caps: cap, send: "MARKREAD #", replies: [":securechat.local FAIL MARKREAD INVALID_PARAMS # :Invalid parameters"]),
        ReplyCase(caps: cap, send: "MARKREAD #ops yesterday", replies: [
            ":securechat.local FAIL MARKREAD INVALID_PARAMS yesterday :Invalid parameters",
        ]),
        ReplyCase(caps: cap, send: "MARKREAD #ops timestamp=noon", replies: [
            ":securechat.local FAIL MARKREAD INVALID_PARAMS timestamp=noon :Invalid parameters",
        ]),
        ReplyCase(caps: cap, send: "MARKREAD #ops", replies: [":securechat.local MARKREAD #ops *"]),
        ReplyCase(caps: cap, send: "MARKREAD Bob", replies: [":securechat.local MARKREAD Bob *"]),
    ]

    @Test(arguments: answeredAtOnce)
    func aGetOrABadLineIsAnsweredAtOnce(_ exchange: ReplyCase) {
        #expect(exchange.check().readMarkerRequests.isEmpty)
    }

    @Test func aSetIsToldOnlyOnceStoredAndToEverySessionOfTheNickWithTheCap() throws {
        var harness = HubHarness()
        let laptop = harness.register("alice", caps: Self.cap)
        let phone = harness.register("alice", caps: Self.cap)
        let plain = harness.register("alice")
        let bob = harness.register("bob", caps: Self.cap)
        harness.send("MARKREAD #OPS timestamp=\(Self.earlier)", from: laptop, expecting: [],
                     "nothing is acknowledged before the marker is stored")
        let request = try #require(harness.readMarkerRequests.last)
        #expect(request.marker == ReadMarker(userKey: "alice", targetKey: "#ops", time: 1_699_999_999_000))

        harness.readMarkerStored(request, .success(request.marker.time))
        let told = ":securechat.local MARKREAD #OPS timestamp=\(Self.earlier)"
        harness.expect([laptop], received: [told])
        harness.expect([phone], received: [told])
        harness.expect([plain], received: [], "a session without the capability is not told")
        harness.expect([bob], received: [], "a marker never reaches another nick")

        harness.send("MARKREAD #ops", from: plain, expecting: [":securechat.local MARKREAD #ops timestamp=\(Self.earlier)"])
        harness.send("MARKREAD #ops", from: bob, expecting: [":securechat.local MARKREAD #ops *"])
    }

    @Test func aMarkerOnlyMovesForwardAndNeverPastNow() throws {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.cap)
        try markStored(&harness, "MARKREAD bob timestamp=\(Self.now)", from: alice)
        harness.clear()
        harness.send("MARKREAD bob timestamp=\(Self.earlier)", from: alice, expecting: [
            ":securechat.local MARKREAD bob timestamp=\(Self.now)",
        ])
        #expect(harness.readMarkerRequests.count == 1, "an older marker is not stored")

        harness.now = HubHarness.epoch.addingTimeInterval(10)
        try markStored(&harness, "MARKREAD bob timestamp=2030-01-01T00:00:00.000Z", from: alice)
        harness.expect([alice], received: [":securechat.local MARKREAD bob timestamp=2023-11-14T22:13:30.000Z"])
    }

    /// The log's answer decides: a later marker stored meanwhile wins; a failure is told and
    /// moves nothing.
    @Test(arguments: [
        (Result<Int64, HistoryStoreError>.success(1_700_000_000_000), ":securechat.local MARKREAD #ops timestamp=\(now)",
         ":securechat.local MARKREAD #ops timestamp=\(now)"),
        (.failure(HistoryStoreError(.diskFull, "the disk is full")),
         ":securechat.local FAIL MARKREAD INTERNAL_ERROR #ops :The read timestamp could not be set", ":securechat.local MARKREAD #ops *"),
    ])
    func theLogsAnswerDecides(result: Result<Int64, HistoryStoreError>, told: String, asked: String) throws {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.cap)
        harness.send("MARKREAD #ops timestamp=\(Self.earlier)", from: alice)
        let request = try #require(harness.readMarkerRequests.last)
        harness.readMarkerStored(request, result)
        harness.expect([alice], received: [told])
        harness.send("MARKREAD #ops", from: alice, expecting: [asked])
    }

    @Test func aSessionGoneBeforeTheLogAnsweredIsNotWrittenTo() throws {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.cap)
        let phone = harness.register("alice", caps: Self.cap)
        harness.send("MARKREAD #ops timestamp=\(Self.earlier)", from: alice)
        let request = try #require(harness.readMarkerRequests.last)
        harness.disconnect(alice, reason: "gone")
        harness.clear()
        harness.readMarkerStored(request, .success(request.marker.time))
        harness.expect([phone], received: [":securechat.local MARKREAD #ops timestamp=\(Self.earlier)"])
        #expect(harness.lastSends.allSatisfy { !$0.recipients.contains(alice) })
    }

    /// The answer comes even when the requester renamed itself meanwhile; the marker stays
    /// the old nick's.
    @Test func aRenamedRequesterIsStillAnswered() throws {
        var harness = HubHarness()
        let alice = harness.register("alice", bound: ["alice", "alicia"], caps: "\(Self.cap) labeled-response")
        harness.send("@label=r1 MARKREAD #ops timestamp=\(Self.earlier)", from: alice)
        let request = try #require(harness.readMarkerRequests.last)
        harness.send("NICK alicia", from: alice)
        harness.clear()
        harness.readMarkerStored(request, .success(request.marker.time))
        harness.expect([alice], received: ["@label=r1 :securechat.local MARKREAD #ops timestamp=\(Self.earlier)"])
        harness.send("MARKREAD #ops", from: alice, expecting: [
            ":securechat.local MARKREAD #ops *",
        ], "alicia has no marker of her own")
    }

    @Test func aJoinTellsTheMarkerBeforeTheNames() throws {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: Self.cap)
        let plain = harness.register("alice")
        try markStored(&harness, "MARKREAD #ops timestamp=\(Self.earlier)", from: alice)
        harness.clear()
        harness.send("JOIN #ops", from: alice, expecting: [
            ":alice!alice@192.0.2.1 JOIN #ops",
            ":securechat.local MARKREAD #ops timestamp=\(Self.earlier)",
            ":securechat.local 353 alice = #ops @alice",
            ":securechat.local 366 alice #ops :End of /NAMES list",
        ])
        #expect(harness.takeCommands(plain) == ["JOIN", "353", "366"])

        harness.send("JOIN #dev", from: alice)
        #expect(harness.takeCommands(alice) == ["JOIN", "MARKREAD", "353", "366"])
    }

    @Test func markersReadAtStartAreServed() {
        var harness = HubHarness()
        harness.hub.setReadMarkers([
            ReadMarker(userKey: "alice", targetKey: "#ops", time: 1_699_999_999_000),
            ReadMarker(userKey: "alice", targetKey: "bob", time: 1_699_999_000_000),
        ])
        let alice = harness.register("alice", caps: Self.cap)
        harness.send("MARKREAD #Ops", "MARKREAD BOB", from: alice, expecting: [
            ":securechat.local MARKREAD #Ops timestamp=\(Self.earlier)",
            ":securechat.local MARKREAD BOB timestamp=2023-11-14T21:56:40.000Z",
        ])
    }

    @Test func aNickHasAtMostAThousandMarkers() {
        var harness = HubHarness()
        harness.hub.setReadMarkers((0..<1_000).map {
            ReadMarker(userKey: "alice", targetKey: "#c\($0)", time: 1_699_999_000_000)
        })
        let alice = harness.register("alice", caps: Self.cap)
        harness.send(
            "MARKREAD #new timestamp=\(Self.earlier)", "MARKREAD #c7 timestamp=\(Self.earlier)",
            from: alice,
            expecting: [":securechat.local FAIL MARKREAD INVALID_PARAMS #new :Too many read markers (at most 1000)"]
        )
        #expect(harness.readMarkerRequests.map(\.marker.targetKey) == ["#c7"], "a marker already kept still moves")
    }

    @Test func withoutTheLogAMarkerMovesAtOnce() {
        var configuration = HubConfiguration(created: HubHarness.epoch)
        configuration.hasHistoryLog = false
        var harness = HubHarness(configuration)
        let alice = harness.register("alice", caps: Self.cap)
        harness.send("MARKREAD #ops timestamp=\(Self.earlier)", from: alice, expecting: [
            ":securechat.local MARKREAD #ops timestamp=\(Self.earlier)",
        ])
        #expect(harness.readMarkerRequests.isEmpty)
    }

    @Test func aLabeledSetIsAnsweredWithTheLabelOnceStored() throws {
        var harness = HubHarness()
        let alice = harness.register("alice", caps: "\(Self.cap) labeled-response batch")
        let phone = harness.register("alice", caps: Self.cap)
        harness.send("@label=m1 MARKREAD #ops timestamp=\(Self.earlier)", from: alice, expecting: [])
        let request = try #require(harness.readMarkerRequests.last)
        harness.readMarkerStored(request, .success(request.marker.time))
        harness.expect([alice], received: ["@label=m1 :securechat.local MARKREAD #ops timestamp=\(Self.earlier)"])
        harness.expect([phone], received: [":securechat.local MARKREAD #ops timestamp=\(Self.earlier)"])

        harness.send("@label=m2 MARKREAD #dev timestamp=\(Self.earlier)", from: alice)
        let failing = try #require(harness.readMarkerRequests.last)
        harness.readMarkerStored(failing, .failure(HistoryStoreError(.readOnly, "read-only")))
        harness.expect([alice], received: [
            "@label=m2 :securechat.local FAIL MARKREAD INTERNAL_ERROR #dev :The read timestamp could not be set"
        ])
    }
}
