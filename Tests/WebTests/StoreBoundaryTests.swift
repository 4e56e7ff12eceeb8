import Foundation
import GRDB
import HTTPTypes
import Model
import Store
import Synchronization
import Testing
import Web

/// The web app waits for the store without holding a thread of Swift's cooperative pool:
/// requests that must write, stuck behind another process's write lock, leave the other
/// requests free to answer.
@Suite struct StoreBoundaryTests {
    @Test func aPageAnswersWhileAnotherConnectionHoldsTheWriteLockAndWritersWait() async throws {
        let fixture = try await WebFixture()
        // More writers than the cooperative pool has threads: were each to block one, no
        // thread would be left for the page.
        let writers = ProcessInfo.processInfo.activeProcessorCount + 2
        let names = (0..<writers).map { "writer\($0)" }
        for name in names {
            try await fixture.database.addAccount(
                Account(name: name, role: .petition, createdAt: WebFixture.now),
                passwordHash: try Passwords.hash(WebFixture.password, cost: 4))
        }
        let leader = try await fixture.signedIn("leader")
        #expect(try await leader.get("/scorecard").status == .ok)  // the register made, the page kept

        // Another connection to the file (another process, as `wagewatch run` would be)
        // takes the write lock and keeps it until told, or for at most 3 s.
        let other = try DatabaseQueue(path: fixture.folder.appendingPathComponent("web.sqlite").path)
        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let released = Mutex(false)
        let holder = Thread {
            try? other.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                locked.signal()
                _ = release.wait(timeout: .now() + 3)
                released.withLock { $0 = true }
                try db.execute(sql: "COMMIT")
            }
        }
        holder.start()
        locked.wait()

        // Sign-ins write a session: they wait for the lock.
        let logins = names.map { name in
            Task { try await fixture.client().logIn(name, password: WebFixture.password).status }
        }
        try await Task.sleep(for: .milliseconds(300))
        let page = try await leader.get("/scorecard")
        let answeredWhileLocked = released.withLock { !$0 }
        release.signal()
        #expect(page.status == .ok)
        #expect(answeredWhileLocked, "the page waited for the other connection's write lock")
        // Once the lock is let go, every sign-in goes through.
        for login in logins { #expect(try await login.value == .seeOther) }
    }
}
