import Testing
import TLS

@Suite("Plaintext kind")
struct PlaintextKindTests {
    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: x\r\n\r\n", PlaintextKind.http),
        ("POST /login HTTP/1.1\r\nAuthorization: Basic c2VjcmV0\r\n", .http),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", .http),
        ("PASS hunter2-secret\r\nNICK x\r\n", .irc),
        ("CAP LS 302\r\n", .irc),
        ("nick alice\r\n", .irc),
        ("@time=2024-01-01T00:00:00Z :alice!a@h PRIVMSG #lobby :hi\r\n", .irc),
        (":irc.example.net NOTICE * :*** Looking up your hostname\r\n", .irc),
        (":irc.example.net 001 alice :Welcome\r\n", .irc),
        ("SSH-2.0-OpenSSH_9.6\r\n", .ssh),
        ("hello there\n", .text),
        ("GET", .text),
        ("héllo wörld\n", .text),
        ("\u{0}\u{1}\u{2}garbage", .binary),
    ])
    func firstBytesAreClassified(text: String, kind: PlaintextKind) {
        #expect(PlaintextKind(classifying: Array(text.utf8)) == kind)
    }

    @Test func invalidUTF8IsBinary() {
        #expect(PlaintextKind(classifying: [0x68, 0x69, 0xFF, 0xFE, 0x0A]) == .binary)
    }

    @Test func aCharacterCutAtTheInspectedLengthIsStillText() {
        let long = Array(String(repeating: "a", count: 63).utf8) + Array("é".utf8) + Array("rest".utf8)
        #expect(PlaintextKind(classifying: long) == .text)
    }
}
