import ChatServer
import Testing

/// A text that a configuration or allowlist loader must refuse, the error code, and the
/// exact start of the message (which names the file and line).
struct ConfigurationRefusal: Sendable, CustomTestStringConvertible {
    let text: String
    let code: ConfigurationError.Code
    let start: String

    init(_ text: String, _ code: ConfigurationError.Code, _ start: String) {
        (self.text, self.code, self.start) = (text, code, start)
    }

    var testDescription: String { "\(self.code): \(self.text.debugDescription)" }

    /// Expects `load`, given the text, to throw this code with a message that begins with `start`.
    func expectRefused(by load: (String) throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try #require(throws: ConfigurationError.self, sourceLocation: sourceLocation) { try load(self.text) }
        #expect(error.code == self.code, sourceLocation: sourceLocation)
        #expect(error.reason.hasPrefix(self.start), "\(error.reason)", sourceLocation: sourceLocation)
    }
}
