import Foundation

/// Reads a file a user named on the command line, saying plainly why it cannot be read:
/// missing, a folder, not permitted, or larger than the command takes.
public enum LocalFile {
    public struct Unreadable: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path)：\(reason)" }
    }

    /// Throws what `read` would say of a file it cannot open, without reading it: for a
    /// command to check its input before it creates anything (an empty store).
    public static func check(_ path: String) throws(Unreadable) {
        let handle = try open(path)
        try? handle.close()
    }

    private static func open(_ path: String) throws(Unreadable) -> FileHandle {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw Unreadable(path: path, reason: "文件不存在")
        }
        guard !isFolder.boolValue else { throw Unreadable(path: path, reason: "这是文件夹，不是文件") }
        guard access(path, R_OK) == 0 else {
            throw Unreadable(
                path: path,
                reason: errno == EACCES
                    ? "无读取权限：当前用户不能读取此文件（可用 ls -l 查看其所有者和权限）"
                    : "无法打开（\(String(cString: strerror(errno)))）")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Unreadable(path: path, reason: "无法打开")
        }
        return handle
    }

    /// The bytes of `path`, at most `limit` of them.
    public static func read(_ path: String, limit: Int) throws(Unreadable) -> Data {
        let handle = try open(path)
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw Unreadable(path: path, reason: "无法读取（\((error as NSError).localizedFailureReason ?? "输入/输出错误")）")
        }
        guard data.count <= limit else {
            throw Unreadable(path: path, reason: "超过 \(limit / 1024 / 1024) MiB，超出此命令可读取的上限")
        }
        return data
    }
}
