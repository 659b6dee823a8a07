import Foundation
import HistoryStore
import IRC
import ServerTime

/// draft/read-marker (IRCv3): the sessions of a nick share the time of the last message
/// read in each buffer, so that the laptop stops notifying what the phone has shown.
///
/// A marker belongs to the nick (as channels do), never leaves it (no other user is told),
/// and only moves forward. It is stored in the history log before anyone is told it moved:
/// the MARKREAD that answers a client's set is its acknowledgement. The hub keeps every
/// marker in memory, read from the log at start; without the log (`[history] enabled =
/// false`) markers live in memory only and are lost at a restart.
extension HubState {
    /// At most this many buffers with a marker per nick: a marker is a row in the log and
    /// an entry in memory, and any channel name or nick may be named.
    static let readMarkersPerNick = 1_000

    /// The markers stored at the last stop, read from the log at start.
    public mutating func setReadMarkers(_ markers: [ReadMarker]) {
        readMarkers = [:]
        for marker in markers {
            readMarkers[marker.userKey, default: [:]][marker.targetKey] = max(
                marker.time, readMarkers[marker.userKey]?[marker.targetKey] ?? marker.time
            )
        }
    }

    /// MARKREAD <target> [timestamp=<time>]
    ///
    /// Without a timestamp: the nick's marker for the buffer (`*` when there is none).
    /// With one: moves the marker there (clamped to now), or answers with the stored one
    /// when that is later. `FAIL MARKREAD NEED_MORE_PARAMS` without a target,
    /// `INVALID_PARAMS` for a target that is neither a channel nor a nick or a timestamp
    /// that is not `timestamp=` and a server time, or for a new buffer beyond
    /// ``readMarkersPerNick``.
    mutating func markRead(_ command: HubCommandContext, into replies: inout HubResponseBuffer) {
        guard let user = sessions.read(command.session, { $0.userID }) ?? nil, let userKey = users.read(user, { $0.key })
        else { return }
        guard let target = command.params.first, !target.isEmpty else {
            replies.fail("MARKREAD", .needMoreParameters, "Missing parameters")
            return
        }
        guard IRCName.isValidChannelName(target) || IRCName.isValidNickname(target) else {
            replies.fail("MARKREAD", .invalidParameters, [target], "Invalid parameters")
            return
        }
        let targetKey = IRCCaseMapping.fold(target)
        let stored = readMarkers[userKey]?[targetKey]
        guard command.params.count > 1 else {
            replies.reply(markReadMessage(target, stored))
            return
        }
        let value = command.params[1]
        guard value.hasPrefix("timestamp="), let time = ServerTimeFormat.parse(value.dropFirst("timestamp=".count)) else {
            replies.fail("MARKREAD", .invalidParameters, [value], "Invalid parameters")
            return
        }
        // A marker names a message already sent: never later than the server's clock.
        let clamped = min(time, Self.serverTime(command.now).millisecondsSinceEpoch)
        if let stored, clamped <= stored {
            replies.reply(markReadMessage(target, stored))
            return
        }
        guard stored != nil || (readMarkers[userKey]?.count ?? 0) < Self.readMarkersPerNick else {
            replies.fail("MARKREAD", .invalidParameters, [target], "Too many read markers (at most \(Self.readMarkersPerNick))")
            return
        }
        let marker = ReadMarker(userKey: userKey, targetKey: targetKey, time: clamped)
        guard configuration.hasHistoryLog else {
            moveReadMarker(marker, target: target, requester: command.session, into: &replies)
            return
        }
        replies.append(.storeReadMarker(ReadMarkerRequest(session: command.session, target: target, marker: marker)))
    }

    /// The log's answer to a ``ReadMarkerRequest``: stored, the marker moves and the nick's
    /// sessions are told; not stored, the requester gets `FAIL MARKREAD INTERNAL_ERROR`.
    public mutating func readMarkerStored(
        _ request: ReadMarkerRequest, result: Result<Int64, HistoryStoreError>, now: Date
    ) -> [HubOutput] {
        // The session may have gone meanwhile (or renamed itself: it is still answered).
        let live = sessions.contains(request.session)
        var replies = HubResponseBuffer(server: server, session: request.session, target: "*")
        switch result {
        case .success(let time):
            let marker = ReadMarker(userKey: request.marker.userKey, targetKey: request.marker.targetKey, time: time)
            moveReadMarker(marker, target: request.target, requester: live ? request.session : nil, into: &replies)
        case .failure:
            if live {
                replies.fail("MARKREAD", .internalError, [request.target], "The read timestamp could not be set")
            }
        }
        guard live, let label = request.label else { return replies.outputs }
        return labeled(replies.outputs, label: label, session: request.session)
    }

    /// MARKREAD for a channel just joined, before its NAMES, to those of `recipients`
    /// (sessions of one nick) with draft/read-marker.
    func sendReadMarker(of key: String, as name: String, to recipients: [SessionID], into replies: inout HubResponseBuffer) {
        let told = recipients.filter { sessions.read($0, { $0.capabilities.contains(.readMarker) }) ?? false }
        guard let first = told.first, let user = sessions.read(first, { $0.userID }) ?? nil,
            let userKey = users.read(user, { $0.key })
        else { return }
        replies.send(markReadMessage(name, readMarkers[userKey]?[key]), to: told)
    }

    /// Moves the marker forward and tells the nick's sessions with draft/read-marker, and
    /// `requester` (which asked) whatever its capabilities.
    private mutating func moveReadMarker(
        _ marker: ReadMarker, target: String, requester: SessionID?, into replies: inout HubResponseBuffer
    ) {
        let time = max(marker.time, readMarkers[marker.userKey]?[marker.targetKey] ?? marker.time)
        readMarkers[marker.userKey, default: [:]][marker.targetKey] = time
        var recipients = nicks[marker.userKey].flatMap { users.read($0, { $0.sessions }) } ?? []
        recipients.removeAll { $0 != requester && !(sessions.read($0, { $0.capabilities.contains(.readMarker) }) ?? false) }
        // A requester that renamed itself meanwhile is no longer among the nick's sessions.
        if let requester, !recipients.contains(requester) { recipients.append(requester) }
        replies.send(markReadMessage(target, time), to: recipients)
    }

    /// `MARKREAD <target> timestamp=<time>`, or `*` for no marker.
    private func markReadMessage(_ target: String, _ time: Int64?) -> IRCMessage {
        let value = time.map { "timestamp=" + ServerTimeFormat.format($0) } ?? "*"
        return IRCMessage(source: server, command: "MARKREAD", params: [target, value])
    }
}
