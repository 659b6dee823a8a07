/// The kinds of one ``CodedError``: an enum whose cases are the codes.
///
/// A case is named once and that name is its description (`fileUnreadable`), which is what
/// logs and error descriptions print after the error's name.
public protocol ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible where RawValue == String {}

extension ErrorCode {
    /// The case's name.
    public var description: String { self.rawValue }
}
