import Foundation
import IRC
import NIOCore

extension HubState {
    /// One line from a session, as the transport cut it: every reply to a line comes from
    /// here, refusals included, so the transport only carries bytes.
    ///
    /// - A line over the length limits was dropped by the decoder: 417, the connection stays.
    /// - A line that is not UTF-8 is refused with `FAIL * INVALID_UTF8` and not relayed
    ///   (UTF8ONLY); the session stays, registered or not.
    /// - A line with more than 4094 bytes of tag data, counted as sent (IRCv3
    ///   message-tags), gets 417 and nothing of it is relayed.
    /// - A line that does not parse gets a NOTICE naming why.
    /// - An HTTP request before registration closes the connection with a hint.
    /// - More than `maxLinesBeforeRegistration` lines before registration close it.
    ///
    /// Lines from unknown sessions are ignored.
    public mutating func receive(_ event: IRCLineEvent, from session: SessionID, now: Date) -> [HubOutput] {
        guard let (target, isRegistered) = sessions.read(session, { ($0.replyTarget, $0.isRegistered) }) else { return [] }
        if !isRegistered {
            let count = sessions.update(session) { client -> Int in
                client.linesBeforeRegistration += 1
                return client.linesBeforeRegistration
            }
            if let count, count > configuration.maxLinesBeforeRegistration {
                return close(
                    session,
                    reason: "Closing link: more than \(configuration.maxLinesBeforeRegistration) lines before registration",
                    now: now
                )
            }
        }
        var replies = HubResponseBuffer(server: server, session: session, target: target)
        switch event {
        case .tooLong:
            statistics.refused(.tooLong)
            replies.numeric(.ERR_INPUTTOOLONG, "Input line was too long")
        case .line(let line):
            guard IRCMessage.isValidUTF8(line) else {
                statistics.refused(.invalidUTF8)
                // Before registration too: a client whose USER was refused may send it again.
                replies.fail("*", .invalidUTF8, "Your line was refused, not relayed: it is not valid UTF-8")
                break
            }
            guard Self.tagDataBytes(of: line) <= IRCLimits.maxTagDataBytesPerSide else {
                statistics.refused(.tooLong)
                replies.numeric(.ERR_INPUTTOOLONG, "Input line was too long: more than \(IRCLimits.maxTagDataBytesPerSide) bytes of tags")
                break
            }
            let message: IRCMessage
            do {
                message = try IRCMessage(parsing: line)
            } catch {
                statistics.refused(.malformed)
                replies.notice("Malformed line ignored: \(error.reason)")
                break
            }
            statistics.received(message, known: Self.commands[message.command] != nil)
            if !isRegistered, Self.isHTTPRequest(message) {
                closeSession(
                    session, reason: "Closing link: this is an IRC server over TLS, not a web server",
                    now: now, into: &replies
                )
                break
            }
            return handle(message, from: session, now: now)
        }
        return replies.outputs
    }

    /// The transport must close `session` (a timeout, flood, a full send queue, a framing
    /// error): it gets `ERROR :<reason>`, and when it was its nick's last session the
    /// nick's peers see it QUIT with `reason`.
    public mutating func close(_ session: SessionID, reason: String, now: Date) -> [HubOutput] {
        guard sessions.contains(session) else { return [] }
        var replies = HubResponseBuffer(server: server, session: session, target: "*")
        closeSession(session, reason: reason, now: now, into: &replies)
        return replies.outputs
    }

    /// The session was silent for the ping interval: `PING :<server>`.
    public func ping(_ session: SessionID) -> [HubOutput] {
        guard sessions.contains(session) else { return [] }
        return [.send(IRCMessage(source: server, command: "PING", params: [configuration.serverName]), to: [session])]
    }

    /// The bytes of the line's tag data as the client sent them: between the `@` and the
    /// space that ends the tags; 0 for a line without tags.
    static func tagDataBytes(of line: ByteBuffer) -> Int {
        line.withUnsafeReadableBytes { bytes in
            guard bytes.first == UInt8(ascii: "@") else { return 0 }
            return (bytes.firstIndex(of: UInt8(ascii: " ")) ?? bytes.count) - 1
        }
    }

    /// True for an HTTP request line (`GET / HTTP/1.1`), which a browser or a proxy sends.
    static func isHTTPRequest(_ message: IRCMessage) -> Bool {
        let methods: Set<String> = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE"]
        return message.source == nil && message.params.count == 2 && methods.contains(message.command)
            && message.params[1].hasPrefix("HTTP/")
    }
}
