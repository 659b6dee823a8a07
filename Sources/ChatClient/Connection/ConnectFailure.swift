#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// Why a TCP connection could not be made, in words a person reads ("connection
/// refused"), not the socket library's internals.
enum ConnectFailure {
    /// The words for `error` thrown by connecting: the system's text for the error number
    /// (lower case), "timed out", or "no address found for the name".
    static func words(for error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first { return self.words(for: first.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "no address found for the name" }
            return "no address to connect to"
        }
        if let error = error as? IOError { return self.words(errno: error.errnoCode) }
        if let error = error as? ChannelError, case .connectTimeout = error { return "timed out" }
        if let error = error as? SocketAddressError, case .unknown = error { return "no address found for the name" }
        return "\(error)"
    }

    /// `strerror` in lower case, e.g. "connection refused".
    static func words(errno number: Int32) -> String {
        guard let text = strerror(number) else { return "error \(number)" }
        return String(cString: text).lowercased()
    }
}
