import IRC

/// The changes one MODE command made, for the MODE line members see:
/// `+o-v+b alice bob *!*@host`.
struct AppliedModes {
    private struct Change {
        let adding: Bool
        let letter: Character
        let argument: String?
    }

    private var changes: [Change] = []

    var isEmpty: Bool { changes.isEmpty }

    mutating func append(_ adding: Bool, _ letter: Character, _ argument: String?) {
        changes.append(Change(adding: adding, letter: letter, argument: argument))
    }

    /// The MODE lines from `source` on `channel`: one, or more when the arguments (masks
    /// completed to `nick!user@host`, behind the server-added source) would take a line
    /// past 510 bytes.
    func messages(source: IRCSource, channel: String) -> [IRCMessage] {
        // ":source MODE #channel " then the modestring, then " :" and the arguments.
        let fixed = 1 + source.rawValue.utf8.count + 6 + channel.utf8.count + 1 + 2
        let budget = IRCLimits.maxBodyBytesWithoutLineEnding - fixed
        var messages: [IRCMessage] = []
        var letters = ""
        var arguments: [String] = []
        var sign: Bool?
        var used = 0
        for change in changes {
            let size = 2 + (change.argument.map { $0.utf8.count + 1 } ?? 0)
            if !letters.isEmpty && used + size > budget {
                messages.append(IRCMessage(source: source, command: "MODE", params: [channel, letters] + arguments))
                (letters, arguments, sign, used) = ("", [], nil, 0)
            }
            if sign != change.adding {
                letters.append(change.adding ? "+" : "-")
                sign = change.adding
            }
            letters.append(change.letter)
            if let argument = change.argument { arguments.append(argument) }
            used += size
        }
        if !letters.isEmpty {
            messages.append(IRCMessage(source: source, command: "MODE", params: [channel, letters] + arguments))
        }
        return messages
    }
}
