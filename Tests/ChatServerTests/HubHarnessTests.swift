import ChatServer
import HistoryStore
import Foundation
import IRC
import NIOCore
import TLS
import Testing

/// Drives a ``HubState`` the way the transport does and keeps, per session, the lines
/// it was sent, so tests read like a client's log.
struct HubHarness {
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)

    var hub: HubState
    var now = HubHarness.epoch
    /// Lines received per session since the last ``take(_:)`` or ``clear()``.
    private(set) var received: [SessionID: [String]] = [:]
    /// Close reasons per closed session.
    private(set) var closed: [SessionID: String] = [:]
    /// Every record the hub asked to store, in order.
    private(set) var records: [HistoryRecord] = []
    /// Every read of the log the hub asked for, in order; answer with ``answer(_:with:)``.
    private(set) var historyRequests: [HistoryRequest] = []
    /// Every server notice to operators, in order.
    private(set) var serverNotices: [String] = []
    /// Reports and resolutions the hub asked the store to keep, in order.
    private(set) var reportRequests: [ReportRequest] = []
    private(set) var resolveRequests: [ResolveRequest] = []
    /// Read markers the hub asked the store to keep, in order; answer with ``readMarkerStored(_:_:)``.
    private(set) var readMarkerRequests: [ReadMarkerRequest] = []
    /// Every moderation audit event, in order.
    private(set) var audits: [ModerationAuditEvent] = []
    /// Every `.registered` output, in order.
    private(set) var registrations: [HubOutput] = []
    /// What the last event returned, unchanged.
    private(set) var lastOutputs: [HubOutput] = []
    private var nextSeed: UInt8 = 1

    init(_ configuration: HubConfiguration = HubConfiguration(created: HubHarness.epoch)) {
        hub = HubState(configuration: configuration)
    }

    /// An identity with fingerprints derived from `seed`, valid for a year unless told.
    static func identity(bound: [String], host: String = "192.0.2.1", notAfter: Date? = nil, seed: UInt8 = 1) -> ClientIdentity {
        ClientIdentity(
            certificateFingerprint: Fingerprint(kind: .certificate, digest: Array(repeating: seed, count: 32)),
            publicKeyFingerprint: Fingerprint(kind: .publicKey, digest: Array(repeating: seed &+ 1, count: 32)),
            commonName: bound.first,
            certificateNotAfter: notAfter ?? epoch.addingTimeInterval(365 * 86_400),
            boundNicks: bound,
            host: host
        )
    }

    /// Connects a new session whose certificate is bound to `bound`.
    mutating func connect(bound: [String], host: String = "192.0.2.1", notAfter: Date? = nil) -> SessionID {
        let identity = Self.identity(bound: bound, host: host, notAfter: notAfter, seed: nextSeed)
        nextSeed &+= 1
        let (session, outputs) = hub.connect(identity: identity, now: now)
        record(outputs)
        return session
    }

    /// Connects and registers `nick` (bound to `[nick]` unless told), requesting `caps`
    /// first when given, then forgets everything the session received.
    @discardableResult
    mutating func register(_ nick: String, bound: [String]? = nil, caps: String? = nil, host: String = "192.0.2.1") -> SessionID {
        let session = connect(bound: bound ?? [nick], host: host)
        if let caps {
            send("CAP LS 302", from: session)
            send("CAP REQ :\(caps)", from: session)
        }
        send("NICK \(nick)", from: session)
        send("USER \(nick) 0 * :\(nick) Example", from: session)
        if caps != nil {
            send("CAP END", from: session)
        }
        #expect(hub.isRegistered(session), "\(nick) did not register: \(received[session] ?? [])")
        clear()
        return session
    }

    /// Parses each of `lines` as the client would send it and hands it to the hub, in order.
    mutating func send(_ lines: String..., from session: SessionID) {
        for line in lines {
            guard let message = try? IRCMessage(parsing: Array(line.utf8)) else {
                Issue.record("test line does not parse: \(line)")
                continue
            }
            record(hub.handle(message, from: session, now: now))
        }
    }

    /// Hands `bytes` to the hub as one line the transport cut (no line ending).
    mutating func receive(line bytes: [UInt8], from session: SessionID) {
        record(hub.receive(.line(ByteBuffer(bytes: bytes)), from: session, now: now))
    }

    /// Tells the hub the transport dropped an over-long line.
    mutating func receiveTooLong(from session: SessionID) {
        record(hub.receive(.tooLong, from: session, now: now))
    }

    /// The transport closes the session (a timeout, flood, a full send queue).
    mutating func close(_ session: SessionID, reason: String) {
        record(hub.close(session, reason: reason, now: now))
    }

    mutating func revoke(_ session: SessionID, reason: String) {
        record(hub.revoke(session, reason: reason, now: now))
    }

    mutating func disallow(_ session: SessionID) {
        record(hub.disallow(session, now: now))
    }

    /// Hands the hub the log's answer to `request`.
    mutating func answer(_ request: HistoryRequest, with answer: HistoryAnswer) {
        record(hub.answer(request, with: answer, now: now))
    }

    /// Hands the hub the store's outcome for a REPORT.
    mutating func reportFiled(_ request: ReportRequest, _ result: Result<ReportFilingResult, HistoryStoreError>) {
        record(hub.reportFiled(request, result: result, now: now))
    }

    /// Hands the hub the store's outcome for a RESOLVE.
    mutating func reportResolved(_ request: ResolveRequest, _ result: Result<StoredReport?, HistoryStoreError>) {
        record(hub.reportResolved(request, result: result, now: now))
    }

    /// Hands the hub the store's outcome for a MARKREAD.
    mutating func readMarkerStored(_ request: ReadMarkerRequest, _ result: Result<Int64, HistoryStoreError>) {
        record(hub.readMarkerStored(request, result: result, now: now))
    }

    mutating func ping(_ session: SessionID) {
        record(hub.ping(session))
    }

    mutating func disconnect(_ session: SessionID, reason: String) {
        record(hub.disconnect(session, reason: reason, now: now))
    }

    mutating func updateBindings(_ session: SessionID, _ nicks: [String]) {
        record(hub.updateBindings(session, boundNicks: nicks, now: now))
    }

    /// The lines `session` received since the last take, and forgets them.
    mutating func take(_ session: SessionID) -> [String] {
        defer { received[session] = nil }
        return received[session] ?? []
    }

    /// The commands (or numerics) of the lines `session` received, and forgets them.
    mutating func takeCommands(_ session: SessionID) -> [String] {
        take(session).compactMap { line in (try? IRCMessage(parsing: Array(line.utf8)))?.command }
    }

    mutating func clear() {
        received = [:]
        lastOutputs = []
    }

    /// The `.send` outputs of the last event.
    var lastSends: [(message: IRCMessage, recipients: [SessionID])] {
        lastOutputs.compactMap {
            if case .send(let message, let recipients) = $0 { return (message, recipients) }
            return nil
        }
    }

    private mutating func record(_ outputs: [HubOutput]) {
        lastOutputs = outputs
        for output in outputs {
            switch output {
            case .send(let message, let recipients):
                let line = message.serialized
                #expect(
                    line.utf8.count - Self.tagSectionLength(line) <= 510,
                    "line over 512 bytes: \(line.prefix(80))…"
                )
                #expect(message.isWellFormed, "malformed: \(line)")
                for recipient in recipients {
                    received[recipient, default: []].append(line)
                }
            case .close(let session, _, let reason): closed[session] = reason
            case .registered: registrations.append(output)
            case .record(let record, _): records.append(record)
            case .queryHistory(let request): historyRequests.append(request)
            case .serverNotice(let text): serverNotices.append(text)
            case .audit(let event): audits.append(event)
            // The harness's log stores at once: what waited for it goes out now.
            case .sendWhenStored(let message, let recipients, _): deliver([message], to: recipients)
            case .sendAllWhenStored(let messages, let recipients, _): deliver(messages, to: recipients)
            case .fileReport(let request): reportRequests.append(request)
            case .resolveReport(let request): resolveRequests.append(request)
            case .storeReadMarker(let request): readMarkerRequests.append(request)
            }
        }
    }

    /// Adds `messages`, in order, to what each of `recipients` received.
    private mutating func deliver(_ messages: [IRCMessage], to recipients: [SessionID]) {
        for recipient in recipients {
            received[recipient, default: []] += messages.map(\.serialized)
        }
    }

    private static func tagSectionLength(_ line: String) -> Int {
        guard line.hasPrefix("@"), let space = line.utf8.firstIndex(of: UInt8(ascii: " ")) else { return 0 }
        return line.utf8.distance(from: line.utf8.startIndex, to: space) + 1
    }
}

@Suite struct HubHarnessTests {
    @Test func registeredSessionsStartWithAnEmptyLog() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        #expect(harness.take(alice).isEmpty)
        #expect(harness.hub.nick(of: alice) == "alice")
        #expect(harness.hub.sessionCount == 1)
    }
}
