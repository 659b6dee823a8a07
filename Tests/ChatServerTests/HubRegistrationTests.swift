import ChatServer
import Foundation
import IRC
import Testing

@Suite struct HubRegistrationTests {
    /// The certificate fingerprint ``HubHarness`` gives the session made with `seed`, as
    /// an allowlist line spells it.
    static func fingerprint(seed: UInt8) -> String {
        "sha256:" + String(repeating: String(format: "%02x", seed), count: 32)
    }

    @Test func registrationWithBoundNickSendsTheBurstAndJoinsTheLobby() {
        var harness = HubHarness()
        let alice = harness.connect(bound: ["alice", "alice_"])
        harness.send("NICK alice", from: alice)
        #expect(harness.take(alice).isEmpty)
        harness.send("USER al 0 * :Alice Liddell", from: alice)
        let lines = harness.take(alice)
        #expect(harness.registrations == [.registered(alice, nick: "alice", account: "alice")])
        #expect(lines.first == ":securechat.local 001 alice :Welcome to the SecureChat Network, alice!al@192.0.2.1")
        #expect(lines.contains(":securechat.local 002 alice :Your host is securechat.local, running version securechat-0.1"))
        #expect(lines.contains(":securechat.local 003 alice :This server was created 2023-11-14T22:13:20.000Z"))
        #expect(lines.contains(":securechat.local 004 alice securechat.local securechat-0.1 Bio beIiklmnostv beIklov"))
        #expect(lines.contains(":securechat.local 251 alice :There are 1 users and 0 invisible on 1 servers"))
        #expect(lines.contains(":securechat.local 254 alice 1 :channels formed"))
        #expect(lines.contains(":securechat.local 255 alice :I have 1 clients and 0 servers"))
        #expect(lines.contains(":securechat.local 422 alice :MOTD File is missing"))
        let commands = lines.compactMap { (try? IRCMessage(parsing: Array($0.utf8)))?.command }
        #expect(commands == ["001", "002", "003", "004", "005", "005", "251", "254", "255", "265", "266", "422", "JOIN", "353", "366"])
        #expect(lines.contains(":alice!al@192.0.2.1 JOIN #lobby"))
        #expect(lines.contains(":securechat.local 353 alice = #lobby alice"))
        #expect(lines.contains(":securechat.local 366 alice #lobby :End of /NAMES list"))
        #expect(harness.hub.isRegistered(alice))
        #expect(harness.hub.nick(of: alice) == "alice")
    }

    @Test func existingMembersSeeTheNewcomerJoinTheLobby() {
        var harness = HubHarness()
        let alice = harness.register("alice")
        let bob = harness.connect(bound: ["bob"])
        harness.send("NICK bob", "USER bob 0 * :Bob", from: bob)
        #expect(harness.take(alice) == [":bob!bob@192.0.2.1 JOIN #lobby"])
        #expect(harness.take(bob).contains(":securechat.local 353 bob = #lobby :alice bob"))
    }

    @Test func isupportNamesEveryTokenAndStaysUnder512Bytes() throws {
        let configuration = HubConfiguration(
            serverName: "a-very-long-server-name." + String(repeating: "x", count: 120) + ".example",
            networkName: String(repeating: "N", count: 150),
            created: HubHarness.epoch, topicLength: 300, maxTargets: 7
        )
        var harness = HubHarness(configuration)
        let session = harness.connect(bound: [String(repeating: "n", count: 30)])
        harness.send("NICK \(String(repeating: "n", count: 30))", "USER n 0 * :N", from: session)
        let isupport = harness.take(session).filter { $0.contains(" 005 ") }
        #expect(isupport.count >= 2)
        for line in isupport {
            #expect(line.utf8.count <= 510)
            #expect(line.hasSuffix(" :are supported by this server"))
        }
        let tokens = Set(isupport.flatMap { $0.split(separator: " ").dropFirst(3) }.map(String.init))
        for token in [
            "CASEMAPPING=ascii", "CHANTYPES=#", "CHANNELLEN=50", "NICKLEN=30", "TOPICLEN=300", "PREFIX=(ov)@+",
            "CHANMODES=beI,k,l,imnst", "MODES=4", "MAXLIST=b:50,e:50,I:50", "EXCEPTS", "INVEX", "EXTBAN=~,a", "CHANLIMIT=#:50", "TARGMAX=PRIVMSG:7,NOTICE:7", "UTF8ONLY",
            "STATUSMSG=@+",
        ] {
            #expect(tokens.contains(token), "missing \(token)")
        }
    }

