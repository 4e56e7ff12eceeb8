/// Finds construction sites named in free text: 某某项目, 某某工地, 某某小区, 某某安置房 ...
///
/// Used on wage-arrears items that link to no registry project, so the
/// register can list construction the registry misses. The name is the run of
/// Chinese characters before the site word, cut at words that start a clause.
public enum SiteMentionFinder {
    static let siteWords: [[UInt32]] = ["安置房", "项目", "工地", "小区", "花园", "大厦", "厂房"]
        .map { $0.unicodeScalars.map(\.value) }
    static let firstCharacters = ScalarBitmap(siteWords.map { $0[0] })
    /// Characters that end a name when walking back from the site word.
    static let breaks = ScalarBitmap("在的了是我们到去给对向和与说个于从把被这那里干做找讨要欠拖")
    static let shortest = 2
    static let longest = 12

    /// Distinct site names in `text`, in order of first appearance.
    public static func sites(in text: String) -> [String] {
        sites(inFolded: text.unicodeScalars.map(\.value)[...])
    }

    /// Distinct site names in folded text, in order of first appearance.
    /// - Complexity: O(n) in the number of scalars.
    public static func sites(inFolded scalars: ArraySlice<UInt32>) -> [String] {
        let firstCharacters = Self.firstCharacters
        let breaks = Self.breaks
        return scalars.withUnsafeBufferPointer { characters in
            var found: [String] = []
            // Most texts name no site word at all: skip to the characters that may begin one.
            var index = firstCharacters.firstMember(in: characters, from: 0)
            while index < characters.count {
                guard let word = siteWords.first(where: { matches($0, in: characters, at: index) }) else {
                    index = firstCharacters.firstMember(in: characters, from: index + 1)
                    continue
                }
                var start = index
                while start > 0, index - start < longest, isHan(characters[start - 1]), !breaks.contains(characters[start - 1]) {
                    start -= 1
                }
                if index - start >= shortest {
                    var name = ""
                    for value in characters[start..<(index + word.count)] { name.unicodeScalars.append(Unicode.Scalar(value)!) }
                    if !found.contains(name) { found.append(name) }
                }
                index += word.count
                // 项目工地, 小区项目: one site, named once.
                while let next = siteWords.first(where: { matches($0, in: characters, at: index) }) {
                    index += next.count
                }
                index = firstCharacters.firstMember(in: characters, from: index)
            }
            return found
        }
    }

    private static func matches(_ word: [UInt32], in characters: UnsafeBufferPointer<UInt32>, at index: Int) -> Bool {
        var offset = index
        for character in word {
            guard offset < characters.count, characters[offset] == character else { return false }
            offset += 1
        }
        return true
    }

    private static func isHan(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
    }

    /// What variants of one site share: the key the register merges site names by.
    public static func mergeKey(_ name: String) -> String {
        name
    }
}
