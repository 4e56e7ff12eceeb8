import Model

/// Groups near-copies among signals into stories: signals on the same project whose
/// fingerprints differ in few bits share one story key. Signals on no project keep
/// their own keys: the register counts stories per project only, and comparing every
/// unlinked signal with every other would be quadratic in all of them.
public enum StoryClusters {
    /// `signals` with each story key replaced by the key of the first copy of its story.
    /// - Complexity: O(k²) per project for k signals on it; projects rarely have more than a few hundred.
    public static func merge(_ signals: [ItemSignal]) -> [ItemSignal] {
        var byGroup: [String: [Int]] = [:]
        for (index, signal) in signals.enumerated() {
            guard let project = signal.link?.projectID else { continue }
            byGroup[project, default: []].append(index)
        }
        var result = signals
        for indices in byGroup.values {
            let ordered = indices.sorted { (signals[$0].at, signals[$0].itemID) < (signals[$1].at, signals[$1].itemID) }
            var copies = ArraySlice(ordered.map { signals[$0] })
            mergeProject(&copies)
            for (index, copy) in zip(ordered, copies) { result[index].storyKey = copy.storyKey }
        }
        return result
    }

    /// Gives near-copies among one project's signals, oldest first, the key of their
    /// story's first copy (the register calls this for each project it judges).
    public static func mergeProject(_ signals: inout ArraySlice<ItemSignal>) {
        var representatives: [(fingerprint: UInt64, key: String)] = []
        for index in signals.indices {
            guard let fingerprint = StoryFingerprint.value(ofHex: signals[index].storyKey) else { continue }
            if let story = representatives.first(where: {
                StoryFingerprint.distance($0.fingerprint, fingerprint) <= StoryFingerprint.sameStoryDistance
            }) {
                signals[index].storyKey = story.key
            } else {
                representatives.append((fingerprint, signals[index].storyKey))
            }
        }
    }
}
