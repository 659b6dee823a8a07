@testable import ChatServer
import Testing

@Suite struct HelpTopicsTests {
    @Test func everyCommandOfTheTableHasHelp() {
        let missing = HubState.commands.keys.filter { HelpTopics.text[$0] == nil }.sorted()
        #expect(missing.isEmpty, "HELP has no text for \(missing); add it to HelpTopics.text")
    }

    @Test func helpLinesFitANumeric() {
        for (subject, lines) in HelpTopics.text {
            for line in lines {
                #expect(line.utf8.count + subject.utf8.count < 400, "\(subject): \(line)")
            }
        }
    }
}