    @Test func motdLinesReplaceTheMissingMotdNumeric() {
        var harness = HubHarness(HubConfiguration(created: HubHarness.epoch, motd: ["Be kind.", "Rotate your keys."]))
        let alice = harness.connect(bound: ["alice"])
        harness.send("NICK alice", "USER alice 0 * :A", from: alice)
        let motd = harness.take(alice).filter { [" 375 ", " 372 ", " 376 ", " 422 "].contains(where: $0.contains) }
        #expect(motd == [
            ":securechat.local 375 alice :- securechat.local Message of the day - ",
            ":securechat.local 372 alice :- Be kind.",
            ":securechat.local 372 alice :- Rotate your keys.",
            ":securechat.local 376 alice :End of /MOTD command.",
        ])
    }

    @Test func unboundNickIsRefusedNamingTheBoundNicksAndARetrySucceeds() {
        var harness = HubHarness()
        let alice = harness.connect(bound: ["alice", "ali"])
        harness.send("NICK mallory", "USER alice 0 * :Alice", from: alice)
        #expect(harness.take(alice) == [
            ":securechat.local 432 * mallory :mallory is not bound to your certificate; your certificate may use: alice, ali; "
                + "to use mallory, an administrator adds this line to the allowlist: mallory \(Self.fingerprint(seed: 1))"
        ])
        #expect(!harness.hub.isRegistered(alice))
        harness.send("NICK ALI", from: alice)
        #expect(harness.hub.isRegistered(alice))
        #expect(harness.take(alice).first?.hasPrefix(":securechat.local 001 ALI :") == true)
        #expect(harness.registrations == [.registered(alice, nick: "ALI", account: "alice")])
    }

    /// WeeChat answers 432 with its next nick (root1, root2, then generated ones) for
    /// as long as the server refuses; the second refusal registers the account instead.
    @Test func secondUnboundNickBeforeRegistrationGetsTheAccountNick() {
        var harness = HubHarness()
        let alice = harness.connect(bound: ["alice", "ali"])
        harness.send("CAP LS 302", "NICK root", "USER root 0 * :root", "NICK root1", from: alice)
        #expect(harness.take(alice).dropFirst() == [
            ":securechat.local 432 * root :root is not bound to your certificate; your certificate may use: alice, ali; "
                + "to use root, an administrator adds this line to the allowlist: root \(Self.fingerprint(seed: 1))",
            ":securechat.local NOTICE * :root1 is not bound to your certificate either; registering you as alice",
        ])
        #expect(!harness.hub.isRegistered(alice), "CAP negotiation still holds registration")
        harness.send("CAP END", from: alice)
        #expect(harness.take(alice).first == ":securechat.local 001 alice :Welcome to the SecureChat Network, alice!root@192.0.2.1")
        #expect(harness.registrations == [.registered(alice, nick: "alice", account: "alice")])
        harness.send("NICK root2", from: alice)
        #expect(harness.take(alice) == [
            ":securechat.local 432 alice root2 :root2 is not bound to your certificate; your certificate may use: alice, ali; "
                + "to use root2, an administrator adds this line to the allowlist: root2 \(Self.fingerprint(seed: 1))"
        ])
    }

    @Test(arguments: [
        ("NICK", ":securechat.local 431 * :No nickname given"),
        ("NICK :", ":securechat.local 431 * :No nickname given"),
        ("NICK 9lives", ":securechat.local 432 * 9lives :Erroneous nickname"),
        ("NICK #alice", ":securechat.local 432 * #alice :Erroneous nickname"),
        ("USER alice 0 *", ":securechat.local 461 * USER :Not enough parameters"),
        ("JOIN #lobby", ":securechat.local 451 * :You have not registered"),
        ("PRIVMSG #lobby :hi", ":securechat.local 451 * :You have not registered"),
        ("WHOIS alice", ":securechat.local 451 * :You have not registered"),
        ("FROB", ":securechat.local 421 * FROB :Unknown command"),
        ("PING :abc def", ":securechat.local PONG securechat.local :abc def"),
        ("PING", ":securechat.local 461 * PING :Not enough parameters"),
    ])
    func commandsBeforeRegistration(line: String, reply: String) {
        #expect(HubHarness.repliesBeforeRegistration(to: line) == [reply])
    }

    @Test(arguments: [
        ("USER again 0 * :Again", ":securechat.local 462 alice :You may not reregister"),
        ("PASS secret", ":securechat.local 462 alice :You may not reregister"),
        ("FROB x", ":securechat.local 421 alice FROB :Unknown command"),
        ("JOIN", ":securechat.local 461 alice JOIN :Not enough parameters"),
        ("KICK #lobby", ":securechat.local 461 alice KICK :Not enough parameters"),
        ("PONG :whatever", nil),
    ] as [(String, String?)])
    func commandTableChecksAfterRegistration(line: String, reply: String?) {
        var harness = HubHarness()
        let alice = harness.register("alice")
        harness.send(line, from: alice)
        #expect(harness.take(alice) == (reply.map { [$0] } ?? []))
    }

    @Test func passIsIgnoredBeforeRegistration() {
        var harness = HubHarness()
        let alice = harness.connect(bound: ["alice"])
        harness.send("PASS hunter2", from: alice)
        #expect(harness.take(alice).isEmpty)
    }

    @Test func nickChangeToABoundNickIsAnnouncedOnceToTheUserAndEachPeer() {
        var harness = HubHarness()
        let alice = harness.register("alice", bound: ["alice", "alice_away"])
        let (bob, carol) = harness.register("bob", "carol")
        harness.send("JOIN #side", from: alice)
        harness.send("JOIN #side", from: bob)
        harness.send("JOIN #far", from: carol)
        let dave = harness.connect(bound: ["dave"])  // not registered: sees nothing
        harness.clear()

        harness.send("NICK alice_away", from: alice)
        harness.expect([alice, bob, carol], received: [":alice!alice@192.0.2.1 NICK alice_away"])
        #expect(harness.take(dave).isEmpty)
        #expect(harness.hub.nick(of: alice) == "alice_away")

        harness.send("WHOIS alice_away", from: bob)
        #expect(harness.take(bob).first == ":securechat.local 311 bob alice_away alice 192.0.2.1 * :alice Example")
        harness.send("WHOIS alice", from: bob)
        #expect(harness.take(bob).first == ":securechat.local 401 bob alice :No such nick/channel")
    }

    @Test func nickChangeToAnUnboundNickIsRefused() {
        var harness = HubHarness()
        let alice = harness.register("alice", bound: ["alice", "alice_away"])
        let bob = harness.register("bob")
        harness.send("NICK bob", from: alice)
        #expect(harness.take(alice) == [
            ":securechat.local 432 alice bob :bob is not bound to your certificate; your certificate may use: alice, alice_away; "
                + "to use bob, an administrator adds this line to the allowlist: bob \(Self.fingerprint(seed: 1))"
        ])
        #expect(harness.take(bob).isEmpty)
        #expect(harness.hub.nick(of: alice) == "alice")
    }

    /// However many nicks a certificate has and however long the names, the 432 stays a
    /// valid IRC line: the list is shortened, the allowlist line to add is kept whole.
    @Test func refusalOfAnUnboundNickFitsInOneLine() throws {
        var harness = HubHarness(HubConfiguration(serverName: "irc." + String(repeating: "x", count: 59), created: HubHarness.epoch))
        let bound = (0..<40).map { "n\($0)_" + String(repeating: "a", count: 26) }
        let session = harness.connect(bound: bound)
        let requested = String(repeating: "b", count: IRCLimits.nickLength)
        harness.send("NICK \(requested)", from: session)
        let reply = try #require(harness.take(session).first)
        #expect(reply.utf8.count <= IRCLimits.maxBodyBytesWithoutLineEnding)
        #expect(reply.contains("your certificate may use: n0_"))
        #expect(reply.contains(" more; to use \(requested)"))
        #expect(reply.hasSuffix("this line to the allowlist: \(requested) \(Self.fingerprint(seed: 1))"))
    }

    @Test func nickChangeToANickHeldByAnotherSessionIsRefused() {
        var harness = HubHarness()
        let laptop = harness.register("alice", bound: ["alice", "alice_"])
        let phone = harness.register("alice_", bound: ["alice", "alice_"])
        harness.send("NICK alice", from: phone)
        #expect(harness.take(phone) == [":securechat.local 433 alice_ alice :Nickname is already in use"])
        #expect(harness.hub.nick(of: laptop) == "alice")
    }

    @Test func secondLoginWithANickInUseAddsASessionAndClosesNone() {
        var harness = HubHarness()
        let (old, bob) = harness.register("alice", "bob")
        harness.channel("#side", members: [old, bob])

        let new = harness.register("alice")
        #expect(harness.closed.isEmpty)
        #expect(harness.hub.isRegistered(new))
        #expect(harness.hub.isRegistered(old))
        #expect(harness.hub.sessionCount == 3, "bob and both of alice's")
        #expect(harness.hub.sessions(ofNick: "alice") == [old, new])
        harness.send("NAMES #lobby", from: bob)
        #expect(harness.take(bob).first == ":securechat.local 353 bob = #lobby :alice bob", "alice once, in her place")
    }

    @Test func peersSeeNeitherQuitNorJoinWhenANickGainsASession() {
        var harness = HubHarness()
        let (old, bob) = harness.register("alice", "bob")
        harness.channel("#side", members: [old, bob])
        let new = harness.connect(bound: ["alice"])
        harness.send("NICK alice", "USER alice 0 * :A", from: new)
        #expect(harness.take(bob).isEmpty)
        #expect(harness.take(old).isEmpty)
        #expect(harness.takeCommands(new).suffix(6) == ["JOIN", "353", "366", "JOIN", "353", "366"])
    }

    @Test func quitClosesWithTheReasonAndTellsPeers() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.send("QUIT :gone fishing", from: alice)
        #expect(harness.closed[alice] == "Quit: gone fishing")
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 QUIT :Quit: gone fishing"])
        #expect(harness.take(alice).isEmpty)
        #expect(harness.hub.sessionCount == 1)

        let carol = harness.connect(bound: ["carol"])
        harness.send("QUIT", from: carol)
        #expect(harness.closed[carol] == "Quit")
        #expect(harness.take(bob).isEmpty)
    }

    @Test func disconnectTellsPeersAndSendsNothingToTheSession() {
        var harness = HubHarness()
        let (alice, bob) = harness.register("alice", "bob")
        harness.disconnect(alice, reason: "Connection reset by peer")
        #expect(harness.take(bob) == [":alice!alice@192.0.2.1 QUIT :Connection reset by peer"])
        #expect(harness.lastSends.allSatisfy { !$0.recipients.contains(alice) })
        #expect(harness.closed[alice] == nil)
        #expect(harness.hub.sessionCount == 1)
        #expect(harness.hub.nick(of: alice) == nil)
    }

    @Test func capNegotiationHoldsRegistrationUntilCapEnd() {
        var harness = HubHarness()
        let alice = harness.connect(bound: ["alice"])
        harness.send("CAP LS 302", "NICK alice", "USER alice 0 * :Alice", "CAP REQ :server-time", from: alice)
        #expect(!harness.hub.isRegistered(alice))
        #expect(harness.take(alice) == [
            ":securechat.local CAP * LS :message-tags server-time echo-message sasl=EXTERNAL multi-prefix batch draft/chathistory labeled-response account-tag account-notify away-notify extended-join userhost-in-names standard-replies extended-monitor setname draft/multiline=max-bytes=4096,max-lines=100 invite-notify draft/read-marker",
            ":securechat.local CAP alice ACK server-time",
        ])
        harness.send("CAP END", from: alice)
        #expect(harness.hub.isRegistered(alice))
        #expect(harness.takeCommands(alice).first == "001")
    }

    @Test func updateBindingsKeepingTheCurrentNickChangesNothingVisible() {
        var harness = HubHarness()
        let alice = harness.register("alice", bound: ["alice", "alice_"])
        harness.updateBindings(alice, ["alice"])
        #expect(harness.lastOutputs.isEmpty)
        #expect(harness.hub.isRegistered(alice))
        harness.send("NICK alice_", from: alice)
        #expect(harness.take(alice).first?.contains(" 432 ") == true)
    }

    @Test func updateBindingsRemovingTheCurrentNickClosesTheSession() {
        var harness = HubHarness()
        let alice = harness.register("alice_", bound: ["alice", "alice_"])
        let bob = harness.register("bob")
        harness.updateBindings(alice, ["alice"])
        let reason = "Closing link: nick alice_ is no longer bound to your certificate"
        #expect(harness.closed[alice] == reason)
        #expect(harness.take(bob) == [":alice_!alice_@192.0.2.1 QUIT :\(reason)"])
        #expect(harness.hub.sessionCount == 1)
    }

    @Test(arguments: [
        (3.5 * 86_400, "Your certificate expires in 4 days (2023-11-18); renew it with: scripts/gen-certs.sh client alice"),
        (86_400, "Your certificate expires in 1 day (2023-11-15); renew it with: scripts/gen-certs.sh client alice"),
        (-2 * 86_400, "Your certificate expired on 2023-11-12; renew it with: scripts/gen-certs.sh client alice"),
        (30 * 86_400, nil),
    ] as [(TimeInterval, String?)])
    func certificateExpiryNoticeAtRegistration(remaining: TimeInterval, notice: String?) {
        var harness = HubHarness()
        let session = harness.connect(bound: ["alice", "al"], notAfter: HubHarness.epoch.addingTimeInterval(remaining))
        harness.send("NICK al", "USER al 0 * :Al", from: session)
        let lines = harness.take(session)
        let notices = lines.filter { $0.hasPrefix(":securechat.local NOTICE ") }
        #expect(notices == (notice.map { [":securechat.local NOTICE al :\($0)"] } ?? []))
        if notice != nil {
            #expect(lines.last == notices.last, "the warning comes after the burst and the auto-join")
        }
    }

    @Test func ipv6HostsStayValidParameters() {
        var harness = HubHarness()
        let alice = harness.register("alice", host: "::1")
        harness.send("WHO alice", from: alice)
        #expect(harness.take(alice).first == ":securechat.local 352 alice * alice 0::1 securechat.local alice H :0 alice Example")
    }
}
