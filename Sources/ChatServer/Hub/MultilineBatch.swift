import IRC

/// The limits of `draft/multiline` batches, as CAP LS 302 announces them.
enum MultilineLimits {
    /// The text of all lines together, in bytes of UTF-8.
    static let maxBytes = 4096
    /// Lines in one batch.
    static let maxLines = 100

    static let capabilityValue = "max-bytes=\(maxBytes),max-lines=\(maxLines)"
}

/// A `draft/multiline` batch a client opened with `BATCH +<reference> draft/multiline
/// <target>` and is filling with PRIVMSG or NOTICE lines tagged `batch=<reference>`.
///
/// Each line is checked as it comes; the first that breaks a rule fails the whole batch
/// (``failure``) and the rest of it, up to its `BATCH -`, is dropped.
struct MultilineBatch: Sendable {
    /// One line of the batch.
    struct Line: Sendable, Equatable {
        let text: String
        /// `draft/multiline-concat`: joins the previous line without a line break.
        let concatenates: Bool
    }

    /// A standard reply that ends the batch: `FAIL BATCH <code> <context>… :<text>`.
    struct Failure: Sendable, Equatable {
        let code: IRCFailCode
        let context: [String]
        let text: String
    }

    let reference: String
    /// The target as the client wrote it on `BATCH +`.
    let target: String
    /// The `label` of `BATCH +`, for the response to the whole batch.
    let label: String?
    /// PRIVMSG or NOTICE, from the first line on.
    private(set) var command: String?
    private(set) var lines: [Line] = []
    private(set) var bytes = 0
    /// Set by the first line that breaks a rule.
    private(set) var failure: Failure?

    init(reference: String, target: String, label: String?) {
        self.reference = reference
        self.target = target
        self.label = label
    }

    /// Adds `message` (a line tagged with this batch); returns the failure it caused, if
    /// it is the first. Nothing is added once the batch has failed.
    mutating func add(_ message: IRCMessage) -> Failure? {
        guard failure == nil else { return nil }
        let broken = check(message)
        if let broken {
            failure = broken
            lines = []
            return broken
        }
        command = message.command
        let text = message.params[1]
        lines.append(Line(text: text, concatenates: message.tags.contains(Self.concatTag)))
        bytes += text.utf8.count
        return nil
    }

    /// Why `message` cannot join the batch, or nil when it can.
    private func check(_ message: IRCMessage) -> Failure? {
        guard message.command == "PRIVMSG" || message.command == "NOTICE" else {
            return Failure(code: .multilineInvalid, context: [], text: "A multiline batch holds only PRIVMSG or NOTICE, not \(message.command)")
        }
        guard command == nil || command == message.command else {
            return Failure(code: .multilineInvalid, context: [], text: "A multiline batch holds one kind of message, not both PRIVMSG and NOTICE")
        }
        guard message.params.count >= 2 else {
            return Failure(code: .multilineInvalid, context: [], text: "\(message.command) in a multiline batch needs a target and a text")
        }
        let lineTarget = message.params[0]
        guard IRCCaseMapping.equals(lineTarget, target) else {
            return Failure(
                code: .multilineInvalidTarget, context: [target, lineTarget],
                text: "Every line of the batch goes to \(target), not \(lineTarget)"
            )
        }
        let text = message.params[1]
        if message.tags.contains(Self.concatTag) && text.isEmpty {
            return Failure(code: .multilineInvalid, context: [], text: "A line with draft/multiline-concat must not be empty")
        }
        guard lines.count < MultilineLimits.maxLines else {
            return Failure(
                code: .multilineMaxLines, context: [String(MultilineLimits.maxLines)],
                text: "A multiline batch holds at most \(MultilineLimits.maxLines) lines"
            )
        }
        guard bytes + text.utf8.count <= MultilineLimits.maxBytes else {
            return Failure(
                code: .multilineMaxBytes, context: [String(MultilineLimits.maxBytes)],
                text: "A multiline batch holds at most \(MultilineLimits.maxBytes) bytes of text"
            )
        }
        return nil
    }

    /// What is wrong with the batch as it ends, or nil when it can be sent.
    var failureAtEnd: Failure? {
        if let failure { return failure }
        guard !lines.isEmpty, lines.contains(where: { !$0.text.isEmpty }) else {
            return Failure(code: .multilineInvalid, context: [], text: "A multiline batch needs at least one line with text")
        }
        return nil
    }

    static let concatTag = "draft/multiline-concat"
    static let batchType = "draft/multiline"
}
