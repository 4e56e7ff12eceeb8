import Foundation
import Model

/// Groups copies of one post into one story.
///
/// Reposts carry the original after `//@author:` chains or a 转发 prefix;
/// the key is a hash of the normalized text with those parts removed, so a
/// verbatim copy on another platform lands in the same story.
public enum StoryKey {
    /// The story key of an item's text.
    public static func key(for item: Item) -> String {
        var text = item.content.trimmingCharacters(in: .whitespacesAndNewlines)
        for prefix in ["转发微博", "转发", "Repost", "repost"] where text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
        }
        if let chain = text.range(of: "//@") {
            let own = text[..<chain.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
            // A repost with no words of its own is a copy of the quoted post.
            text = own.isEmpty
                ? String(text[chain.upperBound...].drop(while: { $0 != ":" && $0 != "：" }).dropFirst())
                : own
        }
        let normalized = TextNormalizer.normalize(text)
        return StableHash.hex(of: normalized.isEmpty ? TextNormalizer.normalize(item.title) : normalized)
    }
}
