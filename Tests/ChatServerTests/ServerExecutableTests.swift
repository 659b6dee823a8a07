import Foundation
import NIOCore
import Testing
import TLS
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `securechat-server` executable as an operator runs it: refused starts, TOML and
/// flags, signals, JSON logs, `--help` and `check`.
@Suite("securechat-server executable", .timeLimit(.minutes(1)))
struct ServerExecutableTests {
    // MARK: refused starts

    /// A file or setting that stops the server before it listens.
    enum BadStart: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case missingCert, certificateNotFound, keyReadableByOthers, keyNotMatchingCertificate
        case clientCANotPEM, allowlistMissing, allowlistMalformed
        case tomlSyntaxError, tomlUnknownKey, badLogLevel, badLogFormat
        case metricsNotLoopback, metricsInFileNotLoopback, metricsListenMalformed

        var testDescription: String { self.rawValue }

        /// The command line, and what its one error line must contain.
        func setUp(_ files: ServerFiles) throws -> (arguments: [String], expected: [String]) {
            switch self {
            case .missingCert:
                return (files.arguments(["--cert": nil]), ["--cert is required", "cert = \""])
            case .certificateNotFound:
                let path = files.directory.appending(path: "no-such-cert.pem").path(percentEncoded: false)
                return (files.arguments(["--cert": path]), [path, "No such file"])
            case .keyReadableByOthers:
                let path = try files.pki.server.writeKeyCopy(permissions: 0o644).path(percentEncoded: false)
                return (files.arguments(["--key": path]), [path, "chmod 600 \(path)"])
            case .keyNotMatchingCertificate:
                let path = try files.pki.client("alice").keyPath.path(percentEncoded: false)
                return (files.arguments(["--key": path]), [path, files.certificate, "does not belong"])
            case .clientCANotPEM:
                let path = try files.write("ca-not-pem.pem", "this is not a certificate\n")
                return (files.arguments(["--client-ca": path]), [path, "not PEM", "-----BEGIN CERTIFICATE-----"])
            case .allowlistMissing:
                let path = files.directory.appending(path: "no-such-allowlist").path(percentEncoded: false)
                return (files.arguments(["--allowlist": path]), [path, "--allowlist"])
            case .allowlistMalformed:
                let path = try files.write("bad-allowlist", "# staff\nalice sha256:zz\n")
                return (files.arguments(["--allowlist": path]), ["\(path):2:", "sha256:HEX"])
            case .tomlSyntaxError:
                let path = try files.write("syntax.toml", "host = \"127.0.0.1\"\nport = = 6697\n")
                return (files.arguments([:], ["--config", path]), ["\(path):2:"])
            case .tomlUnknownKey:
                let path = try files.write("unknown.toml", "host = \"127.0.0.1\"\n\nprot = 6697\n")
                return (files.arguments([:], ["--config", path]), ["\(path):3:", "unknown key 'prot'", "did you mean 'port'?"])
            case .badLogLevel:
                return (files.arguments([:], ["--log-level", "loud"]), ["--log-level", "loud", "trace", "critical"])
            case .badLogFormat:
                return (files.arguments([:], ["--log-format", "yaml"]), ["--log-format", "yaml", "json"])
            case .metricsNotLoopback:
                return (
                    files.arguments(["--metrics-listen": "0.0.0.0:9697"]),
                    ["[metrics] listen = \"0.0.0.0:9697\" is not a loopback address", "[metrics] allow"]
                )
            case .metricsInFileNotLoopback:
                let path = try files.write("metrics.toml", "[metrics]\nlisten = \"192.0.2.7:9697\"\n")
                return (files.arguments(["--metrics-listen": nil], ["--config", path]), ["192.0.2.7:9697", "not a loopback address"])
            case .metricsListenMalformed:
                return (files.arguments(["--metrics-listen": "9697"]), ["--metrics-listen 9697", "host:port"])
            }
        }
    }

    @Test(arguments: BadStart.allCases)
    func badFileOrSettingStopsTheStartWithOneLine(_ start: BadStart) async throws {
        let files = try ServerFiles()
        let (arguments, expected) = try start.setUp(files)
        let exit = try await ServerProcess.run(arguments)
        #expect(exit.status != 0 && !exit.bySignal, "exit \(exit.status)")
        Self.expectOneErrorLine(exit.stderr, containing: expected)
        #expect(exit.stdout.isEmpty)
    }

    @Test func portInUseIsOneLineAndAFailure() async throws {
        let files = try ServerFiles()
        try await withTLSServer(context: try files.pki.serverContext()) { occupant in
            let exit = try await ServerProcess.run(files.arguments(["--port": "\(occupant.port)"]))
            #expect(exit.status != 0 && !exit.bySignal, "exit \(exit.status)")
            Self.expectOneErrorLine(exit.stderr, containing: ["127.0.0.1:\(occupant.port)", "Address already in use"])
        }
    }

    // MARK: configuration

    @Test func tomlFileWithRelativePathsStartsAndFlagsOverrideIt() async throws {
        let files = try ServerFiles()
        let folder = files.directory.appending(path: "etc")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        func relative(_ path: String) -> String { "../" + URL(fileURLWithPath: path).lastPathComponent }
        let config = """
            # port 1 would need privileges: the --port flag must win
            host = "127.0.0.1"
            port = 1
            server_name = "toml.securechat"
            cert = "\(relative(files.certificate))"
            key = "\(relative(files.key))"
            client_ca = "\(relative(files.clientCA))"
            allowlist = "\(relative(files.allowlist.path))"
            """
        let configPath = folder.appending(path: "server.toml").path(percentEncoded: false)
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
        // Started elsewhere, so paths relative to the working folder would not resolve.
        let server = try ServerProcess.start(["--config", configPath, "--port", "0", "--metrics-listen", "127.0.0.1:0"], currentDirectory: URL(fileURLWithPath: "/"))
        let port = try await server.listeningPort()
        #expect(port != 1)

        let alice = try await Self.login("alice", port: port, files: files)
        #expect(alice.lines.contains { $0.hasPrefix(":toml.securechat 001 alice ") }, "the name from the file")
        await alice.close()

        try await server.shutDown()
    }

    // MARK: signals and the allowlist

    @Test func editedAllowlistDisconnectsAndSighupReadmits() async throws {
        try await Self.withServer { files, server, port in
            let (alice, bob) = try await Self.login("alice", "bob", port: port, files: files)

            try files.allowlist.write(["bob"])
            let error = try await alice.waitFor("ERROR", timeout: .seconds(1))
            #expect(error.contains("certificate no longer allowed"))
            try await alice.waitForClose(timeout: .seconds(1))
            try await bob.waitForLine { $0.hasPrefix(":alice!") && $0.contains(" QUIT ") }
            try await bob.roundTrip()

            try files.allowlist.write(["alice", "bob"])
            server.send(SIGHUP)
            try await server.waitForStderr(containing: "SIGHUP: reloading")
            let again = try await Self.login("alice", port: port, files: files)
            await again.close()
            await bob.close()
        }
    }

    @Test func sighupAsSoonAsItListensReloadsInsteadOfKilling() async throws {
        try await Self.withServer { files, server, port in
            server.send(SIGHUP)
            try await server.waitForStderr(containing: "TLS files reloaded", timeout: .seconds(10))
            let alice = try await Self.login("alice", port: port, files: files)
            await alice.close()
        }
    }

    @Test func sigtermTellsEveryClientAndExitsZero() async throws {
        let files = try ServerFiles()
        let (server, port) = try await files.startServer()
        let (alice, bob) = try await Self.login("alice", "bob", port: port, files: files)

        let start = ContinuousClock.now
        server.send(SIGTERM)
        for client in [alice, bob] {
            let line = try await client.waitFor("ERROR", timeout: .seconds(5))
            #expect(line == "ERROR :Server shutting down")
            try await client.waitForClose(timeout: .seconds(5))
        }
        let exit = try await server.waitForExit(timeout: .seconds(5))
        #expect(exit.status == 0 && !exit.bySignal, "exit \(exit.status): \(exit.stderr)")
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    // MARK: logs

    @Test func jsonLogIsOneObjectPerLineWithConnectionMetadata() async throws {
        let files = try ServerFiles()
        let (server, port) = try await files.startServer([:], ["--log-format", "json"])
        let alice = try await Self.login("alice", port: port, files: files)
        try await alice.send("QUIT :bye")
        try await alice.waitForClose(timeout: .seconds(5))
        try await server.waitForStderr(containing: "Quit: bye", timeout: .seconds(5))
        let bob = try await Self.login("bob", port: port, files: files)
        try await Self.dropWithoutCloseNotify(bob)
        try await server.waitForStderr(containing: "without a TLS close_notify", timeout: .seconds(5))
        let exit = try await server.shutDown()

        var objects: [[String: Any]] = []
        for line in exit.stderr.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let entry = try #require(object, "not a JSON object: \(line)")
            for key in ["time", "level", "message"] {
                #expect(entry[key] is String, "\(key) missing in \(line)")
            }
            objects.append(entry)
        }
        let fingerprint = try files.pki.client("alice").info().fingerprint.description
        let registered = try #require(objects.first { $0["message"] as? String == "registered" })
        #expect(registered["fingerprint"] as? String == fingerprint)
        #expect(registered["nick"] as? String == "alice")
        #expect(registered["level"] as? String == "info")
        let quit = try #require(objects.first { ($0["message"] as? String)?.contains("Quit: bye") == true })
        #expect(quit["fingerprint"] as? String == fingerprint)
        #expect(quit["nick"] as? String == "alice")
        let unclean = try #require(objects.first { ($0["message"] as? String)?.hasPrefix("TLS: ") == true })
        #expect(unclean["fingerprint"] as? String == (try files.pki.client("bob").info().fingerprint.description))
        #expect(unclean["nick"] as? String == "bob")
        #expect(unclean["code"] as? String == "uncleanShutdown")
    }

    // MARK: help

    @Test(arguments: [[], ["serve"], ["check"], ["history"], ["history", "export"], ["history", "purge"]])
    func helpShowsExamplesThatSurviveWrapping(_ subcommand: [String]) async throws {
        let exit = try await ServerProcess.run(subcommand + ["--help"], environment: ["COLUMNS": "80"])
        #expect(exit.status == 0)
        let lines = exit.stdout.components(separatedBy: "\n")
        let heading = try #require(lines.firstIndex { $0 == "Examples:" || $0 == "Example:" }, "\(exit.stdout)")
        let examples = lines[(heading + 1)...].prefix { !$0.isEmpty }
        #expect(examples.contains { $0.hasPrefix("  securechat-server \(subcommand.first.map { $0 + " " } ?? "")") })
        // A wrapped example cannot be pasted: every line starts a command or continues one.
        var continues = false
        for line in examples {
            #expect(
                continues ? line.hasPrefix("      --") : line.hasPrefix("  securechat-server "),
                "example line \"\(line)\" in:\n\(exit.stdout)")
            continues = line.hasSuffix(" \\")
        }
    }

    // MARK: check

    @Test func checkWithGoodFilesPasses() async throws {
        let files = try ServerFiles()
        let alice = try files.pki.client("alice")
        let exit = try await ServerProcess.run(Self.checkArguments(files, client: alice))
        #expect(exit.status == 0, "\(exit.stderr)")
        #expect(exit.stdout.contains("TLS self-check passed on 127.0.0.1:"))
        #expect(exit.stdout.contains("allowlist line: alice \(try alice.info().fingerprint)"))
    }

    @Test func checkRefusesARevokedClientCertificate() async throws {
        let files = try ServerFiles()
        let revoked = try files.pki.revokedClient()
        let crl = try files.pki.crl().path(percentEncoded: false)
        let exit = try await ServerProcess.run(Self.checkArguments(files, client: revoked) + ["--crl", crl])
        #expect(exit.status != 0 && !exit.bySignal, "exit \(exit.status)")
        Self.expectOneErrorLine(exit.stderr, containing: ["CN=revoked", "certificate revoked"])
        #expect(!exit.stdout.contains("passed"))
    }

    // MARK: helpers

    private static func checkArguments(_ files: ServerFiles, client: TestIdentity) -> [String] {
        [
            "check", "--cert", files.certificate, "--key", files.key, "--client-ca", files.clientCA,
            "--client-cert", client.certificatePath.path(percentEncoded: false),
            "--client-key", client.keyPath.path(percentEncoded: false),
        ]
    }

    /// Fresh files and a server started from them, shut down after `body` (which must end
    /// with exit status 0).
    private static func withServer(_ body: (ServerFiles, ChildProcess, Int) async throws -> Void) async throws {
        let files = try ServerFiles()
        let (server, port) = try await files.startServer()
        try await body(files, server, port)
        try await server.shutDown()
    }

    private static func login(_ nick: String, port: Int, files: ServerFiles) async throws -> IRCTestClient {
        let client = try await IRCTestClient(port: port, context: try files.pki.clientContext(nick))
        try await client.register(nick: nick)
        return client
    }

    private static func login(
        _ first: String, _ second: String, port: Int, files: ServerFiles
    ) async throws -> (IRCTestClient, IRCTestClient) {
        (try await Self.login(first, port: port, files: files), try await Self.login(second, port: port, files: files))
    }

    /// Closes TCP under the client's TLS, as a client that crashed or lost power.
    private static func dropWithoutCloseNotify(_ client: IRCTestClient) async throws {
        let channel = client.connection.channel
        try await channel.eventLoop.flatSubmit {
            do {
                let pipeline = channel.pipeline.syncOperations
                return pipeline.removeHandler(try pipeline.handler(type: TLSHandler.self))
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }.get()
        try await channel.close()
    }

    /// The output is exactly one line, `Error: …`, with every `expected` part and no trace
    /// of a crash or a usage dump.
    private static func expectOneErrorLine(_ stderr: String, containing expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = stderr.trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 1, "expected one line, got:\n\(stderr)", sourceLocation: sourceLocation)
        #expect(stderr.hasPrefix("Error: "), "\(stderr)", sourceLocation: sourceLocation)
        for part in expected {
            #expect(stderr.contains(part), "\"\(part)\" missing in: \(stderr)", sourceLocation: sourceLocation)
        }
        for crash in ["Fatal error", "Stack dump", "Usage:", "listening on"] {
            #expect(!stderr.contains(crash), "\(stderr)", sourceLocation: sourceLocation)
        }
    }
}
