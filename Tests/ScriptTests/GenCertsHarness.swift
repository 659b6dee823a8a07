import Foundation
import Testing
import TestSupport

/// scripts/gen-certs.sh in this checkout.
let genCertsScript = packageRoot.appendingPathComponent("scripts/gen-certs.sh").path

/// One test's own certificate folder, passed to the script as `--dir`.
struct CertFolder {
    let url: URL

    var path: String { url.path }

    func path(_ relative: String) -> String {
        url.appendingPathComponent(relative).path
    }

    /// Runs gen-certs.sh on this folder: `--dir` first, then `arguments`.
    func script(_ arguments: String...) throws -> CommandResult {
        try runGenCerts(["--dir", path] + arguments)
    }

    /// Runs gen-certs.sh on this folder and requires it to succeed.
    @discardableResult
    func succeed(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> CommandResult {
        let result = try runGenCerts(["--dir", path] + arguments)
        try requireSuccess(result, "gen-certs.sh \(arguments.joined(separator: " "))", sourceLocation: sourceLocation)
        return result
    }

    func contents(_ relative: String) throws -> Data {
        try Data(contentsOf: url.appendingPathComponent(relative))
    }

    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relative))
    }

    /// The permission bits of a file, e.g. 0o600.
    func mode(_ relative: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path(relative))
        let permissions = try #require(attributes[.posixPermissions] as? Int, sourceLocation: sourceLocation)
        return permissions & 0o777
    }
}

/// Runs `body` with a fresh certificate folder and removes the folder afterwards.
func withCertFolder<T>(_ body: (CertFolder) throws -> T) throws -> T {
    let directory = try makeTemporaryDirectory(prefix: "gen-certs-tests")
    defer { removeTemporaryDirectory(directory) }
    return try body(CertFolder(url: directory))
}

/// Runs `body` in a fresh folder in which `gen-certs.sh ca` has already succeeded.
func withCA<T>(_ body: (CertFolder) throws -> T) throws -> T {
    try withCertFolder { folder in
        try folder.succeed("ca")
        return try body(folder)
    }
}

/// Runs gen-certs.sh with exactly these arguments; every run is bounded.
func runGenCerts(_ arguments: [String], currentDirectory: URL? = nil) throws -> CommandResult {
    try runCommand(genCertsScript, arguments, currentDirectory: currentDirectory, timeout: 60)
}

/// Runs the openssl command line.
func openssl(_ arguments: String...) throws -> CommandResult {
    try runCommand("openssl", arguments, timeout: 30)
}

/// Runs a bash pipeline with `arguments` as $1, $2…, requires success and returns its
/// standard output without the trailing newline.
func pipeline(_ script: String, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try runCommand("bash", ["-o", "pipefail", "-c", script, "bash"] + arguments, timeout: 30)
    try requireSuccess(result, script, sourceLocation: sourceLocation)
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

func requireSuccess(_ result: CommandResult, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    try #require(
        result.status == 0,
        "\(what) exited \(result.status)\nstdout:\n\(result.stdout)\nstderr:\n\(result.stderr)",
        sourceLocation: sourceLocation
    )
}

extension CommandResult {
    var lines: [String] {
        stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The first output line that starts with `prefix`, if any.
    func line(startingWith prefix: String) -> String? {
        lines.first { $0.hasPrefix(prefix) }
    }
}

/// The three fingerprint forms, computed independently of the script with openssl pipelines.
struct OpenSSLFingerprints: Equatable {
    /// SHA-256 of the certificate DER, lowercase hex.
    let certificate: String
    /// SHA-256 of the DER SubjectPublicKeyInfo, lowercase hex.
    let spki: String
    /// The same public key hash, base64.
    let spkiBase64: String

    init(of certificate: String) throws {
        self.certificate = try Self.hexDigest(pipeline(#"openssl x509 -in "$1" -outform der | openssl dgst -sha256"#, certificate))
        self.spki = try Self.hexDigest(pipeline(
            #"openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256"#,
            certificate
        ))
        self.spkiBase64 = try pipeline(
            #"openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | openssl base64 -A"#,
            certificate
        )
    }

    /// The fingerprint as `openssl x509 -fingerprint -sha256` shows it, lowercased without colons.
    static func x509Fingerprint(of certificate: String) throws -> String {
        let line = try pipeline(#"openssl x509 -in "$1" -noout -fingerprint -sha256"#, certificate)
        let value = try #require(line.split(separator: "=", maxSplits: 1).last)
        return value.replacingOccurrences(of: ":", with: "").lowercased()
    }

    /// `SHA2-256(stdin)= 3f…` → `3f…`
    private static func hexDigest(_ output: String) throws -> String {
        let value = try #require(output.split(separator: " ").last)
        return String(value)
    }
}

/// A value from `openssl x509 -noout -<option>`, e.g. `subject` → `CN=alice`.
func certificateField(_ certificate: String, _ option: String) throws -> String {
    let result = try openssl("x509", "-in", certificate, "-noout", "-\(option)", "-nameopt", "utf8,sep_comma_plus")
    try requireSuccess(result, "openssl x509 -\(option)")
    let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    return String(line.split(separator: "=", maxSplits: 1).last ?? "")
}

/// The text of one extension, e.g. `subjectAltName` → `DNS:chat.example.org, IP Address:127.0.0.1`.
func certificateExtension(_ certificate: String, _ name: String) throws -> String {
    let result = try openssl("x509", "-in", certificate, "-noout", "-ext", name)
    try requireSuccess(result, "openssl x509 -ext \(name)")
    return result.stdout
}

/// `openssl verify -CAfile` on the certificate, with the CRL checked when one is given.
func verify(_ certificate: String, ca: String, crl: String? = nil) throws -> CommandResult {
    var arguments = ["verify", "-CAfile", ca]
    if let crl {
        arguments += ["-crl_check", "-CRLfile", crl]
    }
    return try runCommand("openssl", arguments + [certificate], timeout: 30)
}
