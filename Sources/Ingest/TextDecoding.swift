import CUchardet
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Turns the bytes of a feed or office export into text, by the usual precedence:
/// a byte-order mark (UTF-8, UTF-16), then bytes that are already valid UTF-8
/// (never decoded twice), then the declared charset (HTTP Content-Type or XML
/// declaration), then GB18030, the superset of GB2312 and GBK that Excel and
/// older systems in China write.
public enum TextDecoding {
    /// Decodes `data`, naming `source` in the error when no encoding fits.
    /// - Parameter declaredCharset: the charset the sender declared, if any (gb2312, big5 ...).
    public static func decode(_ data: Data, source: String, declaredCharset: String? = nil) throws(IngestError) -> String {
        try decodeReporting(data, source: source, declaredCharset: declaredCharset).text
    }

    /// Decodes `data` and says which encoding it turned out to be, for an operator
    /// wondering why a feed "shows nothing" (`UTF-8`, `UTF-8 (BOM)`, `GB18030 (declared gb2312)` ...).
    public static func decodeReporting(
        _ data: Data, source: String,
        declaredCharset: String? = nil
    ) throws(IngestError) -> (text: String, encoding: String) {
        if data.starts(with: [0xFF, 0xFE, 0, 0]) || data.starts(with: [0, 0, 0xFE, 0xFF]) {
            let little = data.starts(with: [0xFF, 0xFE])
            guard let text = convert(data.dropFirst(4), from: little ? "UTF-32LE" : "UTF-32BE")?.text else {
                throw .undecodableText(source: source)
            }
            return (text, little ? "UTF-32LE（带 BOM）" : "UTF-32BE（带 BOM）")
        }
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            let little = data.starts(with: [0xFF, 0xFE])
            guard let text = String(data: data.dropFirst(2), encoding: little ? .utf16LittleEndian : .utf16BigEndian) else {
                throw .undecodableText(source: source)
            }
            return (text, little ? "UTF-16LE（带 BOM）" : "UTF-16BE（带 BOM）")
        }
        // UTF-16 or UTF-32 without a BOM, told by the zero bytes around the document's
        // first character (`<` or `{`), as XML's own autodetection does.
        if let wide = wideEncoding(of: data), let text = convert(data[...], from: wide)?.text {
            return (text, "\(wide)（无 BOM）")
        }
        var bytes = data[...]
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if hasBOM {
            bytes = bytes.dropFirst(3)
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            return (text, hasBOM ? "UTF-8（带 BOM）" : "UTF-8")
        }
        if let declaredCharset {
            let name = iconvName(for: declaredCharset)
            if let text = convert(bytes, from: name)?.text { return (text, "\(name)（声明为 \(declaredCharset)）") }
        }
        // No declaration: uchardet's guess, when it is sure of a charset other than the
        // GB family (Big5 from Taiwan and Hong Kong, EUC-KR, Shift_JIS ...) and the text
        // is long enough to guess from.
        if declaredCharset == nil, let guessed = guess(bytes), let text = convert(bytes, from: guessed)?.text {
            return (text, "\(guessed)（自动识别）")
        }
        // No declaration, or a wrong one: GB18030 is what Chinese exports most often really are.
        if let text = convert(bytes, from: "GB18030")?.text {
            return (text, declaredCharset.map { "GB18030（声明为 \($0)，与内容不符）" } ?? "GB18030（未声明）")
        }
        throw .undecodableText(source: source)
    }

    /// Decodes a feed's bytes as a feed reader must: when no encoding fits every byte,
    /// the one that fits best (UTF-8, the declared charset, GB18030) is used with each
    /// unreadable byte replaced by U+FFFD, and `isRepaired` says so. One bad byte in a
    /// long feed must not lose the feed.
    public static func decodeRepairing(
        _ data: Data, source: String,
        declaredCharset: String? = nil
    ) throws(IngestError) -> (text: String, encoding: String, isRepaired: Bool) {
        do {
            let decoded = try decodeReporting(data, source: source, declaredCharset: declaredCharset)
            return (decoded.text, decoded.encoding, false)
        } catch {
            if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) { throw error }
        }
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        // Bytes that are UTF-8 but for a stray few are UTF-8, whatever was declared: text in
        // another charset almost never forms valid multi-byte UTF-8 sequences.
        let utf8 = utf8Counts(bytes)
        var best = (text: String(decoding: bytes, as: UTF8.self), encoding: "UTF-8", replaced: utf8.invalid)
        if utf8.invalid > max(1, bytes.count / 1000), utf8.invalid * 20 > utf8.multiByte {
            var candidates = ["GB18030"]
            if let declaredCharset { candidates.insert(iconvName(for: declaredCharset), at: 0) }
            for name in candidates {
                if let converted = convert(bytes, from: name, replacing: true), converted.replaced < best.replaced {
                    best = (converted.text, name, converted.replaced)
                }
            }
        }
        let count = best.replaced == 1 ? "1 个无法识别的字节" : "\(best.replaced) 个无法识别的字节"
        return (best.text, "\(best.encoding)（已替换 \(count)）", true)
    }

    /// How many U+FFFD a lossy UTF-8 decoding of `bytes` writes, and how many scalars of
    /// two or more bytes it reads.
    static func utf8Counts(_ bytes: Data.SubSequence) -> (invalid: Int, multiByte: Int) {
        var counts = (invalid: 0, multiByte: 0)
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): if scalar.value >= 0x80 { counts.multiByte += 1 }
            case .emptyInput: return counts
            case .error: counts.invalid += 1
            }
        }
    }

    /// `UTF-16LE`, `UTF-16BE`, `UTF-32LE` or `UTF-32BE` when the document starts with `<`
    /// or `{` written in one of them without a BOM.
    static func wideEncoding(of data: Data) -> String? {
        let head = Array(data.prefix(4))
        guard head.count == 4 else { return nil }
        let opening: Set<UInt8> = [0x3C, 0x7B]
        switch (head[0], head[1], head[2], head[3]) {
        case (let first, 0, 0, 0) where opening.contains(first): return "UTF-32LE"
        case (0, 0, 0, let last) where opening.contains(last): return "UTF-32BE"
        case (let first, 0, let third, 0) where opening.contains(first) && third != 0: return "UTF-16LE"
        case (0, let second, 0, let fourth) where opening.contains(second) && fourth != 0: return "UTF-16BE"
        default: return nil
        }
    }

    /// uchardet's guess for `bytes`, when it names a charset outside the GB family (which
    /// the GB18030 fallback reads anyway) and there are at least 32 bytes past ASCII to go by.
    static func guess(_ bytes: Data.SubSequence) -> String? {
        guard bytes.lazy.filter({ $0 >= 0x80 }).count >= 32, let detector = uchardet_new() else { return nil }
        defer { uchardet_delete(detector) }
        let fed = bytes.withUnsafeBytes { raw in
            uchardet_handle_data(detector, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
        }
        guard fed == 0 else { return nil }
        uchardet_data_end(detector)
        guard let name = uchardet_get_charset(detector).map({ String(cString: $0) })?.uppercased(), !name.isEmpty else { return nil }
        if ["GB18030", "GB2312", "GBK", "HZ-GB-2312", "ASCII", "UTF-8"].contains(name) { return nil }
        return iconvName(for: name)
    }

    /// The charset parameter of a Content-Type header, lower-cased.
    public static func charset(inContentType contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'")).lowercased()
            }
        }
        return nil
    }

    /// iconv's name for a declared charset; GB2312 and GBK are read as GB18030, their superset.
    static func iconvName(for charset: String) -> String {
        switch charset.lowercased() {
        case "gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn": "GB18030"
        case "big5", "big5-hkscs", "x-big5": "BIG5-HKSCS"
        // As browsers do: a page labelled Latin-1 or ASCII is read as windows-1252, whose
        // quotes and dashes (0x80-0x9F) Latin-1 would turn into control characters.
        case "iso-8859-1", "latin1", "iso_8859-1", "us-ascii", "ascii", "windows-1252", "cp1252": "WINDOWS-1252"
        case "x-sjis", "shift-jis", "sjis": "SHIFT_JIS"
        case "ks_c_5601-1987", "uhc", "windows-949": "CP949"
        case "tis-620", "windows-874": "CP874"
        default: charset.uppercased()
        }
    }

    /// Converts `bytes` in `encoding` to a String with iconv; nil when the bytes are invalid,
    /// unless `replacing`, when each byte iconv cannot read becomes U+FFFD (and is counted).
    static func convert(
        _ bytes: Data.SubSequence, from encoding: String,
        replacing: Bool = false
    ) -> (text: String, replaced: Int)? {
        let converter = iconv_open("UTF-8", encoding)
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = Array(bytes)
        // Most text needs at most twice its bytes; a single-byte charset of Thai or CJK
        // letters needs three, so the buffer grows when iconv says it is full.
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var written = 0
        var replaced = 0
        var consumed = 0
        while consumed < input.count {
            let (result, error, read, wrote) = input.withUnsafeMutableBufferPointer { inBuffer in
                output.withUnsafeMutableBufferPointer { outBuffer in
                    // swift-format-ignore: NeverForceUnwrap
                    // (input is not empty: consumed < input.count)
                    var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress! + consumed)
                        .assumingMemoryBound(to: CChar.self)
                    var inLeft = inBuffer.count - consumed
                    // swift-format-ignore: NeverForceUnwrap
                    // (output has room for at least 16 bytes)
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress! + written)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuffer.count - written
                    let before = (inLeft, outLeft)
                    let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (result, errno, before.0 - inLeft, before.1 - outLeft)
                }
            }
            consumed += read
            written += wrote
            guard result == -1 else { break }
            if error == E2BIG {
                output.append(contentsOf: repeatElement(0, count: max(input.count - consumed, 16) * 3 + 16))
                continue
            }
            // EILSEQ (a byte that is not of this charset) or EINVAL (a character cut at the end).
            guard replacing else { return nil }
            if output.count - written < 3 { output.append(contentsOf: repeatElement(0, count: 64)) }
            output.replaceSubrange(written..<(written + 3), with: [0xEF, 0xBF, 0xBD])
            written += 3
            consumed += 1
            replaced += 1
        }
        return (String(decoding: output[..<written], as: UTF8.self), replaced)
    }
}
