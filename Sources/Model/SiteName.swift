/// A site name as the scorer writes it: the township when the text put one in front,
/// a space, then the site's own name ("桥西街道 金源大厦"), or the name alone.
public enum SiteName {
    /// The site's own name, without the township.
    public static func name(of site: String) -> Substring {
        guard let space = site.firstIndex(of: " ") else { return site[...] }
        return site[site.index(after: space)...]
    }

    /// The township written in front of the site, if any.
    public static func township(of site: String) -> String? {
        site.firstIndex(of: " ").map { String(site[..<$0]) }
    }

    /// What spellings of one site share: the first two characters of its own name
    /// (宏达食品厂扩建, 宏达厂房 and 宏达食品新厂 are one site; 金源大厦 and 金源大夏).
    /// Two sites of one township that begin alike are merged too: a clerk tells them apart.
    public static func mergeKey(of site: String) -> String {
        String(name(of: site).prefix(2))
    }
}
