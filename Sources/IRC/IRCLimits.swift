/// Size limits of the IRC wire format and of the names this server accepts.
///
/// A line is split in two parts for counting: the tag section (`@` through the space
/// that ends it, IRCv3 message-tags) and the body (everything after the tag section,
/// which is what RFC 1459's 512 bytes always meant). The two limits are independent:
/// tags never eat into the 512 bytes of the body.
public enum IRCLimits {
    /// The most bytes a body may have on the wire, including its `\r\n` (512).
    public static let maxBodyBytes = 512

    /// The most bytes a body may have without its line ending (510).
    public static let maxBodyBytesWithoutLineEnding = maxBodyBytes - 2

    /// The most bytes the tag section may have, including the leading `@` and the
    /// space that ends it (8191, IRCv3 message-tags).
    public static let maxTagSectionBytes = 8191

    /// The most tag data (the section without `@` and the final space) a client may
    /// send, and the most a server may add to a message it relays (4094, IRCv3).
    ///
    /// Not enforced by the line decoder, which accepts the full 8191-byte section; the
    /// server answers a client's line with more with 417 and relays none of it, and
    /// uses the same budget for what it adds.
    public static let maxTagDataBytesPerSide = 4094

    /// The longest legal line on the wire: a full tag section plus a full body with
    /// its `\r\n` (8703). Buffered input without a line end past this is an abuse.
    public static let maxLineBytes = maxTagSectionBytes + maxBodyBytes

    /// The most parameters a message may carry (15, as modern.ircdocs.horse advises).
    public static let maxParameters = 15

    /// NICKLEN: the longest nickname this server accepts, in bytes.
    public static let nickLength = 30

    /// CHANNELLEN: the longest channel name this server accepts, in bytes, `#` included.
    public static let channelLength = 50
}
