/// One `match` entry of a rule, normalised as messages are.
///
/// `word` and `a phrase` match whole tokens; `prefix*` a token's start, `*suffix` its end,
/// `*inside*` anywhere (across tokens too, when it holds a space). No other `*`, and no
/// regular expressions: each kind is a table lookup or part of one automaton.
public enum FilterPattern: Sendable, Equatable {
    case word(String)
    case phrase([String])
    case prefix(String)
    case suffix(String)
    case inside(String)

    /// - Throws: a sentence saying what is wrong with `text` and what is allowed.
    public init(_ text: String) throws(FilterFileError) {
        let leading = text.hasPrefix("*")
        let trailing = text.hasSuffix("*") && text.count > 1
        let core = String(text.dropFirst(leading ? 1 : 0).dropLast(trailing ? 1 : 0))
        guard !core.contains("*") else {
            throw FilterFileError(
                .invalidRule,
                "\"\(text)\": a * may only begin or end a pattern (word, a phrase, prefix*, *suffix, *inside*); "
                    + "there are no regular expressions")
        }
        let normalized = TextNormalizer.normalize(core)
        let tokens = normalized.tokenStrings
        guard !tokens.isEmpty else {
            throw FilterFileError(.invalidRule, "\"\(text)\" has no letter or digit to match")
        }
        switch (leading, trailing) {
        case (true, true):
            self = .inside(String(decoding: normalized.bytes, as: UTF8.self))
        case (false, false):
            self = tokens.count == 1 ? .word(tokens[0]) : .phrase(tokens)
        case (false, true), (true, false):
            guard tokens.count == 1 else {
                throw FilterFileError(
                    .invalidRule,
                    "\"\(text)\": prefix* and *suffix patterns are one word (they match part of a token); "
                        + "use *inside* for text with spaces")
            }
            self = leading ? .suffix(tokens[0]) : .prefix(tokens[0])
        }
    }
}
