import HistoryStore

extension Hub {
    /// Stores a read marker in the history log, off the hub's loop, and hands the outcome
    /// to the hub state back on the loop, as ``fileReport(_:)`` does a report.
    func storeReadMarker(_ request: ReadMarkerRequest) {
        self.runOnStore(
            { try await $0.setReadMarker(request.marker) },
            then: { state, result, now in state.readMarkerStored(request, result: result, now: now) }
        )
    }
}
