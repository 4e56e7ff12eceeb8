/// Text folded for matching, with a map from each folded scalar back to the original.
public struct NormalizedText: Sendable, Hashable {
    /// The folded scalars.
    public var scalars: [UInt32] = []
    /// For each folded scalar, the UTF-8 offset, within its field's original text,
    /// of the character it came from.
    public var origins: [Int32] = []
    /// Where each appended field starts in `scalars`, in the order fields were appended.
    public var fieldStarts: [Int] = []
    /// The UTF-8 length of each appended field's original text.
    public var fieldByteCounts: [Int] = []

    public init() {}

    /// Empties the text and keeps its storage, to fold the next item into.
    public mutating func removeAll() {
        scalars.removeAll(keepingCapacity: true)
        origins.removeAll(keepingCapacity: true)
        fieldStarts.removeAll(keepingCapacity: true)
        fieldByteCounts.removeAll(keepingCapacity: true)
    }

    /// The folded text as a string.
    public var string: String {
        var view = String.UnicodeScalarView()
        for value in scalars {
            if let scalar = Unicode.Scalar(value) { view.append(scalar) }
        }
        return String(view)
    }

    /// The folded scalars of field `index`.
    public func range(ofField index: Int) -> Range<Int> {
        fieldStarts[index]..<(index + 1 < fieldStarts.count ? fieldStarts[index + 1] : scalars.count)
    }
}
