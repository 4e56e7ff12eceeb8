import Foundation

/// LibreOffice, headless, as a reader of the workbooks wagewatch writes: each sheet
/// converted to CSV (`soffice --convert-to csv` with the filter's "every sheet" option).
enum LibreOffice {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    /// Every sheet of `workbook` as rows of cells, by sheet name; `folder` takes the
    /// converted files and LibreOffice's profile.
    static func sheetsAsCSV(_ workbook: URL, in folder: URL) throws -> [String: [[String]]] {
        let output = folder.appendingPathComponent("libreoffice-out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        // Started as the CLI tests start wagewatch (posix_spawn and waitpid, not Foundation's Process).
        let log = folder.appendingPathComponent("libreoffice.log").path
        let child = try ChildProcess(
            "/usr/bin/soffice",
            [
                "-env:UserInstallation=file://" + folder.appendingPathComponent("libreoffice-profile").path, "--headless",
                // Comma, double quote, UTF-8, ..., -1: every sheet, each to <name>-<sheet>.csv.
                "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir",
                output.path, workbook.path,
            ], stdout: log, stderr: log)
        let end = child.wait()
        let message = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard end == .exit(0) else { throw Failed(description: "soffice ended \(end): \(message)") }
        let base = workbook.deletingPathExtension().lastPathComponent + "-"
        var sheets: [String: [[String]]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: output.path) where name.hasPrefix(base) && name.hasSuffix(".csv") {
            let sheet = String(name.dropFirst(base.count).dropLast(4))
            let text = try String(contentsOf: output.appendingPathComponent(name), encoding: .utf8)
            sheets[sheet] = rows(text)
        }
        guard !sheets.isEmpty else { throw Failed(description: "soffice wrote no sheet: \(message)") }
        return sheets
    }

    /// RFC 4180 rows: quoted cells may hold commas, quotes (doubled) and line breaks.
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var characters = Array(text)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if quoted {
                if character == "\"" {
                    if index + 1 < characters.count && characters[index + 1] == "\"" {
                        cell.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    cell.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(cell)
                cell = ""
            } else if character == "\n" || character == "\r\n" {
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
            } else {
                cell.append(character)
            }
            index += 1
        }
        if !cell.isEmpty || !row.isEmpty {
            row.append(cell)
            rows.append(row)
        }
        return rows
    }
}
