import CodedError

/// Why a filter file is refused; the whole file is, and the rules in force stay.
public struct FilterFileError: CodedError {
    public enum Code: String, ErrorCode {
        /// The file cannot be read.
        case fileUnreadable
        /// Not valid TOML (or not UTF-8).
        case syntax
        /// A rule is missing a field, has an unknown one, or a value is wrong.
        case invalidRule
        /// More than ``ModerationFilter/maximumRules`` rules.
        case tooManyRules
    }

    public let code: Code
    /// `path:line: what is wrong`, once the file is known; a bare sentence before.
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The same error placed at `location` (`path:line`).
    func at(_ location: String) -> FilterFileError {
        FilterFileError(code, "\(location): \(reason)")
    }
}
