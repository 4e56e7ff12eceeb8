import CLibCrypto
import Foundation

/// What the store keeps of a session id: its SHA-256, in hex. A copy of the database
/// (a backup, a leaked file) then holds no id that opens a session.
public enum SessionDigest {
    public static func hex(of id: String) -> String {
        sha256(Array(id.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The SHA-256 of `bytes` (libcrypto's), for the store's other digests too.
    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in SHA256(input.baseAddress, input.count, output.baseAddress) }
        }
        return digest
    }
}
