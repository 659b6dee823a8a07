import IRC

extension ServerConfiguration {
    /// Checks what must hold once the file and the flags have been applied: the four
    /// required paths are set, and values set by flags are in range (the TOML loader
    /// checks its own values as it reads them, with their line).
    ///
    /// Port 0 passes here (it asks the system for a free port, which tests use) although
    /// the file format requires 1–65535.
    ///
    /// - Throws: ``ConfigurationError`` `.missingRequired` listing every missing setting,
    ///   one per line (`--cert is required (or cert = "…" in the config file)`); otherwise
    ///   `.invalidValue` listing every out-of-range value.
    public func validate() throws(ConfigurationError) {
        let required: [(value: String, flag: String, key: String)] = [
            (self.certificatePath, "--cert", "cert"),
            (self.privateKeyPath, "--key", "key"),
            (self.clientCAPath, "--client-ca", "client_ca"),
            (self.allowlistPath, "--allowlist", "allowlist"),
        ]
        let missing = required.filter { $0.value.isEmpty }.map {
            "\($0.flag) is required (or \($0.key) = \"…\" in the config file)"
        }
        guard missing.isEmpty else {
            throw ConfigurationError(.missingRequired, missing.joined(separator: "\n"))
        }

        var problems: [String] = []
        func check(_ holds: Bool, _ problem: @autoclosure () -> String) {
            if !holds { problems.append(problem()) }
        }
        let limits = self.limits
        check((0...65_535).contains(self.port), "port must be between 0 and 65535, not \(self.port)")
        check(!self.host.isEmpty, "host must not be empty")
        check(!self.serverName.isEmpty && !self.serverName.contains(" "), "server_name must be a name without spaces")
        check(!self.networkName.isEmpty && !self.networkName.contains(" "), "network_name must be a name without spaces")
        check(
            self.defaultChannel.isEmpty || IRCName.isValidChannelName(self.defaultChannel),
            "default_channel must be a channel name starting with #, not \"\(self.defaultChannel)\"")
        for (name, duration) in [
            ("handshake_timeout", limits.handshakeTimeout), ("registration_timeout", limits.registrationTimeout),
            ("ping_interval", limits.pingInterval), ("ping_timeout", limits.pingTimeout),
            ("flood_disconnect_after", limits.floodDisconnectAfter), ("busy_handshake_timeout", limits.busyHandshakeTimeout),
        ] {
            check(duration > .zero, "\(name) must be greater than 0 seconds, not \(duration)")
        }
        for (name, count) in [
            ("max_lines_before_registration", limits.maxLinesBeforeRegistration), ("flood_burst", limits.floodBurst),
            ("max_connections", limits.maxConnections),
            ("max_connections_per_address", limits.maxConnectionsPerAddress),
            ("max_handshakes", limits.maxHandshakes), ("max_handshakes_per_address", limits.maxHandshakesPerAddress),
            ("max_sessions_per_nick", limits.maxSessionsPerNick),
        ] {
            check(count >= 1, "\(name) must be at least 1, not \(count)")
        }
        check(limits.floodRate > 0, "flood_rate must be greater than 0, not \(limits.floodRate)")
        check(
            limits.sendQueueBytes >= Limits.minimumSendQueueBytes,
            "sendq must be at least \(Limits.minimumSendQueueBytes) bytes (96 KiB), not \(limits.sendQueueBytes)")
        if let problem = self.metrics.problem() { problems.append(problem) }
        check(self.metrics.drain >= .zero, "drain_seconds must be at least 0, not \(self.metrics.drain)")
        check(limits.expiryWarningDays >= 0, "expiry_warning_days must be at least 0, not \(limits.expiryWarningDays)")
        guard problems.isEmpty else {
            throw ConfigurationError(.invalidValue, problems.joined(separator: "\n"))
        }
    }
}
