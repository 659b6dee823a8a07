/// What one line typed by the user asks for.
public enum InputAction: Hashable, Sendable {
    /// A message to a room or, when the target is a nick, a private message.
    case send(target: String, text: String)
    /// `/me`: an action in the third person.
    case action(target: String, text: String)
    case join(room: String)
    case part(room: String, reason: String?)
    /// Make `room` the one plain text goes to.
    case switchRoom(String)
    case listRooms
    case who(String)
    /// Show (`text` nil) or set the topic.
    case topic(room: String, text: String?)
    case nick(String)
    /// `/report`: a nick or room reported to the server's operators.
    case report(target: String, msgid: String?, reason: String)
    case quit(message: String?)
    case help
    /// Misuse or an unknown command: show this one line, send nothing.
    case hint(String)
    /// An empty line.
    case nothing
}
