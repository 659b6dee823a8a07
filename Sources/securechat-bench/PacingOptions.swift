import ArgumentParser

/// How many messages each sender of fanout, privmsg and history sends, how fast, and how
/// large they are.
struct PacingOptions: ParsableArguments {
    @Option(name: .customShort("k"), help: "Messages each sender sends.")
    var messages: Int = 1000
    @Option(help: "Total messages per second over all senders (default: as fast as lossless allows).")
    var rate: Double?
    @Option(help: "Messages a sender may be ahead of its slowest receiver.")
    var window: Int = 32
    @Option(help: "Bytes of text per message.")
    var textBytes: Int = 100

    func validate() throws {
        guard self.messages > 0, self.window > 0, self.rate.map({ $0 > 0 }) ?? true else {
            throw ValidationError("need -k ≥ 1, --window ≥ 1 and --rate > 0")
        }
    }
}
