import Model

/// The rows an importer read from one file: the good records and the rows kept aside.
public struct ImportBatch<Record: Sendable>: Sendable {
    public var records: [Record]
    public var rejections: [ImportRejection]

    public init(records: [Record] = [], rejections: [ImportRejection] = []) {
        self.records = records
        self.rejections = rejections
    }
}
