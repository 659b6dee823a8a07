import TOMLKit

extension TOMLTable {
    /// The document `text`, read from `path`.
    ///
    /// A configuration message says where the problem is as `path:line: what is wrong`;
    /// the client and the server each throw that message in their own error type.
    ///
    /// - Throws: `failure(message)` for the first syntax error, the message naming its
    ///   line and column (`path:3: … (column 7)`), or line 1 when the parser gives none.
    public static func parsing<Failure: Error>(
        _ text: String, path: String, failure: (String) -> Failure
    ) throws(Failure) -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw failure("\(path):\(error.source.begin.line): \(error.description) (column \(error.source.begin.column))")
        } catch {
            throw failure("\(path):1: \(error)")
        }
    }
}
