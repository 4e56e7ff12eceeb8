import Foundation
import Logging
import Model
import Register
import Scoring
import Store

extension Monitor {
    /// What a roll-up about to be made is kept under: the stamp of the rules it is made with
    /// and the store's change count before its register is read.
    public struct RollupBasis: Sendable, Hashable {
        public var stamp: String
        public var dataVersion: Int
    }

    /// The rules files read once, and their stamp, so that a register and the stamp it
    /// is kept under come from the same files.
    public struct StampedRules: Sendable {
        public var files: [(name: String, text: String)]
        public var stamp: String

        /// The files parsed (not needed to read a kept roll-up).
        public func rulebook() throws -> Rulebook { try Rulebook.parse(files: files) }
    }

    /// The rules folder, read once and stamped.
    public func stampedRules() throws -> StampedRules {
        let files = try rulesFiles()
        var hash = StableHash.Accumulator()
        // The form of a roll-up, then every rules file (the register's thresholds and window among them).
        hash.add(text: "roll-up form \(CityRollup.form)")
        for file in files {
            hash.add(text: file.name)
            hash.add(text: file.text)
        }
        return StampedRules(files: files, stamp: hash.hex)
    }

    /// This store's register and daily list of `asOf`, rolled up for the province as the
    /// city `code` (`name`): the roll-up the city kept (`keepRollup`) when it was made
    /// under the same rules and the store has not changed since, else made anew. Either
    /// way the sources fallen silent are counted at `now`.
    public func cityRollup(code: String, name: String, asOf: Day, now: Date = Date()) async throws -> CityRollup {
        let rules = try stampedRules()
        if let kept = await keptRollup(asOf: asOf, stamp: rules.stamp) {
            var rollup = kept.named(code: code, name: name)
            rollup.sourceWarnings = try await sourceHealth(at: now).count
            return rollup
        }
        let (register, brief) = try await registerAndBrief(asOf: asOf, now: now, rules: try rules.rulebook().register)
        return CityRollup(code: code, name: name, register: register, brief: brief, madeAt: now)
    }

    /// The roll-up kept for `asOf` if it still holds: made under `stamp`, at the store's
    /// present change count. One that does not read (another version's), or a store whose
    /// kept roll-ups cannot be read (a province's role not granted the table yet), means
    /// the register is made anew: logged, never the city's failure.
    func keptRollup(asOf: Day, stamp: String) async -> CityRollup? {
        do {
            guard let kept = try await database.keptRollup(asOf: asOf), kept.stamp == stamp,
                let count = try await database.changeCount(), count == kept.dataVersion
            else { return nil }
            return CityRollup(keptForm: kept.body)
        } catch {
            logger.warning("kept roll-up of \(asOf) not read, the register is made anew: \(Self.plainFailure(error))")
            return nil
        }
    }

    /// The basis of a roll-up to keep under `stamp`, read before its register: nil while a
    /// write held the store longer than `seconds` (0: only tried; the roll-up is then not
    /// kept this time).
    public func rollupBasis(stamp: String, waitingAtMost seconds: Int = 5) async throws -> RollupBasis? {
        guard let count = try await database.changeCount(settled: true, waitingAtMost: seconds) else { return nil }
        return RollupBasis(stamp: stamp, dataVersion: count)
    }

    /// Keeps the roll-up of `register` and `brief` (the register and daily list of
    /// `register.asOf`, made after `basis` was read) in this store, for the province.
    /// One kept under the same basis is left as it is: a SQLite store's other processes
    /// would see a write as a change, make their register again and keep it in turn.
    public func keepRollup(_ basis: RollupBasis, register: RegisterReport, brief: DailyBrief, madeAt: Date) async throws {
        let day = register.asOf
        if let kept = try await database.keptRollup(asOf: day, withBody: false), kept.stamp == basis.stamp,
            kept.dataVersion == basis.dataVersion
        {
            return
        }
        let rollup = CityRollup(code: "", name: "", register: register, brief: brief, madeAt: madeAt)
        let body = try rollup.keptForm()
        try await database.keepRollup(
            .init(asOf: day, stamp: basis.stamp, dataVersion: basis.dataVersion, madeAt: madeAt, body: body))
    }

    /// Makes the register and daily list of `asOf` and keeps their roll-up.
    /// - Returns: whether it was kept (not while a write held the store too long).
    public func makeAndKeepRollup(asOf: Day, now: Date = Date()) async throws -> Bool {
        let rules = try stampedRules()
        guard let basis = try await rollupBasis(stamp: rules.stamp) else { return false }
        let (register, brief) = try await registerAndBrief(asOf: asOf, now: now, rules: try rules.rulebook().register)
        try await keepRollup(basis, register: register, brief: brief, madeAt: now)
        return true
    }

    /// The roll-up of every city of `province`, each city's register made from its own
    /// store (`cities`, in the file's order), one city at a time. A city whose store cannot
    /// be read is listed with the reason, never left out.
    public static func provinceRollup(
        _ province: ProvinceConfig, cities: [Result<Monitor, any Error>], asOf: Day, now: Date = Date()
    ) async -> ProvinceRollup {
        var rollups: [CityRollup] = []
        for (city, monitor) in zip(province.cities, cities) {
            do {
                rollups.append(try await monitor.get().cityRollup(code: city.code, name: city.name, asOf: asOf, now: now))
            } catch {
                rollups.append(CityRollup(code: city.code, name: city.name, failure: Self.plainFailure(error)))
            }
        }
        return ProvinceRollup(province: province.name, asOf: asOf, cities: rollups)
    }

    /// What a roll-up says of a city that could not be read: the store's words, never a
    /// value it holds or the SQL it ran.
    public static func plainFailure(_ error: any Error) -> String {
        if let plain = StoreError.plainMessage(for: error) { return plain }
        if let store = error as? StoreError {
            if case .corruptValue(let column, _) = store { return "the database holds an unreadable value in column \(column)" }
            return "\(store)"
        }
        return "\(error)"
    }
}
