/// How an item names a registry project.
public enum MentionKind: String, Codable, Sendable, CaseIterable {
    case name
    case alias
    case contractor
    case subcontractor
    case builder
    /// The petition's 被反映对象 field names the project or one of its companies.
    case respondent
    /// The item names the project's township (属地).
    case township
    /// The item names the project's type (安置房, 学校, 医院 ...).
    case projectType = "project_type"
    /// The item holds a distinctive part of the project's name or company (实验小学, 城北 + 二期, 宏泰).
    case token
}

/// One piece of evidence for a link: what was found, where.
public struct LinkEvidence: Codable, Hashable, Sendable {
    public var kind: MentionKind
    /// The registry text that was found in the item.
    public var text: String

    public init(kind: MentionKind, text: String) {
        self.kind = kind
        self.text = text
    }
}

/// Confidence band of a link.
public enum LinkBand: String, Codable, Sendable, CaseIterable {
    /// Confident enough to count in the register.
    case link
    /// Ambiguous or weak: a clerk should confirm it.
    case review
}

/// An item linked to a registry project, with the evidence and its confidence.
public struct ProjectLink: Codable, Hashable, Sendable {
    public var itemID: String
    public var projectID: String
    public var band: LinkBand
    public var confidence: Double
    public var evidence: [LinkEvidence]

    public init(itemID: String, projectID: String, band: LinkBand, confidence: Double, evidence: [LinkEvidence]) {
        self.itemID = itemID
        self.projectID = projectID
        self.band = band
        self.confidence = confidence
        self.evidence = evidence
    }
}

/// A construction site named by an item that matches no registry project.
public struct SiteMention: Codable, Hashable, Sendable {
    public var itemID: String
    /// The site as the text names it, e.g. 滨江花园安置房项目.
    public var site: String

    public init(itemID: String, site: String) {
        self.itemID = itemID
        self.site = site
    }
}
