import Foundation

/// A file a unit's answer carries (代发银行回单, 签字工资表, 合同 ...): kept once in the store
/// by its SHA-256, named by it, and served only as a download.
public struct CaseAttachment: Codable, Hashable, Sendable {
    /// The kinds a case accepts, told by the file's first bytes, never by its name.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case pdf, jpeg, png, xlsx

        public var mediaType: String {
            switch self {
            case .pdf: "application/pdf"
            case .jpeg: "image/jpeg"
            case .png: "image/png"
            case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }

        public var fileExtension: String {
            switch self {
            case .pdf: "pdf"
            case .jpeg: "jpg"
            case .png: "png"
            case .xlsx: "xlsx"
            }
        }

        /// The kind `bytes` are, or nil: a PDF, JPEG or PNG by its signature; an XLSX by
        /// the ZIP signature and the parts of a workbook, without macros.
        public static func of(_ bytes: [UInt8]) -> Kind? {
            func starts(_ signature: [UInt8]) -> Bool { bytes.count >= signature.count && bytes.starts(with: signature) }
            if starts(Array("%PDF-".utf8)) { return .pdf }
            if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
            if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
            // A ZIP's central directory names its parts uncompressed.
            if starts([0x50, 0x4B, 0x03, 0x04]), contains(bytes, "[Content_Types].xml"), contains(bytes, "xl/workbook.xml"),
                !contains(bytes, "xl/vbaProject.bin")
            {
                return .xlsx
            }
            return nil
        }

        private static func contains(_ bytes: [UInt8], _ name: String) -> Bool {
            let needle = Array(name.utf8)
            guard let first = needle.first, bytes.count >= needle.count else { return false }
            var index = 0
            let last = bytes.count - needle.count
            while index <= last {
                if bytes[index] == first && bytes[index..<index + needle.count].elementsEqual(needle) { return true }
                index += 1
            }
            return false
        }
    }

    /// The file's SHA-256 in hex: its key in the store and in its address.
    public var sha256: String
    /// The name it was uploaded under, cleaned (`CaseAttachment.cleanName`): shown, never a path.
    public var name: String
    public var kind: Kind
    public var size: Int
    public var addedOn: Day
    public var addedBy: String

    public init(sha256: String, name: String, kind: Kind, size: Int, addedOn: Day, addedBy: String) {
        self.sha256 = sha256
        self.name = name
        self.kind = kind
        self.size = size
        self.addedOn = addedOn
        self.addedBy = addedBy
    }

    /// The largest file a case takes, and how many one answer may carry.
    public static let maxSize = 10 * 1024 * 1024
    public static let maxCount = 5

    /// An uploaded name as shown: its last path component, without control characters,
    /// quotes or backslashes, at most 80 characters, with the extension of its kind.
    public static func cleanName(_ uploaded: String, kind: Kind) -> String {
        let last = uploaded.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var kept = String(
            String.UnicodeScalarView(
                last.unicodeScalars.filter {
                    !$0.properties.generalCategory.isControlOrFormat && $0 != "\"" && $0 != "\\"
                }))
        kept = kept.trimmingCharacters(in: .whitespaces)
        if let dot = kept.lastIndex(of: ".") { kept = String(kept[..<dot]) }
        if kept.isEmpty { kept = "附件" }
        return String(kept.prefix(80)) + "." + kind.fileExtension
    }
}

extension Unicode.GeneralCategory {
    fileprivate var isControlOrFormat: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: true
        default: false
        }
    }
}
