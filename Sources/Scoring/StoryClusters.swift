/// Groups near-copies among signals into stories: signals on the same project whose
/// fingerprints differ in few bits share one story key. The register calls it for each
/// project as it groups the signals; signals on no project keep their own keys (the
/// register counts stories per project only, and comparing every unlinked signal with
/// every other would be quadratic in all of them).
public enum StoryClusters {
    /// Gives near-copies among one project's signals the key of their story's first copy,
    /// given the signals' story keys, oldest first.
    /// - Complexity: O(k²) for k signals; projects rarely have more than a few hundred.
    public static func mergeProject(_ keys: inout ArraySlice<String>) {
        var representatives: [(fingerprint: UInt64, key: String)] = []
        for index in keys.indices {
            guard let fingerprint = StoryFingerprint.value(ofHex: keys[index]) else { continue }
            if let story = representatives.first(where: {
                StoryFingerprint.distance($0.fingerprint, fingerprint) <= StoryFingerprint.sameStoryDistance
            }) {
                keys[index] = story.key
            } else {
                representatives.append((fingerprint, keys[index]))
            }
        }
    }
}
