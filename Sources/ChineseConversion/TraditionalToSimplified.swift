import COpenCC
import Foundation

/// Traditional-to-simplified conversion of single characters, taken from OpenCC.
///
/// Matching only needs each character folded to one form, so OpenCC's `t2s`
/// configuration is asked once for every CJK character on its own, and the
/// answer is kept as a table the scorer consults per character, which costs a
/// lookup instead of a dictionary pass over every text.
public enum TraditionalToSimplified {
    /// Errors loading OpenCC's data.
    public enum LoadError: Error, CustomStringConvertible {
        case unavailable(configuration: String)
        case conversionFailed

        public var description: String {
            switch self {
            case .unavailable(let configuration):
                "OpenCC configuration \(configuration) could not be opened; install libopencc-dev (scripts/setup does)"
            case .conversionFailed:
                "OpenCC failed to convert the character table"
            }
        }
    }

    /// The blocks that hold traditional characters with simplified forms.
    static let blocks: [ClosedRange<UInt32>] = [0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF]

    /// `characterTable()` of the default configuration, made once per process: the engine,
    /// the masker, search and the web app all read the same table.
    public static func sharedTable() throws -> [UInt32: UInt32] {
        try shared.get()
    }

    private static let shared = Result { try characterTable() }

    /// Every character that OpenCC's `t2s` changes, mapped to its simplified form.
    /// - Complexity: one OpenCC call over about 28,000 characters (tens of milliseconds).
    public static func characterTable(configuration: String = "t2s.json") throws -> [UInt32: UInt32] {
        guard let converter = opencc_open(configuration), converter != opencc_t(bitPattern: -1) else {
            throw LoadError.unavailable(configuration: configuration)
        }
        defer { opencc_close(converter) }
        var characters: [UInt32] = []
        var input = ""
        for block in blocks {
            for value in block {
                guard let scalar = Unicode.Scalar(value) else { continue }
                characters.append(value)
                input.unicodeScalars.append(scalar)
                // One character a line, so that phrase dictionaries cannot join neighbours.
                input.unicodeScalars.append("\n")
            }
        }
        guard let converted = opencc_convert_utf8(converter, input, input.utf8.count) else {
            throw LoadError.conversionFailed
        }
        defer { opencc_convert_utf8_free(converted) }
        let lines = String(cString: converted).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= characters.count else { throw LoadError.conversionFailed }
        var table: [UInt32: UInt32] = [:]
        for (index, line) in lines.prefix(characters.count).enumerated() {
            let scalars = line.unicodeScalars
            guard scalars.count == 1, let simplified = scalars.first?.value, simplified != characters[index] else { continue }
            table[characters[index]] = simplified
        }
        return table
    }
}
