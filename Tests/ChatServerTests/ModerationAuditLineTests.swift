@testable import ChatServer
import Foundation
import Moderation
import Testing

/// The audit log's lines exactly as SECURITY.md describes them: keys sorted, a nil field
/// left out, control bytes escaped, slashes and non-ASCII text as they are.
@Suite struct ModerationAuditLineTests {
    @Test func aFilterMatchWithoutMsgid() {
        let match = ModerationAuditEvent.FilterMatchRecord(
            rule: "r/1", action: .block, scope: .channel, account: "a", nick: "n", target: "#c", msgid: nil,
            token: "t\n\u{1}é", text: "x")
        #expect(ModerationAuditEvent(time: Date(timeIntervalSince1970: 1), kind: .filterMatch(match)).jsonLine == #"""
            {"account":"a","action":"block","event":"filter_match","nick":"n","rule":"r/1","scope":"channel","target":"#c","text":"x","time":"1970-01-01T00:00:01.000Z","token":"t\n\u0001é"}
            """#)
    }

    @Test func aReportWithItsEvidenceText() {
        let report = ModerationAuditEvent.ReportRecord(
            id: 3, account: "a", nick: "n", target: "t", reason: "r", msgid: "m", evidence: ["e1"], evidenceText: ["x"])
        #expect(ModerationAuditEvent(time: Date(timeIntervalSince1970: 2), kind: .report(report)).jsonLine == #"""
            {"account":"a","event":"report","evidence":["e1"],"evidence_text":["x"],"id":3,"msgid":"m","nick":"n","reason":"r","target":"t","time":"1970-01-01T00:00:02.000Z"}
            """#)
    }

    @Test func aFilterLoadedAndARefusal() {
        let loaded = ModerationAuditEvent(time: Date(timeIntervalSince1970: 2), kind: .filterReload(path: "/a/b", rules: 3, error: nil))
        #expect(loaded.jsonLine == #"{"event":"filter_loaded","path":"/a/b","rules":3,"time":"1970-01-01T00:00:02.000Z"}"#)
        let refused = ModerationAuditEvent(time: Date(timeIntervalSince1970: 2), kind: .filterReload(path: "f", rules: nil, error: "bad"))
        #expect(refused.jsonLine == #"{"error":"bad","event":"filter_refused","path":"f","time":"1970-01-01T00:00:02.000Z"}"#)
    }
}
