import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// scripts/quickstart.sh in a scratch copy of the scripts, with the programs this build
/// made (a stand-in `swift` names their folder): what it prints and writes to
/// certs/CONNECT.txt, and that its openssl line verifies the running server.
@Suite("quickstart.sh")
struct QuickstartTests {
    @Test func connectInstructionsNameBothUsersVerifyTheServerAndAreKeptInAFile() async throws {
        let root = try makeTemporaryDirectory(prefix: "quickstart")
        defer { removeTemporaryDirectory(root) }
        let folder = root.path(percentEncoded: false).trimmingSuffix("/")
        let scripts = packageRoot.appending(path: "scripts").path(percentEncoded: false)
        let programs = (builtExecutable("securechat-server") as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder + "/stub", withIntermediateDirectories: true)
        try "#!/bin/sh\ncase \"$*\" in *--show-bin-path*) echo '\(programs)' ;; esac\n"
            .write(toFile: folder + "/stub/swift", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/stub/swift")
        let copied = try runCommand("cp", ["-a", scripts, folder + "/scripts"])
        try #require(copied.status == 0, "\(copied)")

        let port = try #require(Self.freePort())

        let path = folder + "/stub:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let process = try ChildProcess(
            folder + "/scripts/quickstart.sh", [],
            environment: ["PATH": path, "PORT": String(port), "INSTALL": "0", "HOME": folder])
        defer { if process.isRunning { process.send(SIGKILL) } }
        let deadline = ContinuousClock.now + .seconds(120)
        while !process.stderr.contains("listening on"), process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let printed = process.stdout
        #expect(printed.contains("these instructions are also in \(folder)/certs/CONNECT.txt"), "\(printed)\n\(process.stderr)")
        let connect = try String(contentsOfFile: folder + "/certs/CONNECT.txt", encoding: .utf8)
        #expect(printed.contains(connect))
        #expect(connect.contains("setup --profile bob --server 127.0.0.1 --port \(port) --nick bob"))
        #expect(connect.contains("securechat -p bob"))
        #expect(connect.contains("private messages in irssi: /msg bob text"))
        #expect(connect.contains("private messages in WeeChat: /msg alice text"))
        #expect(connect.contains("--dns localhost --ip 127.0.0.1"))
        #expect(connect.contains("scripts/gen-certs.sh server localhost --dns localhost --ip 127.0.0.1"))
        #expect(connect.contains("not installed") == false)
        #expect(printed.contains("scripts/install.sh does it"))

        // The printed openssl line, run as printed, verifies the server against the CA.
        let line = try #require(connect.split(separator: "\n").first { $0.contains("openssl s_client") })  // alice comes first
        let next = try #require(connect.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("-cert \(folder)/certs/clients/alice.pem") })
        let command = (line.replacingOccurrences(of: "openssl:", with: "").replacingOccurrences(of: "\\", with: "") + " " + next)
            .split(separator: " ").map(String.init).dropFirst()  // "openssl"
        let verified = try runCommand("openssl", Array(command), input: "QUIT\r\n", timeout: 30)
        #expect(verified.stderr.contains("verify return:1") || verified.stdout.contains("Verify return code: 0"), "\(verified)")
        #expect(!verified.stderr.contains("verify error"), "\(verified)")

        process.send(SIGTERM)
        _ = try await process.waitForExit(timeout: .seconds(20))
    }
}

extension QuickstartTests {
    /// A loopback port that was free a moment ago: bound to port 0, read back, closed.
    static func freePort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.count > 1, text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}
