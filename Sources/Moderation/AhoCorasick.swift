/// Finds every occurrence of many byte patterns in one pass over a text (Aho–Corasick).
///
/// Built once per filter load as a dense automaton over the bytes that occur in some
/// pattern (every other byte leads back to the root), so a search is one table lookup per
/// byte of the text, whatever the number of patterns; at the root, bytes that begin no
/// pattern are skipped without one.
struct AhoCorasick: Sendable {
    /// Byte → column; 0 for bytes no pattern contains.
    private let columns: [UInt8]
    /// Whether some pattern begins with the byte.
    private let starts: [Bool]
    private let width: Int
    /// `transitions[state * width + column]` → the next state times `width`, complemented
    /// (negative) when some pattern ends there.
    private let transitions: [Int32]
    /// Patterns ending at each state, its suffixes' included.
    private let outputs: [[Int32]]
    /// Each pattern's length in bytes.
    let lengths: [Int]

    var isEmpty: Bool { lengths.isEmpty }

    init(patterns: [[UInt8]]) {
        var columns = [UInt8](repeating: 0, count: 256)
        var width = 1
        for pattern in patterns {
            for byte in pattern where columns[Int(byte)] == 0 {
                columns[Int(byte)] = UInt8(truncatingIfNeeded: width)
                width += 1
            }
        }
        // Trie; 0 is the root, -1 is "no edge" until the failure links fill it.
        var goto: [Int32] = Array(repeating: -1, count: width)
        var outputs: [[Int32]] = [[]]
        for (index, pattern) in patterns.enumerated() {
            var state = 0
            for byte in pattern {
                let slot = state * width + Int(columns[Int(byte)])
                if goto[slot] < 0 {
                    goto[slot] = Int32(outputs.count)
                    outputs.append([])
                    goto.append(contentsOf: repeatElement(-1, count: width))
                }
                state = Int(goto[slot])
            }
            outputs[state].append(Int32(index))
        }
        // Breadth first: each state's failure link, its missing edges taken from it.
        var failure = [Int32](repeating: 0, count: outputs.count)
        var queue: [Int] = []
        for column in 0..<width {
            if goto[column] < 0 {
                goto[column] = 0
            } else {
                queue.append(Int(goto[column]))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            outputs[state] += outputs[Int(failure[state])]
            for column in 0..<width {
                let slot = state * width + column
                let fallback = goto[Int(failure[state]) * width + column]
                if goto[slot] < 0 {
                    goto[slot] = fallback
                } else {
                    failure[Int(goto[slot])] = fallback
                    queue.append(Int(goto[slot]))
                }
            }
        }
        // Each entry holds the next state's row offset (state × width), so the search does
        // no multiplication; a state with output is stored as the offset's bitwise
        // complement (negative), so the search asks one sign per byte instead of reading a list.
        for slot in goto.indices {
            let state = Int(goto[slot])
            let offset = Int32(state * width)
            goto[slot] = outputs[state].isEmpty ? offset : ~offset
        }
        var starts = [Bool](repeating: false, count: 256)
        for pattern in patterns {
            if let first = pattern.first { starts[Int(first)] = true }
        }
        self.columns = columns
        self.starts = starts
        self.width = width
        self.transitions = goto
        self.outputs = outputs
        self.lengths = patterns.map(\.count)
    }

    /// Calls `found(pattern, end)` for each occurrence, `end` being the index after its last byte.
    func search(_ text: [UInt8], _ found: (_ pattern: Int, _ end: Int) -> Void) {
        guard !isEmpty else { return }
        let width = self.width
        columns.withUnsafeBufferPointer { columns in
            starts.withUnsafeBufferPointer { starts in
                transitions.withUnsafeBufferPointer { transitions in
                    text.withUnsafeBufferPointer { text in
                        var offset = 0
                        var index = 0
                        let count = text.count
                        while index < count {
                            if offset == 0 {
                                // At the root, a byte that starts no pattern leaves it there.
                                while index < count, !starts[Int(text[index])] { index += 1 }
                                guard index < count else { break }
                            }
                            let next = Int(transitions[offset &+ Int(columns[Int(text[index])])])
                            index += 1
                            if next >= 0 {
                                offset = next
                                continue
                            }
                            offset = ~next
                            for pattern in outputs[offset / width] { found(Int(pattern), index) }
                        }
                    }
                }
            }
        }
    }
}
