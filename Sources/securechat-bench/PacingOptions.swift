import ArgumentParser

/// How fast fanout and privmsg send, and how large their messages are.
struct PacingOptions: ParsableArguments {
    @Option(help: "Total messages per second over all senders (default: as fast as lossless allows).")
    var rate: Double?
    @Option(help: "Messages a sender may be ahead of its slowest receiver.")
    var window: Int = 32
    @Option(help: "Bytes of text per message.")
    var textBytes: Int = 100
}
