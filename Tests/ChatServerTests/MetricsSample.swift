import Foundation

/// The samples of a Prometheus text exposition, as the tests read them.
struct MetricsSample: Sendable {
    let name: String
    let labels: [String: String]
    let value: Double

    /// Every sample line of `text` (comments skipped).
    static func parse(_ text: String) -> [MetricsSample] {
        text.split(separator: "\n").compactMap { line -> MetricsSample? in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...])
            else { return nil }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                return MetricsSample(name: String(series), labels: [:], value: value)
            }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            return MetricsSample(name: String(series[..<brace]), labels: labels, value: value)
        }
    }
}

extension [MetricsSample] {
    /// The value of `name` whose labels include `labels`, or nil.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        self.first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
    }
}
