/// Everything the scorer and the linker conclude about one item: what the engine returns
/// and what the store keeps, one type.
public struct ItemVerdict: Sendable, Hashable {
    public var assessment: ItemAssessment
    /// The story fingerprint (SimHash) as 16 hex digits.
    public var storyKey: String
    public var link: ProjectLink?
    /// Site names, for signals that link to no project.
    public var sites: [String]

    public init(assessment: ItemAssessment, storyKey: String, link: ProjectLink?, sites: [String]) {
        self.assessment = assessment
        self.storyKey = storyKey
        self.link = link
        self.sites = sites
    }
}
